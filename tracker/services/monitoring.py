"""Watching a period: the 催办 list (who has not submitted) and the summary figures.

Both read one period (by code, e.g. ``2025H1``) of one plan or of every plan that has it,
with a fixed number of aggregate queries whatever the number of tasks (no query per task).
A unit reporter sees only the tasks where the unit leads or cooperates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from tracker.db import Database
from tracker.errors import NotFound
from tracker.models import (
    ROLE_LEAD,
    STATE_APPROVED,
    STATE_SUBMITTED,
    Area,
    Period,
    Plan,
    ProgressReport,
    ReportActual,
    Target,
    Task,
    TaskUnit,
    Unit,
)
from tracker.services import settings as settings_service
from tracker.services import task_state
from tracker.services.access import (
    ROLE_LABELS,
    parse_period_code,
    resolve_plan_id,
    visible_task_filter,
)
from tracker.services.actor import Actor
from tracker.services.regions import labels_by_id
from tracker.services.reports import NOT_REPORTED_LABEL, STATE_LABELS

LIGHT_RED, LIGHT_YELLOW, LIGHT_GREEN = "red", "yellow", "green"
LIGHT_LABELS = {LIGHT_RED: "红灯（已逾期）", LIGHT_YELLOW: "黄灯（临近截止）", LIGHT_GREEN: "绿灯"}
NOT_SUBMITTED_STATUS = task_state.NOT_SUBMITTED
DONE_STATES = (STATE_SUBMITTED, STATE_APPROVED)


def light(days_left: int, warning_days: int) -> str:
    """The 催办 light for a task not fully submitted: red when overdue, yellow when due
    within ``warning_days`` (the shared setting, 7 by default), green otherwise."""
    if days_left < 0:
        return LIGHT_RED
    if days_left <= warning_days:
        return LIGHT_YELLOW
    return LIGHT_GREEN


def _periods(session: Session, period: str, plan_id: int | None) -> list[Period]:
    """The period of one plan, or of every current (not archived) plan."""
    code = parse_period_code(period)
    query = select(Period).where(Period.code == code).order_by(Period.plan_id)
    if plan_id is not None:
        query = query.where(Period.plan_id == resolve_plan_id(session, plan_id))
    else:
        query = query.where(Period.plan_id.in_(select(Plan.id).where(Plan.archived_at.is_(None))))
    found = list(session.scalars(query))
    if not found:
        where = f"实施方案 {plan_id} " if plan_id is not None else "任何实施方案"
        raise NotFound(
            f"{where}都没有报告期 {code}。", hint="可用 tracker period list 查看报告期。"
        )
    return found


def _period_info(
    session: Session, periods: list[Period], today: dt.date | None
) -> list[dict[str, Any]]:
    titles: dict[int, str] = {
        pid: title
        for pid, title in session.execute(
            select(Plan.id, Plan.title).where(Plan.id.in_([p.plan_id for p in periods]))
        )
    }
    warning_days = settings_service.load(session).reminder_warning_days
    info = []
    for p in periods:
        entry: dict[str, Any] = {
            "period_id": p.id,
            "plan_id": p.plan_id,
            "plan_title": titles.get(p.plan_id, ""),
            "code": p.code,
            "name": p.name,
            "due_date": p.due_date.isoformat(),
            "locked": p.locked,
        }
        if today is not None:
            days = (p.due_date - today).days
            entry["days_left"] = days
            entry["light"] = light(days, warning_days)
        info.append(entry)
    return info


def _restrict(query: Any, condition: ColumnElement[bool] | None) -> Any:
    return query if condition is None else query.where(condition)


# ---------------------------------------------------------------- 催办


def remind(
    db: Database,
    actor: Actor,
    period: str,
    *,
    plan_id: int | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The 催办 list of a period: per task, the units that have not submitted (no report,
    a draft, or a returned report), with days left (negative: overdue), a light and the
    task's consolidated state (:mod:`tracker.services.task_state`; 未报送 while a lead unit
    is missing, else the leads' state even when a cooperating unit is still missing).

    Also the count per unit, how many of the expected reports are in, and how many tasks
    are 未报送 as a whole (``unreported_tasks``); over all plans (no ``plan_id``) also the
    pilot part (``pilots``, see :func:`tracker.services.pilot_review.pilot_reminders`).
    """
    today = today or dt.date.today()
    with db.reader() as session:
        warning_days = settings_service.load(session).reminder_warning_days
        periods = _periods(session, period, plan_id)
        by_id = {p.id: p for p in periods}
        visible = visible_task_filter(actor)
        report = ProgressReport
        joined = (
            select(Period.id)
            .select_from(Period)
            .join(Task, Task.plan_id == Period.plan_id)
            .join(TaskUnit, TaskUnit.task_id == Task.id)
            .outerjoin(
                report,
                and_(
                    report.period_id == Period.id,
                    report.task_id == Task.id,
                    report.unit_id == TaskUnit.unit_id,
                ),
            )
            .where(Period.id.in_(list(by_id)))
        )
        counts = session.execute(
            _restrict(
                joined.with_only_columns(
                    func.count(),
                    func.sum(case((report.state.in_(DONE_STATES), 1), else_=0)),
                    func.sum(case((report.late, 1), else_=0)),
                ),
                visible,
            )
        ).one()
        rows = session.execute(
            _restrict(
                joined.with_only_columns(
                    Period.id,
                    Task.id,
                    Task.code,
                    Task.measure_title,
                    Task.plan_id,
                    TaskUnit.unit_id,
                    Unit.name,
                    TaskUnit.role,
                    report.state,
                )
                .join(Unit, Unit.id == TaskUnit.unit_id)
                .where(or_(report.id.is_(None), report.state.not_in(DONE_STATES)))
                .order_by(Task.plan_id, Task.position, TaskUnit.role.desc(), TaskUnit.position),
                visible,
            )
        ).all()

        tasks: list[dict[str, Any]] = []
        index: dict[int, dict[str, Any]] = {}
        per_unit: dict[int, dict[str, Any]] = {}
        labels = labels_by_id(session, {row[5] for row in rows})
        for period_id, task_id, code, title, pid, unit_id, _name, role, state in rows:
            unit_name = labels[unit_id]
            entry = index.get(task_id)
            if entry is None:
                due = by_id[period_id].due_date
                days = (due - today).days
                entry = {
                    "period_id": period_id,
                    "task_id": task_id,
                    "code": code,
                    "title": title,
                    "plan_id": pid,
                    "due_date": due.isoformat(),
                    "days_left": days,
                    "light": light(days, warning_days),
                    "missing": [],
                }
                index[task_id] = entry
                tasks.append(entry)
            entry["missing"].append(
                {
                    "unit_id": unit_id,
                    "unit": unit_name,
                    "role": role,
                    "role_label": ROLE_LABELS.get(role, role),
                    "state": state,
                    "state_label": STATE_LABELS[state] if state else NOT_REPORTED_LABEL,
                }
            )
            unit_entry = per_unit.setdefault(
                unit_id,
                {"unit_id": unit_id, "unit": unit_name, "missing_tasks": 0, "overdue_tasks": 0},
            )
            unit_entry["missing_tasks"] += 1
            if entry["days_left"] < 0:
                unit_entry["overdue_tasks"] += 1
        states = task_state.period_states(session, list(by_id), visible)
        for entry in tasks:
            entry["state"] = states.get(
                (entry["period_id"], entry["task_id"]), NOT_SUBMITTED_STATUS
            )
        expected, submitted, late = counts[0] or 0, int(counts[1] or 0), int(counts[2] or 0)
        result: dict[str, Any] = {
            "period": periods[0].code,
            "today": today.isoformat(),
            "periods": _period_info(session, periods, today),
            "expected_reports": expected,
            "submitted_reports": submitted,
            "late_reports": late,
            "unreported_tasks": sum(1 for s in states.values() if s == NOT_SUBMITTED_STATUS),
            "tasks": tasks,
            "units": sorted(per_unit.values(), key=lambda u: (-u["missing_tasks"], u["unit"])),
        }
    if plan_id is None:
        # The pilots' half-year reports, their reviews and open correction orders (试点).
        from tracker.services.pilot_review import pilot_reminders

        result["pilots"] = pilot_reminders(db, actor, result["period"], today=today)
    return result


