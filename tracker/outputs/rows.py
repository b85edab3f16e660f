"""The ledger's content, read once from the database for the 工作台账, the report's 附件 and
the 填报表: one row per task (its definition, units and targets) with, for each chosen
period, the task's consolidated state, the lead units' texts and who has reported. Every
text is cleaned here (:func:`~tracker.outputs.common.clean_text`), once for all outputs.

A fixed number of queries whatever the number of tasks (no query per task). Only reports
that have been 报送 or 审核 are shown; a draft is the unit's own business until it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    ROLE_LEAD,
    Area,
    Period,
    Plan,
    ProgressReport,
    Target,
    Task,
    TaskUnit,
)
from tracker.outputs.common import area_label, clean_text, layout
from tracker.services import settings as settings_service
from tracker.services import task_state
from tracker.services.access import find_period, find_unit, visible_task_filter
from tracker.services.actor import Actor
from tracker.services.regions import labels_by_id
from tracker.services.reports import DONE_STATES
from tracker.services.settings import Status


@dataclass(frozen=True)
class PeriodInfo:
    """A period shown in an output."""

    id: int
    code: str
    name: str
    year: int
    half: int
    due_date: dt.date
    locked: bool


@dataclass(frozen=True)
class PeriodEntry:
    """A task in one period: consolidated state, the leads' texts, who has reported."""

    state: str
    progress: str
    problems: str
    next_steps: str
    submission: str
    late: bool


@dataclass(frozen=True)
class LedgerRow:
    """One task of the ledger; ``entries`` follow :attr:`LedgerData.periods`."""

    task_id: int
    code: str
    area_id: int
    area: str
    measure: str
    content: str
    lead_ids: tuple[int, ...]
    unit_roles: tuple[tuple[int, str], ...]
    leads: str
    cooperating: str
    targets: str
    entries: tuple[PeriodEntry, ...]


@dataclass(frozen=True)
class LedgerFilter:
    """Which tasks to list: one area (code or title), one lead unit, one state in the
    chosen period (a status or 未报送), only the late ones."""

    area: str | None = None
    lead_unit: str | None = None
    status: str | None = None
    only_late: bool = False


@dataclass
class LedgerData:
    """Everything an output shows of a plan and its periods."""

    plan_id: int
    plan_title: str
    plan_hash: str
    periods: list[PeriodInfo]
    rows: list[LedgerRow]
    unit_names: dict[int, str]
    # The database's status vocabulary (display order, colours, ranks), read with the rows.
    statuses: tuple[Status, ...] = ()
    filters: list[str] = field(default_factory=list)
    total_tasks: int = 0

    @property
    def period(self) -> PeriodInfo:
        """The chosen period (the last one shown)."""
        return self.periods[-1]


class _Report(NamedTuple):
    unit_id: int
    state: str
    progress: str
    results: str
    problems: str
    next_steps: str
    late: bool


def by_area(rows: Iterable[LedgerRow]) -> list[tuple[str, list[LedgerRow]]]:
    """The rows grouped by area, areas and rows in the order given: (area label, rows)."""
    groups: dict[int, tuple[str, list[LedgerRow]]] = {}
    for row in rows:
        groups.setdefault(row.area_id, (row.area, []))[1].append(row)
    return list(groups.values())


