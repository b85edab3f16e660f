"""Reporting periods (报告期): generated from a plan's schedule, locked and reopened.

A plan reports half-yearly by default: ``2025H1`` (2025年上半年, due 7月10日) and ``2025H2``
(2025年全年, the annual report, due 次年1月10日); a yearly plan has only the annual periods.
Periods run from the plan's start year to its horizon; due dates come from
``resources/settings.json`` and can be changed per period. A locked period refuses every
change until a coordinator reopens it, giving a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.models import (
    CADENCE_HALF_YEARLY,
    CADENCE_YEARLY,
    Period,
    Plan,
    ProgressReport,
    Task,
    TaskUnit,
    utcnow,
)
from tracker.services import audit
from tracker.services import settings as settings_service
from tracker.services.access import (
    ensure_open,
    find_period,
    format_time,
    period_name,
    require_plan_writable,
    resolve_plan_id,
)
from tracker.services.actor import Actor

CADENCES = {CADENCE_HALF_YEARLY: "每半年", CADENCE_YEARLY: "每年"}
MIN_YEAR, MAX_YEAR = 2000, 2100
STATE_OPEN_LABEL, STATE_LOCKED_LABEL = "开放", "已锁定"


@dataclass(frozen=True)
class PeriodSpec:
    """One period a schedule calls for."""

    code: str
    year: int
    half: int
    name: str
    due_date: dt.date


def schedule(
    cadence: str, start_year: int, horizon_year: int, settings: settings_service.Settings
) -> list[PeriodSpec]:
    """The periods of a schedule, in order, with the default due dates of ``settings``."""
    if cadence not in CADENCES:
        raise InvalidInput(
            f"报告频次“{cadence}”无效："
            f"应为 {CADENCE_HALF_YEARLY}（每半年）或 {CADENCE_YEARLY}（每年）。"
        )
    if not (MIN_YEAR <= start_year <= horizon_year <= MAX_YEAR):
        raise InvalidInput(
            f"报告起止年份无效：起始 {start_year} 年、截止 {horizon_year} 年"
            f"（起始不得晚于截止，且应在 {MIN_YEAR}–{MAX_YEAR} 年之间）。"
        )
    halves = (1, 2) if cadence == CADENCE_HALF_YEARLY else (2,)
    specs: list[PeriodSpec] = []
    for year in range(start_year, horizon_year + 1):
        for half in halves:
            due = (settings.due_h1 if half == 1 else settings.due_h2).for_year(year)
            specs.append(PeriodSpec(f"{year}H{half}", year, half, period_name(year, half), due))
    return specs


def create_periods(session: Session, plan: Plan, actor: Actor) -> None:
    """Create the periods ``plan``'s schedule calls for that do not exist yet.

    Runs inside the caller's transaction (the plan import calls it after flushing the plan).
    """
    if plan.id is None:
        session.flush()
    existing = {p.code for p in plan.periods}
    created: list[str] = []
    settings = settings_service.load(session)
    for spec in schedule(plan.cadence, plan.start_year, plan.horizon_year, settings):
        if spec.code in existing:
            continue
        plan.periods.append(
            Period(
                code=spec.code,
                year=spec.year,
                half=spec.half,
                name=spec.name,
                due_date=spec.due_date,
                locked=False,
            )
        )
        created.append(spec.code)
    if created:
        session.flush()
        audit.record(
            session,
            actor,
            "create_periods",
            "plan",
            plan.id,
            field="periods",
            after=f"{created[0]}…{created[-1]}（{len(created)} 个报告期）",
        )


def _period_dict(period: Period, counts: dict[str, int], expected: int) -> dict[str, Any]:
    return {
        "id": period.id,
        "plan_id": period.plan_id,
        "code": period.code,
        "name": period.name,
        "year": period.year,
        "half": period.half,
        "due_date": period.due_date.isoformat(),
        "locked": period.locked,
        "state": STATE_LOCKED_LABEL if period.locked else STATE_OPEN_LABEL,
        "locked_at": format_time(period.locked_at),
        "locked_by": period.locked_by,
        "reopen_reason": period.reopen_reason,
        "expected_reports": expected,
        "report_counts": counts,
    }


def list_periods(db: Database, actor: Actor, plan_id: int | None = None) -> dict[str, Any]:
    """A plan's schedule and periods, each with its report counts by workflow state.

    ``plan_id`` may be omitted when the database holds a single plan.
    """
    del actor  # every signed-in user may see the periods
    with db.reader() as session:
        pid = resolve_plan_id(session, plan_id)
        plan = session.get(Plan, pid)
        assert plan is not None
        expected = (
            session.scalar(
                select(func.count()).select_from(TaskUnit).join(Task).where(Task.plan_id == pid)
            )
            or 0
        )
        counts: dict[int, dict[str, int]] = {}
        rows = session.execute(
            select(ProgressReport.period_id, ProgressReport.state, func.count())
            .join(Period, Period.id == ProgressReport.period_id)
            .where(Period.plan_id == pid)
            .group_by(ProgressReport.period_id, ProgressReport.state)
        ).all()
        for period_id, state, count in rows:
            counts.setdefault(period_id, {})[state] = count
        return {
            "plan_id": pid,
            "plan_title": plan.title,
            "cadence": plan.cadence,
            "cadence_label": CADENCES.get(plan.cadence, plan.cadence),
            "start_year": plan.start_year,
            "horizon_year": plan.horizon_year,
            "periods": [_period_dict(p, counts.get(p.id, {}), expected) for p in plan.periods],
        }


def lock_period(
    db: Database, actor: Actor, plan_id: int | None, period: str | int
) -> dict[str, Any]:
    """Lock a period: from now on it refuses every change (coordinator only)."""
    actor.require_coordinator("锁定报告期")
    with db.session() as session:
        found = find_period(session, resolve_plan_id(session, plan_id), period, for_update=True)
        require_plan_writable(found.plan)
        if found.locked:
            raise InvalidInput(
                f"报告期 {found.code}（{found.name}）已于 {format_time(found.locked_at)} 锁定。"
            )
        found.locked = True
        found.locked_at = utcnow()
        found.locked_by = actor.name
        audit.record(
            session,
            actor,
            "lock_period",
            "period",
            found.id,
            field="locked",
            before=STATE_OPEN_LABEL,
            after=STATE_LOCKED_LABEL,
        )
        session.flush()
        return _period_dict(found, {}, 0)


def reopen_period(
    db: Database, actor: Actor, plan_id: int | None, period: str | int, reason: str
) -> dict[str, Any]:
    """Reopen a locked period; the reason is required and kept in the audit log."""
    actor.require_coordinator("重新开放报告期")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("重新开放报告期必须说明理由。", hint="用 --reason 说明理由。")
    with db.session() as session:
        found = find_period(session, resolve_plan_id(session, plan_id), period, for_update=True)
        require_plan_writable(found.plan)
        if not found.locked:
            raise InvalidInput(f"报告期 {found.code}（{found.name}）未锁定，无需重新开放。")
        found.locked = False
        found.reopen_reason = reason
        audit.record(
            session,
            actor,
            "reopen_period",
            "period",
            found.id,
            field="locked",
            before=STATE_LOCKED_LABEL,
            after=STATE_OPEN_LABEL,
        )
        audit.record(
            session, actor, "reopen_period", "period", found.id, field="reopen_reason", after=reason
        )
        session.flush()
        return _period_dict(found, {}, 0)


def set_due_date(
    db: Database, actor: Actor, plan_id: int | None, period: str | int, due_date: dt.date | str
) -> dict[str, Any]:
    """Change one period's due date (coordinator only; the period must be open)."""
    actor.require_coordinator("修改报告期截止日期")
    if isinstance(due_date, str):
        try:
            due_date = dt.date.fromisoformat(due_date.strip())
        except ValueError:
            raise InvalidInput(
                f"日期“{due_date}”无效：请写作 YYYY-MM-DD，如 2025-07-10。"
            ) from None
    with db.session() as session:
        found = find_period(session, resolve_plan_id(session, plan_id), period, for_update=True)
        require_plan_writable(found.plan)
        ensure_open(found)
        if due_date.year not in (found.year, found.year + 1):
            raise InvalidInput(
                f"截止日期 {due_date.isoformat()} 与报告期 {found.code}（{found.name}）不符："
                f"应在 {found.year} 年或 {found.year + 1} 年内。"
            )
        if found.due_date != due_date:
            audit.record(
                session,
                actor,
                "set_due_date",
                "period",
                found.id,
                field="due_date",
                before=found.due_date.isoformat(),
                after=due_date.isoformat(),
            )
            found.due_date = due_date
        session.flush()
        return _period_dict(found, {}, 0)


