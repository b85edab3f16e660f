"""The two-level review of a pilot's half-year report, the DRC's evaluation, and the pilot
part of 催办.

Each half year a pilot reports its progress (试点建设进展情况: 总体进展, 政策机制创新, 存在的
问题, 下一步工作计划 — the tasks, projects and chosen experience records come from their own
services). The report goes pilot body → city DRC (地级市发展改革委 / 宁东经发局) → regional DRC
(自治区发展改革委, a coordinator):

    草稿 ──报送──▶ 已报送，待市级审核 ──市级审核──▶ 市级已审核，待自治区审核 ──审核──▶ 自治区已审核
      ▲                 │                            │                             │
      └──(edit)── 已退回 ◀──────── 退回 (city) ────────┴──── 退回 (city or region) ───┘ (region)

A returned report is edited (back to 草稿) and submitted again, through the city again. A
coordinator may act for the city too (a regional office that keeps everything on one PC);
the record says who did what. The regional DRC evaluates each pilot per period (评估):
成效突出 (通报表扬), 正常, or 进度滞后 with a deadline to correct by (限期整改), which shows in
催办 until it is marked rectified; ``FINAL`` is the evaluation of a completed pilot
(成效评价).

Every step is one transaction, audited, and carries the version its caller read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PermissionDenied
from tracker.models import AuditRecord, Period, Pilot, PilotEvaluation, PilotReport, utcnow
from tracker.services import audit, inputs
from tracker.services import settings as settings_service
from tracker.services.access import ensure_open, format_time
from tracker.services.actor import Actor
from tracker.services.pilot_access import (
    find_pilot,
    pilot_label,
    pilot_scope,
    require_keeper,
    require_region_visible,
    require_visible,
)
from tracker.services.pilot_terms import terms
from tracker.services.versions import check_version, flush_or_conflict

STATE_DRAFT = "draft"
STATE_SUBMITTED = "submitted"
STATE_CITY_APPROVED = "city_approved"
STATE_ACCEPTED = "accepted"
STATE_RETURNED = "returned"
STATE_NONE = "none"  # no report written yet (never stored)
EDITABLE = (STATE_DRAFT, STATE_RETURNED)
LEVEL_CITY = "city"
LEVEL_REGION = "region"
SECTIONS = ("overall", "innovation", "problems", "next_steps")
VERDICT_LAGGING = "lagging"
STATUS_BUILDING = "building"


# ---------------------------------------------------------------- periods and due dates


def period_code(text: str) -> str:
    """A period typed by a person, as its code; ``FINAL`` (or 成效评价) for the evaluation of a
    completed pilot is accepted where an evaluation is meant (see :func:`evaluate_pilot`)."""
    words = terms()
    if text.strip().upper() == words.final_code or text.strip() in (words.final_name, "成效评价"):
        return words.final_code
    return inputs.period(text)


def latest_ended_period(today: dt.date) -> str:
    """The last half year that has ended by ``today``: its report is being written or has
    just been sent (2025H1 from July to December 2025, 2025H2 from January to June 2026)."""
    return f"{today.year}H1" if today.month >= 7 else f"{today.year - 1}H2"


def periods_since(first_year: int, today: dt.date) -> list[str]:
    """Every half year from the first one of ``first_year`` to the one ``today`` falls in,
    oldest first (the periods a pilot may report on)."""
    last = (today.year, 1 if today.month <= 6 else 2)
    return [
        f"{year}H{half}"
        for year in range(min(first_year, today.year), today.year + 1)
        for half in (1, 2)
        if (year, half) <= last
    ]


def period_bounds(code: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period: H1 is January–June, H2 (the annual report) the year."""
    year, half = int(code[:4]), int(code[-1])
    return dt.date(year, 1, 1), dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def _plan_period(session: Session, pilot: Pilot, code: str) -> Period | None:
    if pilot.plan_id is None:
        return None
    return session.scalar(
        select(Period).where(Period.plan_id == pilot.plan_id, Period.code == code)
    )


def _default_due(session: Session, year: int, half: int) -> dt.date:
    """The default due date of a period (the database's shared settings: 7月10日 /
    次年1月10日 unless a coordinator changed them)."""
    settings = settings_service.load(session)
    return (settings.due_h1 if half == 1 else settings.due_h2).for_year(year)