def _texts() -> dict[str, Any]:
    return layout("ledger")["texts"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------- periods


def select_periods(
    session: Session, plan_id: int, period: str | int, *, all_periods: bool = False
) -> list[PeriodInfo]:
    """The chosen period of a plan, or (``all_periods``) every period up to it in order."""
    chosen = find_period(session, plan_id, period)
    query = select(Period).where(Period.plan_id == plan_id)
    if all_periods:
        query = query.where((Period.year * 10 + Period.half) <= chosen.year * 10 + chosen.half)
    else:
        query = query.where(Period.id == chosen.id)
    return [
        PeriodInfo(p.id, p.code, p.name, p.year, p.half, p.due_date, p.locked)
        for p in session.scalars(query.order_by(Period.year, Period.half))
    ]


def previous_period(session: Session, plan_id: int, period: PeriodInfo) -> PeriodInfo | None:
    """The period before ``period`` in the plan, if any."""
    found = session.scalar(
        select(Period)
        .where(
            Period.plan_id == plan_id,
            (Period.year * 10 + Period.half) < period.year * 10 + period.half,
        )
        .order_by(Period.year.desc(), Period.half.desc())
        .limit(1)
    )
    if found is None:
        return None
    return PeriodInfo(
        found.id, found.code, found.name, found.year, found.half, found.due_date, found.locked
    )


# ---------------------------------------------------------------- reading


def _restrict(query: Any, condition: ColumnElement[bool] | None) -> Any:
    return query if condition is None else query.where(condition)


def _task_rows(session: Session, plan_id: int, visible: ColumnElement[bool] | None) -> list[Any]:
    return list(
        session.execute(
            _restrict(
                select(
                    Task.id,
                    Task.code,
                    Task.area_id,
                    Task.measure_title,
                    Task.content,
                    Task.deadline,
                )
                .where(Task.plan_id == plan_id)
                .order_by(Task.position),
                visible,
            )
        )
    )


def _unit_links(
    session: Session, plan_id: int, visible: ColumnElement[bool] | None
) -> dict[int, list[tuple[int, str]]]:
    links: dict[int, list[tuple[int, str]]] = defaultdict(list)
    query = (
        select(TaskUnit.task_id, TaskUnit.unit_id, TaskUnit.role)
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(TaskUnit.task_id, TaskUnit.role.desc(), TaskUnit.position)
    )
    for task_id, unit_id, role in session.execute(_restrict(query, visible)):
        links[task_id].append((unit_id, role))
    return links


def _target_texts(
    session: Session, plan_id: int, visible: ColumnElement[bool] | None
) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    query = (
        select(Target.task_id, Target.text)
        .join(Task, Task.id == Target.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Target.task_id, Target.position)
    )
    for task_id, text in session.execute(_restrict(query, visible)):
        texts[task_id].append(text)
    return texts


def _reports(
    session: Session, period_ids: Sequence[int], visible: ColumnElement[bool] | None
) -> dict[tuple[int, int], dict[int, _Report]]:
    found: dict[tuple[int, int], dict[int, _Report]] = defaultdict(dict)
    query = (
        select(
            ProgressReport.period_id,
            ProgressReport.task_id,
            ProgressReport.unit_id,
            ProgressReport.state,
            ProgressReport.progress,
            ProgressReport.results,
            ProgressReport.problems,
            ProgressReport.next_steps,
            ProgressReport.late,
        )
        .join(Task, Task.id == ProgressReport.task_id)
        .where(ProgressReport.period_id.in_(list(period_ids)))
    )
    for period_id, task_id, unit_id, *rest in session.execute(_restrict(query, visible)):
        found[(period_id, task_id)][unit_id] = _Report(unit_id, *rest)
    return found


# ---------------------------------------------------------------- one task in one period


def _joined(
    leads: Sequence[int], reports: dict[int, _Report], labels: dict[int, str], name: str
) -> str:
    """A text field of the lead units' reports: one lead's text as is; with several leads,
    one ``【单位】text`` block each."""
    parts: list[tuple[int, str]] = []
    for unit_id in leads:
        report = reports.get(unit_id)
        if report is None or report.state not in DONE_STATES:
            continue
        text = clean_text(getattr(report, name)).strip()
        if name == "progress" and report.results.strip():
            results = clean_text(report.results).strip()
            text = f"{text}\n{_texts()['results_prefix']}{results}" if text else results
        if text:
            parts.append((unit_id, text))
    if len(leads) == 1:
        return parts[0][1] if parts else ""
    return "\n".join(f"【{labels.get(uid, '')}】{text}" for uid, text in parts)


def _submission(
    units: Sequence[tuple[int, str]],
    reports: dict[int, _Report],
    labels: dict[int, str],
    overdue: bool,
) -> tuple[str, bool]:
    """The 报送情况 text and whether the task is late: a unit reported after the due date,
    or the due date has passed and a unit has not reported."""
    words = _texts()
    done = [uid for uid, _ in units if uid in reports and reports[uid].state in DONE_STATES]
    missing = [labels.get(uid, "") for uid, _ in units if uid not in done]
    late_units = [labels.get(uid, "") for uid in done if reports[uid].late]
    text = words["submitted"].format(done=len(done), total=len(units))
    most = words["max_units_listed"]
    if len(missing) > most:
        text += words["missing_many"].format(count=len(missing), units="、".join(missing[:most]))
    elif missing:
        text += words["missing"].format(units="、".join(missing))
    if late_units:
        text += words["late"].format(units="、".join(late_units))
    return text, bool(late_units) or (bool(missing) and overdue)


def _entry(
    units: Sequence[tuple[int, str]],
    reports: dict[int, _Report],
    state: str,
    labels: dict[int, str],
    overdue: bool,
) -> PeriodEntry:
    leads = [uid for uid, role in units if role == ROLE_LEAD]
    submission, late = _submission(units, reports, labels, overdue)
    return PeriodEntry(
        state=state,
        progress=_joined(leads, reports, labels, "progress"),
        problems=_joined(leads, reports, labels, "problems"),
        next_steps=_joined(leads, reports, labels, "next_steps"),
        submission=submission,
        late=late,
    )


# ---------------------------------------------------------------- the whole ledger


def load_ledger(
    session: Session,
    actor: Actor,
    plan_id: int,
    periods: list[PeriodInfo],
    *,
    filters: LedgerFilter | None = None,
    today: dt.date | None = None,
) -> LedgerData:
    """Read the ledger of ``plan_id`` for ``periods`` (see :func:`select_periods`), with the
    tasks the actor may see, narrowed by ``filters`` (applied to the last period)."""
    today = today or dt.date.today()
    filters = filters or LedgerFilter()
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的实施方案。")
    visible = visible_task_filter(actor)
    period_ids = [p.id for p in periods]
    tasks = _task_rows(session, plan_id, visible)
    links = _unit_links(session, plan_id, visible)
    labels = {
        uid: clean_text(label)
        for uid, label in labels_by_id(
            session, {uid for units in links.values() for uid, _ in units}
        ).items()
    }
    areas = {
        area_id: clean_text(area_label(code, title))
        for area_id, code, title in session.execute(
            select(Area.id, Area.code, Area.title).where(Area.plan_id == plan_id)
        )
    }
    targets = _target_texts(session, plan_id, visible)
    reports = _reports(session, period_ids, visible)
    states = task_state.period_states(session, period_ids, visible)
    rows = [
        _row(task, areas, links.get(task.id, []), labels, targets, periods, reports, states, today)
        for task in tasks
    ]
    data = LedgerData(
        plan_id,
        plan.title,
        plan.content_hash,
        periods,
        rows,
        labels,
        statuses=settings_service.load(session).statuses,
        total_tasks=len(rows),
    )
    _apply_filters(session, data, plan_id, filters)
    return data


def _row(
    task: Any,
    areas: dict[int, str],
    units: list[tuple[int, str]],
    labels: dict[int, str],
    targets: dict[int, list[str]],
    periods: list[PeriodInfo],
    reports: dict[tuple[int, int], dict[int, _Report]],
    states: dict[tuple[int, int], str],
    today: dt.date,
) -> LedgerRow:
    task_id, code, area_id, measure, content, deadline = task
    goal_lines = [clean_text(t) for t in targets.get(task_id, [])]
    if deadline:
        goal_lines.append(_texts()["deadline_prefix"] + clean_text(deadline))
    entries = tuple(
        _entry(
            units,
            reports.get((p.id, task_id), {}),
            states.get((p.id, task_id), task_state.NOT_SUBMITTED),
            labels,
            today > p.due_date,
        )
        for p in periods
    )
    return LedgerRow(
        task_id=task_id,
        code=clean_text(code),
        area_id=area_id,
        area=areas.get(area_id, ""),
        measure=clean_text(measure),
        content=clean_text(content),
        lead_ids=tuple(uid for uid, role in units if role == ROLE_LEAD),
        unit_roles=tuple(units),
        leads="、".join(labels.get(uid, "") for uid, role in units if role == ROLE_LEAD),
        cooperating="、".join(labels.get(uid, "") for uid, role in units if role != ROLE_LEAD),
        targets="\n".join(goal_lines),
        entries=entries,
    )


# ---------------------------------------------------------------- filters


def _apply_filters(session: Session, data: LedgerData, plan_id: int, flt: LedgerFilter) -> None:
    words = _texts()["filters"]
    rows = data.rows
    if flt.area:
        area_ids = _match_area(session, plan_id, flt.area)
        rows = [r for r in rows if r.area_id in area_ids]
        data.filters.append(words["area"].format(value=flt.area))
    if flt.lead_unit:
        unit = find_unit(session, flt.lead_unit.strip())
        rows = [r for r in rows if unit.id in r.lead_ids]
        data.filters.append(words["lead_unit"].format(value=flt.lead_unit))
    if flt.status:
        status = flt.status.strip()
        allowed = [*(s.name for s in data.statuses), task_state.NOT_SUBMITTED]
        if status not in allowed:
            raise InvalidInput(f"状态“{status}”不在可选范围内：应为 {'、'.join(allowed)} 之一。")
        rows = [r for r in rows if r.entries[-1].state == status]
        data.filters.append(words["status"].format(value=status))
    if flt.only_late:
        rows = [r for r in rows if r.entries[-1].late]
        data.filters.append(words["only_late"])
    data.rows = rows


def _match_area(session: Session, plan_id: int, wanted: str) -> set[int]:
    value = wanted.strip()
    areas = session.execute(
        select(Area.id, Area.code, Area.title)
        .where(Area.plan_id == plan_id)
        .order_by(Area.position)
    ).all()
    exact = {
        area_id for area_id, code, title in areas if value in (code, title, area_label(code, title))
    }
    if exact:
        return exact
    partial = {area_id for area_id, _, title in areas if value in title}
    if partial:
        return partial
    listed = "、".join(area_label(code, title) for _, code, title in areas)
    raise NotFound(f"实施方案 {plan_id} 中没有重点领域“{value}”。可选：{listed}。")