def set_schedule(
    db: Database,
    actor: Actor,
    plan_id: int,
    *,
    cadence: str | None = None,
    start_year: int | None = None,
    horizon_year: int | None = None,
) -> dict[str, list[str]]:
    """Change a plan's cadence or years: missing periods are created; periods the new schedule
    no longer has are removed when they are open and hold no report, otherwise kept.

    Returns the codes ``created``, ``removed`` and ``kept``.
    """
    actor.require_coordinator("修改报告频次")
    with db.session() as session:
        plan = session.get(Plan, resolve_plan_id(session, plan_id))
        assert plan is not None
        require_plan_writable(plan)
        new_cadence = cadence if cadence is not None else plan.cadence
        new_start = start_year if start_year is not None else plan.start_year
        new_horizon = horizon_year if horizon_year is not None else plan.horizon_year
        settings = settings_service.load(session)
        wanted = {s.code for s in schedule(new_cadence, new_start, new_horizon, settings)}
        changes: tuple[tuple[str, object, object], ...] = (
            ("cadence", plan.cadence, new_cadence),
            ("start_year", plan.start_year, new_start),
            ("horizon_year", plan.horizon_year, new_horizon),
        )
        for name, old, value in changes:
            if old != value:
                audit.record(
                    session,
                    actor,
                    "set_schedule",
                    "plan",
                    plan.id,
                    field=name,
                    before=old,
                    after=value,
                )
        plan.cadence, plan.start_year, plan.horizon_year = new_cadence, new_start, new_horizon
        with_reports = set(
            session.scalars(
                select(ProgressReport.period_id)
                .join(Period, Period.id == ProgressReport.period_id)
                .where(Period.plan_id == plan.id)
                .distinct()
            )
        )
        removed: list[str] = []
        kept: list[str] = []
        for period in list(plan.periods):
            if period.code in wanted:
                continue
            if period.locked or period.id in with_reports:
                kept.append(period.code)
            else:
                removed.append(period.code)
                plan.periods.remove(period)
        if removed:
            audit.record(
                session,
                actor,
                "remove_periods",
                "plan",
                plan.id,
                field="periods",
                before="、".join(removed),
            )
        before = {p.code for p in plan.periods}
        create_periods(session, plan, actor)
        created = sorted({p.code for p in plan.periods} - before)
        return {"created": created, "removed": removed, "kept": kept}