# ---------------------------------------------------------------- summary


def _status_bucket() -> Any:
    return case(
        (ProgressReport.state.in_(DONE_STATES), ProgressReport.status),
        else_=None,
    )


def _target_met(comparator: str, actual: float, target: float) -> bool | None:
    if comparator in (">=", "≥"):
        return actual >= target
    if comparator in ("<=", "≤"):
        return actual <= target
    if comparator == ">":
        return actual > target
    if comparator == "<":
        return actual < target
    if comparator == "=":
        return abs(actual - target) <= 1e-9 * max(1.0, abs(target))
    if comparator == "≈":
        return abs(actual - target) <= 0.05 * abs(target)
    return None


def summary(
    db: Database, actor: Actor, period: str, *, plan_id: int | None = None
) -> dict[str, Any]:
    """Summary figures of a period.

    Tasks are counted by their consolidated state (:mod:`tracker.services.task_state`: the
    lead units' submitted or approved reports, else 未报送), in total and by area. Lead
    units are listed with the tasks they lead, each counted by the unit's own report. Also
    the reports by workflow state, and every target with its latest reported actual value
    up to this period against the target value.
    """
    with db.reader() as session:
        periods = _periods(session, period, plan_id)
        period_ids = [p.id for p in periods]
        plan_ids = [p.plan_id for p in periods]
        visible = visible_task_filter(actor)
        bucket = _status_bucket().label("bucket")

        states = task_state.period_states(session, period_ids, visible)
        task_areas: dict[int, int] = {
            task_id: area_id
            for task_id, area_id in session.execute(
                _restrict(select(Task.id, Task.area_id).where(Task.plan_id.in_(plan_ids)), visible)
            )
        }
        by_area_rows: dict[tuple[int, str], int] = defaultdict(int)
        for (_, task_id), state in states.items():
            by_area_rows[(task_areas[task_id], state)] += 1

        by_lead_rows = session.execute(
            _restrict(
                select(
                    TaskUnit.unit_id,
                    bucket,
                    func.count(),
                    func.sum(case((ProgressReport.late, 1), else_=0)),
                )
                .select_from(Period)
                .join(Task, Task.plan_id == Period.plan_id)
                .join(TaskUnit, and_(TaskUnit.task_id == Task.id, TaskUnit.role == ROLE_LEAD))
                .outerjoin(
                    ProgressReport,
                    and_(
                        ProgressReport.period_id == Period.id,
                        ProgressReport.task_id == Task.id,
                        ProgressReport.unit_id == TaskUnit.unit_id,
                    ),
                )
                .where(Period.id.in_(period_ids))
                .group_by(TaskUnit.unit_id, bucket),
                visible,
            )
        ).all()

        state_rows = session.execute(
            _restrict(
                select(
                    ProgressReport.state,
                    func.count(),
                    func.sum(case((ProgressReport.late, 1), else_=0)),
                )
                .join(Task, Task.id == ProgressReport.task_id)
                .where(ProgressReport.period_id.in_(period_ids))
                .group_by(ProgressReport.state),
                visible,
            )
        ).all()
        expected = (
            session.scalar(
                _restrict(
                    select(func.count())
                    .select_from(TaskUnit)
                    .join(Task, Task.id == TaskUnit.task_id)
                    .where(Task.plan_id.in_(plan_ids)),
                    visible,
                )
            )
            or 0
        )

        areas = session.execute(
            select(Area.id, Area.plan_id, Area.code, Area.title)
            .where(Area.plan_id.in_(plan_ids))
            .order_by(Area.plan_id, Area.position)
        ).all()
        lead_ids = {row[0] for row in by_lead_rows}
        unit_names = labels_by_id(session, lead_ids)

        seen: set[str] = set()
        by_status: dict[str, int] = defaultdict(int)
        area_status: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (area_id, name), count in by_area_rows.items():
            seen.add(name)
            by_status[name] += count
            area_status[area_id][name] += count
        unit_status: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        unit_late: dict[int, int] = defaultdict(int)
        for unit_id, status, count, late in by_lead_rows:
            name = status or NOT_SUBMITTED_STATUS
            seen.add(name)
            unit_status[unit_id][name] += count
            unit_late[unit_id] += int(late or 0)
        shared = settings_service.load(session)
        order = task_state.display_order(seen, shared.status_names)

        def ordered(counts: dict[str, int]) -> dict[str, int]:
            """Counts for every status, in display order."""
            return {s: counts.get(s, 0) for s in order}

        by_state = {label: 0 for label in STATE_LABELS.values()}
        late_total = 0
        for state, count, late in state_rows:
            by_state[STATE_LABELS.get(state, state)] = count
            late_total += int(late or 0)
        by_state[NOT_REPORTED_LABEL] = expected - sum(by_state.values())

        by_area = []
        for area_id, pid, code, title in areas:
            counts = area_status.get(area_id)
            if not counts:
                continue  # no visible task in this area
            by_area.append(
                {
                    "area_id": area_id,
                    "plan_id": pid,
                    "code": code,
                    "title": title,
                    "task_count": sum(counts.values()),
                    "by_status": ordered(counts),
                }
            )
        by_lead: list[dict[str, Any]] = [
            {
                "unit_id": unit_id,
                "unit": unit_names.get(unit_id, str(unit_id)),
                "task_count": sum(counts.values()),
                "submitted": sum(c for s, c in counts.items() if s != NOT_SUBMITTED_STATUS),
                "late": unit_late[unit_id],
                "by_status": ordered(counts),
            }
            for unit_id, counts in unit_status.items()
        ]
        by_lead.sort(key=lambda u: (-u["task_count"], u["unit"]))

        task_count = sum(by_status.values())
        completed = shared.completed_status
        return {
            "period": periods[0].code,
            "periods": _period_info(session, periods, None),
            "task_count": task_count,
            "statuses": order,
            "by_status": ordered(by_status),
            "completed_status": completed,
            "completed": by_status.get(completed, 0),
            "completion_rate": by_status.get(completed, 0) / task_count if task_count else 0.0,
            "by_area": by_area,
            "by_lead_unit": by_lead,
            "reports": {"expected": expected, "by_state": by_state, "late": late_total},
            "targets": _targets(session, period_ids, plan_ids, visible),
        }