def due_date(session: Session, pilot: Pilot, code: str) -> dt.date:
    """When the pilot's report of ``code`` is due: the date of that period of the pilot's
    plan, or the default due date when the pilot has no plan (or the plan no such period)."""
    period = _plan_period(session, pilot, code)
    if period is not None:
        return period.due_date
    return _default_due(session, int(code[:4]), int(code[-1]))


def expects_report(pilot: Pilot, code: str) -> bool:
    """Whether ``pilot`` owes a report for ``code``: it is being built (建设中) and was
    approved before the period ended."""
    _start, end = period_bounds(code)
    approved = pilot.approved_on is None or pilot.approved_on <= end
    return pilot.status == STATUS_BUILDING and approved


# ---------------------------------------------------------------- reading


def _history(session: Session, report_id: int | None) -> list[dict[str, Any]]:
    if report_id is None:
        return []
    rows = session.scalars(
        select(AuditRecord)
        .where(AuditRecord.object_type == "pilot_report", AuditRecord.object_id == report_id)
        .order_by(AuditRecord.id)
    )
    return [
        {
            "at": format_time(r.at),
            "user": r.user_name,
            "action": r.action,
            "field": r.field,
            "before": r.before,
            "after": r.after,
        }
        for r in rows
    ]


def report_dict(
    session: Session, pilot: Pilot, code: str, report: PilotReport | None, today: dt.date
) -> dict[str, Any]:
    """A pilot's report for a period as plain data (state ``none`` when not written)."""
    words = terms()
    due = due_date(session, pilot, code)
    state = report.state if report is not None else STATE_NONE
    data: dict[str, Any] = {
        "pilot_id": pilot.id,
        "pilot": pilot.name,
        "period": code,
        "due_date": due.isoformat(),
        "days_left": (due - today).days,
        "state": state,
        "state_label": words.review_states.name(state) if report else words.not_reported,
        "sections": {
            key: {"label": words.report_sections[key], "text": getattr(report, key, "") or ""}
            for key in SECTIONS
        },
        "overdue": state in (STATE_NONE, *EDITABLE) and today > due,
        "version": report.version if report is not None else 0,
        "history": _history(session, report.id if report is not None else None),
    }
    data.update(_review_facts(report))
    return data


def _review_facts(report: PilotReport | None) -> dict[str, Any]:
    level = report.return_level if report is not None else None
    return {
        "id": report.id if report is not None else None,
        "late": bool(report and report.late),
        "submitted_at": format_time(report.submitted_at) if report else None,
        "submitted_by": report.submitted_by if report else None,
        "city_approved_at": format_time(report.city_approved_at) if report else None,
        "city_approved_by": report.city_approved_by if report else None,
        "accepted_at": format_time(report.accepted_at) if report else None,
        "accepted_by": report.accepted_by if report else None,
        "returned_at": format_time(report.returned_at) if report else None,
        "returned_by": report.returned_by if report else None,
        "return_level": level,
        "return_level_label": terms().review_levels.get(level or "", None),
        "return_reason": report.return_reason if report else None,
        "updated_at": format_time(report.updated_at) if report else None,
        "updated_by": report.updated_by if report else None,
    }


