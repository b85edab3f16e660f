"""The DRC's overview of the pilots for one period (试点建设情况总览), as plain data.

One row per pilot the account may see: its type, body, region, supervisor, status; its
plan's tasks counted by their consolidated state in the period; its projects by stage with
their investment (total, the period's year planned and completed, completed to date) and
expected carbon reduction; its half-year report (state, late or overdue, and its 催办 light
while it is owed) and the task reports of its plan that came late or are missing after the
due date; the evaluation of the period (with the light of an open correction order). Also
the pilots per type against the scheme's quota. The .xlsx is written by
:mod:`tracker.outputs.pilots_overview`, the pilot report takes one pilot's figures, and the
app's 试点 view reads the same rows.

A task's consolidated state comes from :func:`tracker.services.task_state.period_states`,
the program's one rule, so the overview, the ledger and the reports never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.models import (
    Period,
    Pilot,
    PilotEvaluation,
    PilotReport,
    ProgressReport,
    Task,
    TaskUnit,
)
from tracker.services import inputs, pilots, projects, task_state
from tracker.services import settings as settings_service
from tracker.services.actor import Actor
from tracker.services.monitoring import light
from tracker.services.pilot_access import (
    find_pilot,
    pilot_scope,
    require_region_visible,
    require_visible,
)
from tracker.services.pilot_review import (
    EDITABLE,
    STATE_NONE,
    due_date,
    evaluation_dict,
    expects_report,
)
from tracker.services.pilot_terms import terms
from tracker.services.reports import DONE_STATES


def current_period(today: dt.date) -> str:
    """The period ``today`` falls in: 2025H1 from January to June, 2025H2 after."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def _task_part(
    session: Session, rows: list[Pilot], code: str, today: dt.date
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Per pilot: tasks by state; and its plan's task reports late or missing after due."""
    plan_of = {p.plan_id: p.id for p in rows if p.plan_id is not None}
    periods = {
        pid: (period_id, due)
        for period_id, pid, due in session.execute(
            select(Period.id, Period.plan_id, Period.due_date).where(
                Period.plan_id.in_(list(plan_of)), Period.code == code
            )
        )
    }
    pilot_of = {period_id: plan_of[plan_id] for plan_id, (period_id, _due) in periods.items()}
    states: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (period_id, _task), state in task_state.period_states(session, list(pilot_of)).items():
        states[pilot_of[period_id]][state] += 1
    late: dict[int, int] = defaultdict(int)
    for plan_id, (period_id, due) in periods.items():
        late[plan_of[plan_id]] = _late_reports(session, period_id, plan_id, due, today)
    return states, late


def _late_reports(
    session: Session, period_id: int, plan_id: int, due: dt.date, today: dt.date
) -> int:
    """Task reports of a plan in a period submitted late, plus, once the due date has
    passed, those not submitted at all (expected: every unit of every current task)."""
    report = ProgressReport
    joined = (
        select(func.count())
        .select_from(TaskUnit)
        .join(Task, and_(Task.id == TaskUnit.task_id, Task.archived_at.is_(None)))
        .outerjoin(
            report,
            and_(
                report.period_id == period_id,
                report.task_id == Task.id,
                report.unit_id == TaskUnit.unit_id,
            ),
        )
        .where(Task.plan_id == plan_id)
    )
    late = session.scalar(joined.where(report.late.is_(True))) or 0
    missing = 0
    if today > due:
        missing = (
            session.scalar(joined.where(or_(report.id.is_(None), report.state.not_in(DONE_STATES))))
            or 0
        )
    return int(late) + int(missing)


def _reports(
    session: Session, rows: list[Pilot], code: str, today: dt.date
) -> dict[int, dict[str, Any]]:
    """Per pilot: its half-year report's state, due date and days left, whether it came
    late or is overdue, and its 催办 light while it is owed and not sent (red overdue,
    yellow due soon, green; None once sent or when none is owed)."""
    words = terms()
    warning_days = settings_service.load(session).reminder_warning_days
    stored = {
        r.pilot_id: r
        for r in session.scalars(
            select(PilotReport).where(
                PilotReport.pilot_id.in_([p.id for p in rows]), PilotReport.period_code == code
            )
        )
    }
    found: dict[int, dict[str, Any]] = {}
    for pilot in rows:
        report = stored.get(pilot.id)
        state = report.state if report is not None else STATE_NONE
        due = due_date(session, pilot, code)
        expected = expects_report(pilot, code)
        owed = expected and state in (STATE_NONE, *EDITABLE)
        found[pilot.id] = {
            "state": state,
            "state_label": words.review_states.name(state) if report else words.not_reported,
            "due_date": due.isoformat(),
            "days_left": (due - today).days,
            "late": bool(report and report.late),
            "overdue": owed and today > due,
            "expected": expected,
            "light": light((due - today).days, warning_days) if owed else None,
        }
    return found