def _targets(
    session: Session,
    period_ids: list[int],
    plan_ids: list[int],
    visible: ColumnElement[bool] | None,
) -> list[dict[str, Any]]:
    """Every target of the plans, with the latest actual value reported (submitted or
    approved) in this period or an earlier one; the lead unit's value wins within a period."""
    selected = aliased(Period)
    source = aliased(Period)
    link = aliased(TaskUnit)
    rank = (
        func.row_number()
        .over(
            partition_by=ReportActual.target_id,
            order_by=(
                source.year.desc(),
                source.half.desc(),
                case((link.role == ROLE_LEAD, 0), else_=1),
                ProgressReport.updated_at.desc(),
            ),
        )
        .label("rank")
    )
    ranked = (
        select(
            ReportActual.target_id,
            ReportActual.value,
            source.code.label("period"),
            ProgressReport.unit_id.label("unit"),
            rank,
        )
        .select_from(ReportActual)
        .join(ProgressReport, ProgressReport.id == ReportActual.report_id)
        .join(source, source.id == ProgressReport.period_id)
        .join(selected, and_(selected.plan_id == source.plan_id, selected.id.in_(period_ids)))
        .outerjoin(
            link,
            and_(link.task_id == ProgressReport.task_id, link.unit_id == ProgressReport.unit_id),
        )
        .where(
            ProgressReport.state.in_(DONE_STATES),
            or_(
                source.year < selected.year,
                and_(source.year == selected.year, source.half <= selected.half),
            ),
        )
        .subquery()
    )
    rows = session.execute(
        _restrict(
            select(
                Target.id,
                Target.task_id,
                Task.code,
                Target.year,
                Target.indicator,
                Target.comparator,
                Target.value,
                Target.measure_unit,
                ranked.c.value,
                ranked.c.period,
                ranked.c.unit,
            )
            .join(Task, Task.id == Target.task_id)
            .outerjoin(ranked, and_(ranked.c.target_id == Target.id, ranked.c.rank == 1))
            .where(Task.plan_id.in_(plan_ids))
            .order_by(Task.plan_id, Task.position, Target.position),
            visible,
        )
    ).all()
    labels = labels_by_id(session, {row[10] for row in rows if row[10] is not None})
    result = []
    for row in rows:
        tid, task_id, code, year, indicator, comparator, value, unit = row[:8]
        actual, pcode, unit_id = row[8:]
        uname = labels[unit_id] if unit_id is not None else None
        result.append(
            {
                "target_id": tid,
                "task_id": task_id,
                "task_code": code,
                "year": year,
                "indicator": indicator,
                "comparator": comparator,
                "target_value": value,
                "unit": unit,
                "actual": actual,
                "actual_period": pcode,
                "actual_unit_id": unit_id,
                "actual_unit": uname,
                "met": _target_met(comparator, actual, value) if actual is not None else None,
            }
        )
    return result