def _load(session: Session, pilot: Pilot, code: str, *, lock: bool = False) -> PilotReport | None:
    query = select(PilotReport).where(
        PilotReport.pilot_id == pilot.id, PilotReport.period_code == code
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def get_pilot_report(
    db: Database, actor: Actor, pilot: int | str, period: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """A pilot's half-year report for ``period``, with its review facts and history."""
    require_region_visible(actor, "查看试点报告")
    code = inputs.period(period)
    with db.reader() as session:
        found = find_pilot(session, pilot)
        require_visible(session, actor, found)
        return report_dict(
            session, found, code, _load(session, found, code), today or dt.date.today()
        )


def list_pilot_reports(
    db: Database, actor: Actor, period: str, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The report of every pilot ``actor`` sees for ``period`` (without texts' history)."""
    require_region_visible(actor, "查看试点报告")
    code = inputs.period(period)
    today = today or dt.date.today()
    with db.reader() as session:
        query = select(Pilot, PilotReport).outerjoin(
            PilotReport, and_(PilotReport.pilot_id == Pilot.id, PilotReport.period_code == code)
        )
        scope = pilot_scope(actor)
        if scope is not None:
            query = query.where(scope)
        rows = []
        for pilot, report in session.execute(query.order_by(Pilot.id)).tuples():
            entry = report_dict(session, pilot, code, report, today)
            entry["expected"] = expects_report(pilot, code)
            entry.pop("history")
            rows.append(entry)
        return rows


# ---------------------------------------------------------------- writing


class _Step:
    """One write on a pilot's report: resolved, checked, then recorded."""

    def __init__(
        self, session: Session, actor: Actor, pilot: int | str, code: str, expect: int | None
    ) -> None:
        session.autoflush = False
        self.session = session
        self.actor = actor
        self.code = code
        self.pilot = find_pilot(session, pilot, for_update=True)
        require_visible(session, actor, self.pilot)
        period = _plan_period(session, self.pilot, code)
        if period is not None:
            ensure_open(period)
        self.report = _load(session, self.pilot, code, lock=True)
        self.what = f"{pilot_label(self.pilot)}{code}的试点建设进展报告"
        current = self.report.version if self.report is not None else 0
        if self.report is None and expect not in (None, 0):
            check_version(self.what, 0, expect, None, None)
        elif self.report is not None:
            check_version(
                self.what, current, expect, self.report.updated_by, self.report.updated_at
            )
        self.entries: list[tuple[str, str | None, object, object]] = []

    def require(self) -> PilotReport:
        """The report; :class:`NotFound` when it is not written yet."""
        if self.report is None:
            raise NotFound(f"{self.what}还没有填写。")
        return self.report

    def state(self, new: str, action: str) -> None:
        """Move the report to ``new``."""
        report = self.require()
        words = terms()
        self.entries.append(
            (action, "state", words.review_states.name(report.state), words.review_states.name(new))
        )
        report.state = new

    def done(self, today: dt.date) -> dict[str, Any]:
        """Flush, write the audit entries, return the report."""
        report = self.require()
        report.updated_at = utcnow()
        report.updated_by = self.actor.name
        flush_or_conflict(self.session, self.what)
        for action, field_name, before, after in self.entries:
            audit.record(
                self.session,
                self.actor,
                action,
                "pilot_report",
                report.id,
                field=field_name,
                before=before,
                after=after,
            )
        self.session.flush()  # the history read back below includes these entries
        return report_dict(self.session, self.pilot, self.code, report, today)


def _wrong_state(step: _Step, allowed: str) -> InvalidInput:
    state = step.report.state if step.report is not None else STATE_NONE
    shown = terms().review_states.name(state) if step.report else terms().not_reported
    return InvalidInput(f"{step.what}目前为“{shown}”，{allowed}。")


def save_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    expect_version: int | None,
    overall: str | None = None,
    innovation: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Write the texts of a pilot's report (its body or a coordinator), creating it as a
    draft; a returned report goes back to draft. Texts left None are unchanged."""
    code = inputs.period(period)
    words = terms()
    given = {"overall": overall, "innovation": innovation, "problems": problems}
    given["next_steps"] = next_steps
    texts = {
        key: inputs.text(value, words.report_sections[key])
        for key, value in given.items()
        if value is not None
    }
    with db.session() as session:
        step = _Step(session, actor, pilot, code, expect_version)
        require_keeper(session, actor, step.pilot, "填写试点报告")
        if step.report is None:
            step.report = PilotReport(
                pilot_id=step.pilot.id,
                period_code=code,
                state=STATE_DRAFT,
                late=False,
                created_by=actor.name,
                updated_by=actor.name,
                **{key: "" for key in SECTIONS},
            )
            session.add(step.report)
            step.entries.append(
                ("create_pilot_report", None, None, words.review_states.name(STATE_DRAFT))
            )
        elif step.report.state not in EDITABLE:
            raise _wrong_state(step, "不能再修改；如需修改，请审核方退回")
        report = step.report
        for key, value in texts.items():
            if value != getattr(report, key):
                step.entries.append(
                    ("edit_pilot_report", key, getattr(report, key) or None, value or None)
                )
                setattr(report, key, value)
        if report.state == STATE_RETURNED and step.entries:
            step.state(STATE_DRAFT, "edit_pilot_report")
        return step.done(today or dt.date.today())


def submit_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """报送 a draft (or an edited returned report) to the city DRC. The first submission
    after the due date is marked late. 总体进展 must be written."""
    code = inputs.period(period)
    today = today or dt.date.today()
    with db.session() as session:
        step = _Step(session, actor, pilot, code, expect_version)
        require_keeper(session, actor, step.pilot, "报送试点报告")
        report = step.require()
        if report.state not in EDITABLE:
            raise _wrong_state(step, "无需再报送")
        if not report.overall.strip():
            raise InvalidInput(
                f"{step.what}还没有填写“{terms().report_sections['overall']}”，不能报送。"
            )
        step.state(STATE_SUBMITTED, "submit_pilot_report")
        now = utcnow()
        report.submitted_at, report.submitted_by = now, actor.name
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            due = due_date(session, step.pilot, code)
            if today > due:
                report.late = True
                step.entries.append(
                    (
                        "submit_pilot_report",
                        "late",
                        "否",
                        f"是（截止 {due.isoformat()}，报送 {today.isoformat()}）",
                    )
                )
        return step.done(today)


def _require_city_reviewer(session: Session, actor: Actor, pilot: Pilot) -> None:
    if actor.is_coordinator:
        return
    if actor.is_city_drc:
        require_visible(session, actor, pilot)
        return
    raise PermissionDenied(
        f"用户“{actor.name}”无权审核{pilot_label(pilot)}的报告：应由其所在地级市发展改革委"
        "（或自治区发展改革委）审核。"
    )


def approve_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """市级审核: the city DRC (or a coordinator for it) passes a submitted report on to the
    regional DRC."""
    code = inputs.period(period)
    with db.session() as session:
        step = _Step(session, actor, pilot, code, expect_version)
        _require_city_reviewer(session, actor, step.pilot)
        report = step.require()
        if report.state != STATE_SUBMITTED:
            raise _wrong_state(step, "只有已报送、待市级审核的报告可以由市级审核")
        step.state(STATE_CITY_APPROVED, "city_approve_pilot_report")
        report.city_approved_at, report.city_approved_by = utcnow(), actor.name
        return step.done(today or dt.date.today())


def accept_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """自治区审核: the regional DRC (a coordinator) accepts a report the city passed on."""
    actor.require_coordinator("审核试点报告（自治区）")
    code = inputs.period(period)
    with db.session() as session:
        step = _Step(session, actor, pilot, code, expect_version)
        report = step.require()
        if report.state != STATE_CITY_APPROVED:
            raise _wrong_state(step, "只有市级已审核的报告可以由自治区审核")
        step.state(STATE_ACCEPTED, "accept_pilot_report")
        report.accepted_at, report.accepted_by = utcnow(), actor.name
        return step.done(today or dt.date.today())


def _return_level(actor: Actor, state: str) -> str | None:
    """Who returns a report in ``state``: the city DRC (submitted, or its own approval not
    yet taken up), the regional DRC (after the city); None: not returnable by ``actor``."""
    if actor.is_city_drc:
        return LEVEL_CITY if state in (STATE_SUBMITTED, STATE_CITY_APPROVED) else None
    if actor.is_coordinator:
        if state == STATE_SUBMITTED:
            return LEVEL_CITY
        return LEVEL_REGION if state in (STATE_CITY_APPROVED, STATE_ACCEPTED) else None
    return None


def return_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    reason: str,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """退回 a report to the pilot body, with a reason: by the city DRC (a submitted report,
    or one it approved that the region has not taken up) or by the regional DRC (after the
    city, also an accepted one)."""
    code = inputs.period(period)
    why = inputs.text(reason, "退回理由", limit=2000)
    if not why:
        raise InvalidInput("退回必须说明理由。", hint="用 --reason 说明理由。")
    with db.session() as session:
        step = _Step(session, actor, pilot, code, expect_version)
        _require_city_reviewer(session, actor, step.pilot)
        report = step.require()
        level = _return_level(actor, report.state)
        if level is None:
            raise _wrong_state(step, "您不能退回")
        step.state(STATE_RETURNED, "return_pilot_report")
        step.entries.append(("return_pilot_report", "return_reason", report.return_reason, why))
        report.return_level, report.return_reason = level, why
        report.returned_at, report.returned_by = utcnow(), actor.name
        return step.done(today or dt.date.today())


# ---------------------------------------------------------------- evaluation


def evaluation_dict(evaluation: PilotEvaluation | None, today: dt.date) -> dict[str, Any] | None:
    """An evaluation as plain data (None when there is none)."""
    if evaluation is None:
        return None
    term = terms().verdicts.term(evaluation.verdict)
    open_deadline = evaluation.deadline is not None and evaluation.rectified_on is None
    return {
        "id": evaluation.id,
        "pilot_id": evaluation.pilot_id,
        "period": evaluation.period_code,
        "verdict": evaluation.verdict,
        "verdict_label": term.name,
        "action": term.extra.get("action", ""),
        "comment": evaluation.comment,
        "deadline": evaluation.deadline.isoformat() if evaluation.deadline else None,
        "days_left": (evaluation.deadline - today).days
        if open_deadline and evaluation.deadline
        else None,
        "rectified_on": evaluation.rectified_on.isoformat() if evaluation.rectified_on else None,
        "rectified_note": evaluation.rectified_note,
        "evaluated_at": format_time(evaluation.evaluated_at),
        "evaluated_by": evaluation.evaluated_by,
        "version": evaluation.version,
    }


def evaluate_pilot(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    verdict: str,
    *,
    expect_version: int | None,
    comment: str = "",
    deadline: str | dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The regional DRC's verdict on a pilot for a period (coordinator only): 成效突出,
    正常, or 进度滞后 with the deadline to correct by (not before today). ``period`` FINAL
    evaluates a completed pilot (成效评价). Evaluating again replaces the verdict."""
    actor.require_coordinator("评估试点")
    today = today or dt.date.today()
    words = terms()
    code = period_code(period)
    key, until = _check_verdict(verdict, deadline, today)
    note = inputs.text(comment, "评估意见", limit=5000)
    with db.session() as session:
        session.autoflush = False
        found = find_pilot(session, pilot, for_update=True)
        if code == words.final_code and found.status != "completed":
            raise InvalidInput(
                f"{pilot_label(found)}尚未完成建设，不能作成效评价（{words.final_name}）。"
            )
        row = session.scalar(
            select(PilotEvaluation)
            .where(PilotEvaluation.pilot_id == found.id, PilotEvaluation.period_code == code)
            .with_for_update()
        )
        what = f"{pilot_label(found)}{code}的评估"
        before = None
        if row is None:
            if expect_version not in (None, 0):
                check_version(what, 0, expect_version, None, None)
            row = PilotEvaluation(pilot_id=found.id, period_code=code, evaluated_by=actor.name)
            session.add(row)
        else:
            check_version(what, row.version, expect_version, row.evaluated_by, row.evaluated_at)
            before = f"{words.verdicts.name(row.verdict)}{_deadline_text(row.deadline)}"
        row.verdict, row.comment, row.deadline = key, note, until
        row.rectified_on, row.rectified_note = None, None
        row.evaluated_at, row.evaluated_by = utcnow(), actor.name
        flush_or_conflict(session, what)
        audit.record(
            session,
            actor,
            "evaluate_pilot",
            "pilot_evaluation",
            row.id,
            field=code,
            before=before,
            after=f"{words.verdicts.name(key)}{_deadline_text(until)}{('：' + note) if note else ''}",
        )
        return evaluation_dict(row, today) or {}


def _check_verdict(
    verdict: str, deadline: str | dt.date | None, today: dt.date
) -> tuple[str, dt.date | None]:
    """The verdict's key and the deadline: required for 进度滞后, refused otherwise."""
    words = terms()
    key = words.verdicts.key_of(verdict)
    until = inputs.day(deadline, "整改期限")
    if key == VERDICT_LAGGING and until is None:
        raise InvalidInput(
            "评估为进度滞后须给出整改期限。", hint="用 --deadline YYYY-MM-DD 给出期限。"
        )
    if key != VERDICT_LAGGING and until is not None:
        raise InvalidInput(
            f"只有进度滞后需要整改期限；评估为{words.verdicts.name(key)}时不要给出整改期限。",
            hint="去掉 --deadline。",
        )
    if until is not None and until < today:
        raise InvalidInput(f"整改期限 {until.isoformat()} 早于今天（{today.isoformat()}）。")
    return key, until


def _deadline_text(deadline: dt.date | None) -> str:
    return f"（限 {deadline.isoformat()} 前整改）" if deadline is not None else ""


def mark_rectified(
    db: Database,
    actor: Actor,
    pilot: int | str,
    period: str,
    *,
    expect_version: int | None,
    note: str = "",
    on: str | dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record that a lagging pilot has corrected (整改完成, coordinator only): it leaves 催办."""
    actor.require_coordinator("确认试点整改")
    today = today or dt.date.today()
    code = period_code(period)
    when = inputs.day(on, "整改完成日期") or today
    text = inputs.text(note, "整改情况", limit=5000)
    if when > today:
        raise InvalidInput(f"整改完成日期 {when.isoformat()} 晚于今天。")
    with db.session() as session:
        session.autoflush = False
        found = find_pilot(session, pilot)
        row = session.scalar(
            select(PilotEvaluation)
            .where(PilotEvaluation.pilot_id == found.id, PilotEvaluation.period_code == code)
            .with_for_update()
        )
        what = f"{pilot_label(found)}{code}的评估"
        if row is None or row.verdict != VERDICT_LAGGING:
            raise InvalidInput(f"{what}不是进度滞后（限期整改），无需确认整改。")
        check_version(what, row.version, expect_version, row.evaluated_by, row.evaluated_at)
        if row.rectified_on is not None:
            raise InvalidInput(f"{what}已于 {row.rectified_on.isoformat()} 确认整改完成。")
        row.rectified_on, row.rectified_note = when, text or None
        flush_or_conflict(session, what)
        audit.record(
            session,
            actor,
            "rectify_pilot",
            "pilot_evaluation",
            row.id,
            field=code,
            after=f"{when.isoformat()} {text}".strip(),
        )
        return evaluation_dict(row, today) or {}


def list_evaluations(
    db: Database, actor: Actor, *, pilot: int | str | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The evaluations ``actor`` may see (of one pilot, or all), by pilot and period."""
    require_region_visible(actor, "查看试点评估")
    today = today or dt.date.today()
    with db.reader() as session:
        query = (
            select(PilotEvaluation, Pilot.name)
            .join(Pilot, Pilot.id == PilotEvaluation.pilot_id)
            .order_by(PilotEvaluation.pilot_id, PilotEvaluation.period_code)
        )
        scope = pilot_scope(actor)
        if scope is not None:
            query = query.where(scope)
        if pilot is not None:
            found = find_pilot(session, pilot)
            require_visible(session, actor, found)
            query = query.where(PilotEvaluation.pilot_id == found.id)
        rows = []
        for evaluation, name in session.execute(query).tuples():
            entry = evaluation_dict(evaluation, today) or {}
            entry["pilot"] = name
            rows.append(entry)
        return rows


# ---------------------------------------------------------------- 催办


def pilot_reminders(
    db: Database, actor: Actor, period: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The pilot part of 催办 for ``period``: pilots that have not submitted their report
    (with days left and a light), reports waiting for ``actor``'s review, and every open
    correction order (进度滞后, 限期整改) with the days to its deadline. Empty lists for an
    account without pilot rights."""
    from tracker.services.monitoring import light

    today = today or dt.date.today()
    code = inputs.period(period)
    empty: dict[str, Any] = {"period": code, "reports": [], "reviews": [], "rectifications": []}
    if not (actor.is_coordinator or actor.is_city_drc or actor.is_pilot_body):
        return empty
    warning_days = settings_service.get(db).reminder_warning_days
    reports = list_pilot_reports(db, actor, code, today=today)
    for entry in reports:
        entry["light"] = light(entry["days_left"], warning_days)
    missing = [r for r in reports if r["expected"] and r["state"] in (STATE_NONE, *EDITABLE)]
    waiting = (STATE_SUBMITTED, STATE_CITY_APPROVED) if actor.is_coordinator else (STATE_SUBMITTED,)
    reviews = [r for r in reports if r["state"] in waiting and not actor.is_pilot_body]
    rectifications = []
    for evaluation in list_evaluations(db, actor, today=today):
        if evaluation["verdict"] == VERDICT_LAGGING and evaluation["rectified_on"] is None:
            evaluation["light"] = light(evaluation["days_left"], warning_days)
            rectifications.append(evaluation)
    rectifications.sort(key=lambda e: e["days_left"])
    return {**empty, "reports": missing, "reviews": reviews, "rectifications": rectifications}