def _evaluations(session: Session, rows: list[Pilot], code: str, today: dt.date) -> dict[int, Any]:
    """Per pilot: the period's evaluation, with the light of an open correction order."""
    warning_days = settings_service.load(session).reminder_warning_days
    found = session.scalars(
        select(PilotEvaluation).where(
            PilotEvaluation.pilot_id.in_([p.id for p in rows]), PilotEvaluation.period_code == code
        )
    )
    evaluations: dict[int, Any] = {}
    for row in found:
        entry = evaluation_dict(row, today) or {}
        days = entry["days_left"]
        entry["light"] = light(days, warning_days) if days is not None else None
        evaluations[row.pilot_id] = entry
    return evaluations


def overview(
    db: Database,
    actor: Actor,
    period: str | None = None,
    *,
    pilot: int | str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Every pilot ``actor`` may see (or only ``pilot``, which it must be allowed to see),
    with its figures for ``period`` (default: the period today falls in); see the module
    docstring. Amounts are exact decimals (万元, 万吨CO₂)."""
    require_region_visible(actor, "查看试点总览")
    today = today or dt.date.today()
    code = inputs.period(period) if period else current_period(today)
    words = terms()
    quotas = pilots.quota_status(db, actor)
    with db.reader() as session:
        rows = _pilots(session, actor, pilot)
        shared = settings_service.load(session)
        states, late = _task_part(session, rows, code, today)
        order = task_state.display_order(
            {s for per in states.values() for s in per}, shared.status_names
        )
        entries = _entries(session, rows, code, today, states, order)
        for entry in entries:
            entry["late_task_reports"] = late.get(entry["id"], 0)
    return {
        "period": code,
        "period_name": _period_name(code),
        "today": today.isoformat(),
        "statuses": order,
        "completed_status": shared.completed_status,
        "stages": words.stages.names,
        "pilots": entries,
        "by_type": quotas,
    }


def _pilots(session: Session, actor: Actor, pilot: int | str | None) -> list[Pilot]:
    """The pilots of the overview, in the order of the types."""
    if pilot is not None:
        found = find_pilot(session, pilot)
        require_visible(session, actor, found)
        return [found]
    query = select(Pilot)
    scope = pilot_scope(actor)
    if scope is not None:
        query = query.where(scope)
    order = {key: i for i, key in enumerate(terms().types.keys)}
    return sorted(session.scalars(query), key=lambda p: (order.get(p.pilot_type, 99), p.id))


def _entries(
    session: Session,
    rows: list[Pilot],
    code: str,
    today: dt.date,
    states: dict[int, dict[str, int]],
    order: list[str],
) -> list[dict[str, Any]]:
    """One entry per pilot: its figures, its report and its evaluation."""
    ids = [p.id for p in rows]
    counts = projects.project_counts(session, ids)
    money = projects.yearly_investment(session, ids, int(code[:4]))
    reports = _reports(session, rows, code, today)
    evaluations = _evaluations(session, rows, code, today)
    completed = settings_service.load(session).completed_status
    return [
        _entry(session, p, states.get(p.id, {}), order, completed, counts[p.id], money[p.id])
        | {"report": reports[p.id], "evaluation": evaluations.get(p.id)}
        for p in rows
    ]


def _period_name(code: str) -> str:
    from tracker.services.access import period_name

    return period_name(int(code[:4]), int(code[-1]))


def _entry(
    session: Session,
    pilot: Pilot,
    states: dict[str, int],
    order: list[str],
    completed: str,
    counts: dict[str, Any],
    money: tuple[Decimal, Decimal, Decimal],
) -> dict[str, Any]:
    words = terms()
    total = sum(states.values())
    done = states.get(completed, 0)
    base = pilots.pilot_dict(session, pilot)
    return {
        **{k: base[k] for k in ("id", "type", "type_label", "name", "region", "supervisor")},
        **{k: base[k] for k in ("approved_on", "status", "status_label", "plan_id")},
        "tasks": {
            "total": total,
            "by_state": {s: states.get(s, 0) for s in order},
            "completed": done,
            "rate": (Decimal(done) / Decimal(total)) if total else None,
        },
        "projects": {
            "count": counts["count"],
            "by_stage": {
                words.stages.name(k): counts["by_stage"].get(k, 0) for k in words.stages.keys
            },
            "total_investment": counts["total_investment"],
            "reduction": counts["reduction"],
            "year_planned": money[0],
            "year_completed": money[1],
            "completed_to_date": money[2],
        },
    }
