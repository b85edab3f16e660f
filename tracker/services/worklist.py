"""What the desktop shows for one period: each task's state, the review queue, a task's
earlier reports, and which period is the current one.

Every function reads with a fixed number of queries, whatever the number of tasks (a
province holds 5,000 tasks and 150,000 reports); a unit reporter sees only the tasks where
the unit leads or cooperates.

A task's status in a period is its consolidated state (:mod:`tracker.services.task_state`,
the one rule the summary, 催办, the ledger and the reports use too): its lead units'
submitted or approved reports, else 未报送.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select

from tracker.db import Database
from tracker.models import (
    STATE_SUBMITTED,
    Period,
    ProgressReport,
    Task,
    TaskUnit,
    Unit,
)
from tracker.services import settings as settings_service
from tracker.services import task_state
from tracker.services.access import (
    ROLE_LABELS,
    find_period,
    find_task,
    format_time,
    require_task_visible,
    resolve_plan_id,
    visible_task_filter,
)
from tracker.services.actor import Actor
from tracker.services.monitoring import light
from tracker.services.regions import labels_by_id
from tracker.services.reports import DONE_STATES, NOT_REPORTED_LABEL, STATE_LABELS

# An open period stays the current one for this long after its due date: the month in
# which the coordinator chases the late units (催办) before locking it.
CURRENT_PERIOD_GRACE_DAYS = 31

LIGHT_DONE = "done"  # every report the row asks for is in: no light


def choose_current_period(
    periods: Sequence[Mapping[str, Any]], today: dt.date | None = None
) -> Mapping[str, Any] | None:
    """The period being reported now, among ``periods`` (dicts with ``due_date`` as ISO
    text and ``locked``, in order): the first open period due on or after today, or overdue
    by at most :data:`CURRENT_PERIOD_GRACE_DAYS`; else the last open period already due;
    else the last period. None for no periods."""
    if not periods:
        return None
    today = today or dt.date.today()
    earliest_due = today - dt.timedelta(days=CURRENT_PERIOD_GRACE_DAYS)
    open_periods = [p for p in periods if not p.get("locked")]
    for period in open_periods:
        if dt.date.fromisoformat(str(period["due_date"])) >= earliest_due:
            return period
    return open_periods[-1] if open_periods else periods[-1]


@dataclass
class _TaskState:
    """What the rows of one task add up to."""

    expected: int = 0
    done: int = 0
    late: bool = False
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    own: dict[str, Any] | None = None


def _collect(rows: Sequence[Any], unit_id: int | None) -> dict[int, _TaskState]:
    states: dict[int, _TaskState] = {}
    for task_id, uid, role, state, status, updated_at, updated_by, late, version in rows:
        entry = states.setdefault(task_id, _TaskState())
        entry.expected += 1
        done = state in DONE_STATES
        entry.done += done
        entry.late |= bool(late)
        if updated_at is not None and (entry.updated_at is None or updated_at > entry.updated_at):
            entry.updated_at, entry.updated_by = updated_at, updated_by
        if uid == unit_id:
            entry.own = {
                "role": role,
                "role_label": ROLE_LABELS.get(role, role),
                "state": state,
                "state_label": STATE_LABELS[state] if state else NOT_REPORTED_LABEL,
                "status": status,
                "version": version or 0,
                "done": done,
            }
    return states


def _row(entry: _TaskState, state: str, days_left: int, warning_days: int) -> dict[str, Any]:
    complete = entry.own["done"] if entry.own is not None else entry.done == entry.expected
    return {
        "status": None if state == task_state.NOT_SUBMITTED else state,
        "status_label": state,
        "reports_expected": entry.expected,
        "reports_in": entry.done,
        "late": entry.late,
        "updated_at": format_time(entry.updated_at),
        "updated_by": entry.updated_by,
        "own": entry.own,
        "light": LIGHT_DONE if complete else light(days_left, warning_days),
    }


def period_tasks(
    db: Database,
    actor: Actor,
    plan_id: int | None,
    period: str | int,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Every visible task of a plan in one period, keyed by task id: its status (the rule
    above), how many of its units' reports are in, whether one came late, the last change
    (when, by whom), the actor's own unit's report (``own``: role, state, status, version;
    None for a coordinator) and the 催办 light — ``done`` when the reports the row asks for
    are in (the actor's own one for a reporter, all of them for a coordinator), else red /
    yellow / green by the days left. Also the period with its due date and days left."""
    today = today or dt.date.today()
    with db.reader() as session:
        pid = resolve_plan_id(session, plan_id)
        found = find_period(session, pid, period)
        # Two plain queries joined here: the units of the tasks, and the period's reports
        # (by the unique index that starts with the period) — much faster on SQLite than
        # an outer join of 15,000 links to 150,000 reports.
        links = select(TaskUnit.task_id, TaskUnit.unit_id, TaskUnit.role).join(
            Task, Task.id == TaskUnit.task_id
        )
        links = links.where(Task.plan_id == pid)
        visible = visible_task_filter(actor)
        if visible is not None:
            links = links.where(visible)
        report = ProgressReport
        found_reports = {
            (task_id, unit_id): rest
            for task_id, unit_id, *rest in session.execute(
                select(
                    report.task_id,
                    report.unit_id,
                    report.state,
                    report.status,
                    report.updated_at,
                    report.updated_by,
                    report.late,
                    report.version,
                ).where(report.period_id == found.id)
            )
        }
        empty = (None, None, None, None, None, None)
        rows = [
            (task_id, unit_id, role, *found_reports.get((task_id, unit_id), empty))
            for task_id, unit_id, role in session.execute(links)
        ]
        days_left = (found.due_date - today).days
        warning_days = settings_service.load(session).reminder_warning_days
        states = _collect(rows, None if actor.is_coordinator else actor.unit_id)
        consolidated = task_state.period_states(session, [found.id], visible)
        return {
            "period": {
                "id": found.id,
                "plan_id": pid,
                "code": found.code,
                "name": found.name,
                "due_date": found.due_date.isoformat(),
                "locked": found.locked,
                "days_left": days_left,
            },
            "tasks": {
                tid: _row(
                    entry,
                    consolidated.get((found.id, tid), task_state.NOT_SUBMITTED),
                    days_left,
                    warning_days,
                )
                for tid, entry in states.items()
            },
        }


def plan_periods(db: Database, actor: Actor, plan_id: int | None) -> list[dict[str, Any]]:
    """A plan's periods in order, without report counts (for choosing one): id, code,
    name, year, half, due date (ISO) and whether locked."""
    del actor  # every signed-in user may see the periods
    with db.reader() as session:
        pid = resolve_plan_id(session, plan_id)
        rows = session.execute(
            select(
                Period.id,
                Period.code,
                Period.name,
                Period.year,
                Period.half,
                Period.due_date,
                Period.locked,
            )
            .where(Period.plan_id == pid)
            .order_by(Period.year, Period.half)
        ).all()
        return [
            {
                "id": pid_,
                "code": code,
                "name": name,
                "year": year,
                "half": half,
                "due_date": due.isoformat(),
                "locked": locked,
            }
            for pid_, code, name, year, half, due, locked in rows
        ]


def review_queue(
    db: Database,
    actor: Actor,
    plan_id: int | None,
    period: str | int,
    *,
    states: Sequence[str] = (STATE_SUBMITTED,),
) -> list[dict[str, Any]]:
    """The reports of a period waiting for review (by default: submitted ones), in task
    order, with what the reviewer reads (texts, status, percent) and the version to pass
    back (coordinator only). ``unit`` is the unit's label (with its region where two
    regions have a unit of that name, see :func:`tracker.services.regions.unit_label`)."""
    actor.require_coordinator("审核填报")
    with db.reader() as session:
        pid = resolve_plan_id(session, plan_id)
        found = find_period(session, pid, period)
        report = ProgressReport
        rows = session.execute(
            select(report, Task.code, Task.measure_title, Unit.name, TaskUnit.role)
            .join(Task, Task.id == report.task_id)
            .join(Unit, Unit.id == report.unit_id)
            .outerjoin(
                TaskUnit,
                and_(TaskUnit.task_id == report.task_id, TaskUnit.unit_id == report.unit_id),
            )
            .where(report.period_id == found.id, report.state.in_(list(states)))
            .order_by(Task.position, TaskUnit.role.desc(), TaskUnit.position)
        ).all()
        labels = labels_by_id(session, {r.unit_id for r, *_rest in rows})
        return [
            {
                "report_id": r.id,
                "task_id": r.task_id,
                "task_code": code,
                "task_title": title,
                "unit_id": r.unit_id,
                "unit": labels.get(r.unit_id, unit),
                "role": role,
                "role_label": ROLE_LABELS.get(role or "", ""),
                "period_id": found.id,
                "period_name": found.name,
                "state": r.state,
                "state_label": STATE_LABELS[r.state],
                "status": r.status,
                "percent": r.percent,
                "progress": r.progress,
                "results": r.results,
                "problems": r.problems,
                "next_steps": r.next_steps,
                "late": r.late,
                "submitted_at": format_time(r.submitted_at),
                "submitted_by": r.submitted_by,
                "version": r.version,
            }
            for r, code, title, unit, role in rows
        ]


def report_history(db: Database, actor: Actor, task_id: int) -> list[dict[str, Any]]:
    """Every report on a task in every period, newest period first, lead units first: the
    period, unit (its label, as in :func:`review_queue`), workflow state, status, percent
    and the four texts."""
    with db.reader() as session:
        task = find_task(session, task_id)
        require_task_visible(session, actor, task)
        report = ProgressReport
        rows = session.execute(
            select(report, Period.name, Unit.name, TaskUnit.role)
            .join(Period, Period.id == report.period_id)
            .join(Unit, Unit.id == report.unit_id)
            .outerjoin(
                TaskUnit,
                and_(TaskUnit.task_id == report.task_id, TaskUnit.unit_id == report.unit_id),
            )
            .where(report.task_id == task.id)
            .order_by(
                Period.year.desc(), Period.half.desc(), TaskUnit.role.desc(), TaskUnit.position
            )
        ).all()
        labels = labels_by_id(session, {r.unit_id for r, *_rest in rows})
        return [
            {
                "report_id": r.id,
                "period_id": r.period_id,
                "period_name": period_name,
                "unit_id": r.unit_id,
                "unit": labels.get(r.unit_id, unit),
                "role_label": ROLE_LABELS.get(role or "", ""),
                "state_label": STATE_LABELS[r.state],
                "status": r.status,
                "percent": r.percent,
                "progress": r.progress,
                "results": r.results,
                "problems": r.problems,
                "next_steps": r.next_steps,
                "return_reason": r.return_reason,
                "updated_at": format_time(r.updated_at),
                "updated_by": r.updated_by,
            }
            for r, period_name, unit, role in rows
        ]
