"""Progress reports (进展填报) and their review workflow.

One report per task, unit and period: a status from the vocabulary, the four texts
(工作进展, 取得成效, 存在问题, 下步计划), an optional percentage, the actual value of each of the
task's targets and evidence files kept inside the database. Workflow:
草稿 → 已报送 → 已审核, or 已报送/已审核 → 已退回 (with a reason) → edited back to 草稿.

Every change is one transaction, checked against the rights of the actor and the lock of
the period, recorded field by field in the audit log, and guarded by the report's version
counter: every write takes the version its caller showed the user (``expect_version``, a
required argument), and a save that carries an older version than the stored one is refused
with who changed the report and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from tracker.models import (
    ROLE_COOPERATING,
    ROLE_LEAD,
    STATE_APPROVED,
    STATE_DRAFT,
    STATE_RETURNED,
    STATE_SUBMITTED,
    Evidence,
    Instruction,
    Period,
    ProgressReport,
    ReportActual,
    Target,
    Task,
    TaskUnit,
    Unit,
    utcnow,
)
from tracker.services import audit
from tracker.services import settings as settings_service
from tracker.services.access import (
    ROLE_FORMER,
    ROLE_LABELS,
    ensure_open,
    find_period,
    find_task,
    format_time,
    require_task_visible,
    require_task_writable,
    resolve_unit,
)
from tracker.services.actor import Actor
from tracker.services.regions import labels_by_id

STATE_LABELS = {
    STATE_DRAFT: "草稿",
    STATE_SUBMITTED: "已报送",
    STATE_APPROVED: "已审核",
    STATE_RETURNED: "已退回",
}
NOT_REPORTED_LABEL = "未填报"
TEXT_FIELDS = {
    "progress": "工作进展",
    "results": "取得成效",
    "problems": "存在问题",
    "next_steps": "下步计划",
}
EDITABLE_STATES = (STATE_DRAFT, STATE_RETURNED)
DONE_STATES = (STATE_SUBMITTED, STATE_APPROVED)
MAX_TEXT_LENGTH = 20_000
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file read from disk, checked against the size cap."""

    name: str
    content: bytes
    sha256: str


# ---------------------------------------------------------------- input checks


def check_status(status: str, allowed: Sequence[str]) -> str:
    """``status`` if it is in the vocabulary ``allowed`` (the database's statuses)."""
    value = status.strip()
    if value not in allowed:
        raise InvalidInput(f"状态“{status}”不在可选范围内：应为 {'、'.join(allowed)} 之一。")
    return value


def _number(raw: float | int | str, what: str) -> float:
    if isinstance(raw, str):
        text = raw.strip().replace("，", ",")
        if _THOUSANDS.match(text):  # 1,250.5 — a comma anywhere else is not a number
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise InvalidInput(f"{what}“{raw}”不是数字。") from None
    else:
        value = float(raw)
    if not math.isfinite(value):
        raise InvalidInput(f"{what}“{raw}”不是有效数字。")
    return value


def check_percent(raw: float | int | str) -> float:
    """A completion percentage, 0–100."""
    value = _number(raw, "完成百分比")
    if not 0 <= value <= 100:
        raise InvalidInput(f"完成百分比 {raw} 超出范围：应在 0 到 100 之间。")
    return value


def read_evidence(path: str | Path, cap: int) -> EvidenceFile:
    """Read an evidence file, refusing a missing file or one above ``cap`` bytes (the
    shared setting)."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise InvalidInput(f"佐证材料“{file}”不是文件。")
        if size > cap:
            raise InvalidInput(
                f"佐证材料“{file.name}”太大（{settings_service.size_text(size)}），"
                f"单个文件不得超过 {settings_service.size_text(cap)}。"
            )
        content = file.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"佐证材料文件不存在：{file}") from None
    except OSError as exc:
        raise InvalidInput(f"无法读取佐证材料“{file}”：{exc.strerror or exc}") from None
    if len(content) > cap:  # grew while we read it
        raise InvalidInput(
            f"佐证材料“{file.name}”太大，单个文件不得超过 {settings_service.size_text(cap)}。"
        )
    return EvidenceFile(file.name, content, hashlib.sha256(content).hexdigest())


def _number_text(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == int(value) else f"{value:g}"


def _check_text(label: str, value: str) -> str:
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"“{label}”太长（{len(value)} 字），最多 {MAX_TEXT_LENGTH} 字。")
    return value.strip()


# ---------------------------------------------------------------- reading


def _describe(task: Task, unit: Unit, period: Period) -> str:
    session = object_session(unit)
    label = labels_by_id(session, [unit.id])[unit.id] if session is not None else unit.name
    return f"任务 {task.id}（{task.measure_title}）“{label}”{period.name}的填报"


def report_dict(session: Session, report: ProgressReport) -> dict[str, Any]:
    """A report as plain data (what the CLI prints and the UI shows)."""
    targets = {
        t.id: t for t in session.scalars(select(Target).where(Target.task_id == report.task_id))
    }
    role = (
        session.scalar(
            select(TaskUnit.role).where(
                TaskUnit.task_id == report.task_id, TaskUnit.unit_id == report.unit_id
            )
        )
        or ROLE_FORMER
    )  # a unit a revision took off the task keeps its report
    actuals = []
    for actual in sorted(report.actuals, key=lambda a: targets[a.target_id].position):
        target = targets[actual.target_id]
        actuals.append(
            {
                "target_id": target.id,
                "indicator": target.indicator,
                "target_value": target.value,
                "unit": target.measure_unit,
                "year": target.year,
                "value": actual.value,
            }
        )
    return {
        "id": report.id,
        "task_id": report.task_id,
        "unit_id": report.unit_id,
        "unit": labels_by_id(session, [report.unit_id])[report.unit_id],
        "role": role,
        "role_label": ROLE_LABELS.get(role or "", ""),
        "period_id": report.period_id,
        "period": report.period.code,
        "period_name": report.period.name,
        "state": report.state,
        "state_label": STATE_LABELS[report.state],
        "status": report.status,
        **{name: getattr(report, name) for name in TEXT_FIELDS},
        "percent": report.percent,
        "actuals": actuals,
        "evidence": [
            {
                "id": e.id,
                "name": e.name,
                "size": e.size,
                "sha256": e.sha256,
                "added_at": format_time(e.added_at),
                "added_by": e.added_by,
            }
            for e in report.evidence
        ],
        "late": report.late,
        "return_reason": report.return_reason,
        "submitted_at": format_time(report.submitted_at),
        "submitted_by": report.submitted_by,
        "reviewed_at": format_time(report.reviewed_at),
        "reviewed_by": report.reviewed_by,
        "created_at": format_time(report.created_at),
        "created_by": report.created_by,
        "updated_at": format_time(report.updated_at),
        "updated_by": report.updated_by,
        "version": report.version,
    }


def _load_report(
    session: Session, task_id: int, unit_id: int, period_id: int, *, for_update: bool = False
) -> ProgressReport | None:
    query = select(ProgressReport).where(
        ProgressReport.task_id == task_id,
        ProgressReport.unit_id == unit_id,
        ProgressReport.period_id == period_id,
    )
    if for_update:
        # Row lock on PostgreSQL: the version check and the write see the same row.
        query = query.with_for_update().options(
            selectinload(ProgressReport.actuals), selectinload(ProgressReport.evidence)
        )
    return session.scalar(query)


def _target_dicts(session: Session, task_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "year": t.year,
            "indicator": t.indicator,
            "comparator": t.comparator,
            "value": t.value,
            "unit": t.measure_unit,
            "text": t.text,
        }
        for t in session.scalars(
            select(Target).where(Target.task_id == task_id).order_by(Target.position)
        )
    ]


def task_reports(
    db: Database, actor: Actor, task_id: int, period: str | int, unit: str | int | None = None
) -> dict[str, Any]:
    """A task for one period: its units (lead first), each with its report or None, the
    task's targets and the instructions on it. ``unit`` limits the list to one unit."""
    with db.reader() as session:
        task = find_task(session, task_id)
        roles = require_task_visible(session, actor, task)
        found_period = find_period(session, task.plan_id, period)
        only: int | None = None
        if unit is not None:
            only = resolve_unit(session, actor, task, roles, unit, editing=False).id
        links: list[tuple[int, str]] = list(
            session.execute(
                select(TaskUnit.unit_id, TaskUnit.role)
                .where(TaskUnit.task_id == task.id)
                .order_by(TaskUnit.role.desc(), TaskUnit.position)
            ).tuples()
        )
        reports = {
            r.unit_id: r
            for r in session.scalars(
                select(ProgressReport)
                .options(
                    selectinload(ProgressReport.actuals), selectinload(ProgressReport.evidence)
                )
                .where(
                    ProgressReport.task_id == task.id, ProgressReport.period_id == found_period.id
                )
            )
        }
        linked = {unit_id for unit_id, _ in links}
        links += [(uid, ROLE_FORMER) for uid in reports if uid not in linked]
        labels = labels_by_id(session, [unit_id for unit_id, _ in links])
        units = []
        for unit_id, role in links:
            if only is not None and unit_id != only:
                continue
            report = reports.get(unit_id)
            units.append(
                {
                    "unit_id": unit_id,
                    "unit": labels[unit_id],
                    "role": role,
                    "role_label": ROLE_LABELS.get(role, role),
                    "report": report_dict(session, report) if report is not None else None,
                }
            )
        instructions = session.scalars(
            select(Instruction).where(Instruction.task_id == task.id).order_by(Instruction.id)
        )
        return {
            "task": {
                "id": task.id,
                "plan_id": task.plan_id,
                "code": task.code,
                "title": task.measure_title,
                "content": task.content,
                "area": task.area.title,
                "targets": _target_dicts(session, task.id),
            },
            "period": {
                "id": found_period.id,
                "code": found_period.code,
                "name": found_period.name,
                "due_date": found_period.due_date.isoformat(),
                "locked": found_period.locked,
            },
            "units": units,
            "instructions": [
                {
                    "id": i.id,
                    "text": i.text,
                    "created_at": format_time(i.created_at),
                    "created_by": i.created_by,
                }
                for i in instructions
            ],
        }


def get_report(
    db: Database, actor: Actor, task_id: int, period: str | int, unit: str | int | None = None
) -> dict[str, Any] | None:
    """One unit's report (the actor's own unit by default), or None if not written yet."""
    with db.reader() as session:
        task = find_task(session, task_id)
        roles = require_task_visible(session, actor, task)
        found_period = find_period(session, task.plan_id, period)
        found_unit = resolve_unit(session, actor, task, roles, unit, editing=False)
        report = _load_report(session, task.id, found_unit.id, found_period.id)
        return report_dict(session, report) if report is not None else None


# ---------------------------------------------------------------- writing


@dataclass
class _Target:
    """Everything a write resolved and checked: task, period, unit, the report (if any)."""

    task: Task
    period: Period
    unit: Unit
    role: str
    report: ProgressReport | None
    # What the write was based on: the stored version when it was read in this transaction
    # (None: there was no report), and whether the caller said which version it had shown.
    based_on: dict[str, Any] | None = None
    checked: bool = False
    # Audit entries (action, field, before, after), written once the report has its id.
    pending: list[tuple[str, str | None, object, object]] = field(default_factory=list)

    def note(
        self, action: str, field: str | None, before: object = None, after: object = None
    ) -> None:
        """Remember one change for the audit log."""
        self.pending.append((action, field, before, after))


def _resolve_for_write(
    session: Session,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None,
    expect_version: int | None,
) -> _Target:
    # One UPDATE per save: changes are flushed together (and the version bumped once) by
    # _commit_changes, not piecemeal by autoflush when a relationship is read.
    session.autoflush = False
    task = find_task(session, task_id)
    roles = require_task_visible(session, actor, task)
    require_task_writable(task)
    found_period = find_period(session, task.plan_id, period, for_share=True)
    found_unit = resolve_unit(session, actor, task, roles, unit)
    ensure_open(found_period)
    report = _load_report(session, task.id, found_unit.id, found_period.id, for_update=True)
    target = _Target(task, found_period, found_unit, roles[found_unit.id], report)
    _check_version(target, expect_version)
    target.checked = expect_version is not None
    if report is not None:
        target.based_on = {
            "version": report.version,
            "updated_by": report.updated_by,
            "updated_at": format_time(report.updated_at),
        }
    return target


def _written(session: Session, target: _Target, report: ProgressReport) -> dict[str, Any]:
    """The report after a write, with what the write was based on: ``based_on`` (the
    version read in the transaction, who wrote it and when; None for a new report) and
    ``version_checked`` (whether the caller gave the version it had shown)."""
    result = report_dict(session, report)
    result["based_on"] = target.based_on
    result["version_checked"] = target.checked
    return result


def _check_version(target: _Target, expect_version: int | None) -> None:
    if expect_version is None:
        return  # the caller had shown nothing: the version read here is the base
    report = target.report
    what = _describe(target.task, target.unit, target.period)
    if report is None:
        if expect_version != 0:
            raise ConflictError(
                f"{what}不存在（您读取的是版本 {expect_version}），可能已被删除。本次未保存。"
            )
        return
    if report.version != expect_version:
        raise ConflictError(
            f"{what}已被“{report.updated_by}”于 {format_time(report.updated_at)} 修改"
            f"（当前版本 {report.version}，您读取的是版本 {expect_version}）。"
            "为避免覆盖他人的修改，本次未保存；请重新查看后再修改。"
        )


def _require_report(target: _Target) -> ProgressReport:
    if target.report is None:
        raise NotFound(
            f"{_describe(target.task, target.unit, target.period)}还不存在，请先填报。",
            hint="填报：tracker report set",
        )
    return target.report


def _flush(session: Session, target: _Target) -> None:
    """Write now, turning a lost race into a :class:`ConflictError` (nothing is saved)."""
    what = _describe(target.task, target.unit, target.period)
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"{what}刚被他人修改，本次未保存；请重新查看后再修改。") from None
    except IntegrityError:
        raise ConflictError(f"{what}刚被他人创建，本次未保存；请重新查看后再修改。") from None


def _commit_changes(session: Session, actor: Actor, target: _Target) -> None:
    """Flush the report and write the audit entries noted for it."""
    _flush(session, target)
    report = target.report
    assert report is not None
    for action, field_name, before, after in target.pending:
        audit.record(
            session,
            actor,
            action,
            "report",
            report.id,
            task_id=target.task.id,
            field=field_name,
            before=before,
            after=after,
        )
    target.pending.clear()
    session.flush()


def _new_report(actor: Actor, target: _Target) -> ProgressReport:
    report = ProgressReport(
        task_id=target.task.id,
        unit_id=target.unit.id,
        period_id=target.period.id,
        state=STATE_DRAFT,
        created_by=actor.name,
        updated_by=actor.name,
        late=False,
    )
    target.report = report
    target.note("create_report", None, after=STATE_LABELS[STATE_DRAFT])
    return report


def _touch(report: ProgressReport, actor: Actor) -> None:
    report.updated_at = utcnow()
    report.updated_by = actor.name


def save_report(
    db: Database,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    status: str | None = None,
    progress: str | None = None,
    results: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
    percent: float | int | str | None = None,
    actuals: Mapping[int, float | int | str | None] | None = None,
    evidence: Sequence[str | Path] = (),
    expect_version: int | None,
) -> dict[str, Any]:
    """Create or change a unit's report; returns it (with its new version).

    Arguments left None are unchanged; an empty text clears a field; ``percent=""``
    clears the percentage; an actual value of None or ``""`` removes it. A returned report
    goes back to draft when edited.

    ``expect_version`` (required, as for every write here) is the version the caller showed
    the user (0: "there was no report"); a report changed since is refused with who changed
    it. None — only for a caller that showed nothing, as the command line without
    ``--expect-version`` — bases the change on the version read in this same transaction,
    which the result's ``based_on`` names.
    """
    # Files are read before the write transaction (a large file must not hold the lock);
    # the status and the size cap are checked again inside it, against what it reads.
    cap = settings_service.get(db).evidence_max_bytes if evidence else 0
    files = [read_evidence(path, cap) for path in evidence]
    with db.session() as session:
        return save_report_in(
            session,
            actor,
            task_id,
            period,
            unit,
            status=status,
            progress=progress,
            results=results,
            problems=problems,
            next_steps=next_steps,
            percent=percent,
            actuals=actuals,
            evidence=files,
            expect_version=expect_version,
        )


def save_report_in(
    session: Session,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    status: str | None = None,
    progress: str | None = None,
    results: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
    percent: float | int | str | None = None,
    actuals: Mapping[int, float | int | str | None] | None = None,
    evidence: Sequence[str | Path | EvidenceFile] = (),
    expect_version: int | None,
) -> dict[str, Any]:
    """:func:`save_report` inside the caller's transaction, for a batch that must apply
    whole or not at all (an imported fill-in form). ``evidence`` holds paths, or files
    :func:`read_evidence` already read; ``expect_version`` is required as for
    :func:`save_report` (a form passes the version it stored at export)."""
    given = {
        "progress": progress,
        "results": results,
        "problems": problems,
        "next_steps": next_steps,
    }
    texts = {
        name: _check_text(TEXT_FIELDS[name], value)
        for name, value in given.items()
        if value is not None
    }
    clear_percent = isinstance(percent, str) and not percent.strip()
    new_percent = None if percent is None or clear_percent else check_percent(percent)
    shared = settings_service.load(session)
    new_status = check_status(status, shared.status_names) if status is not None else None
    files = [
        f if isinstance(f, EvidenceFile) else read_evidence(f, shared.evidence_max_bytes)
        for f in evidence
    ]
    _check_sizes(files, shared.evidence_max_bytes)
    target = _resolve_for_write(session, actor, task_id, period, unit, expect_version)
    report = target.report
    if report is not None:
        _require_editable(target, report)
    task_targets = {
        t.id: t for t in session.scalars(select(Target).where(Target.task_id == task_id))
    }
    new_actuals = _check_actuals(target.task, task_targets, actuals or {})

    created = report is None
    if report is None:
        if new_status is None:
            raise InvalidInput("新建填报必须选择进展状态。", hint="用 --status 给出状态。")
        report = _new_report(actor, target)
        session.add(report)

    changed = _apply_fields(target, report, new_status, texts, clear_percent, new_percent)
    changed |= _apply_actuals(target, report, new_actuals)
    changed |= _add_evidence(actor, target, report, files)

    if changed and not created:
        _back_to_draft(target, report)
        _touch(report, actor)
    _commit_changes(session, actor, target)
    return _written(session, target, report)


def _apply_fields(
    target: _Target,
    report: ProgressReport,
    new_status: str | None,
    texts: Mapping[str, str],
    clear_percent: bool,
    new_percent: float | None,
) -> bool:
    """Set the status, texts and percentage that differ; True when anything changed."""
    changed = False
    if new_status is not None and new_status != report.status:
        target.note("edit_report", "status", report.status, new_status)
        report.status = new_status
        changed = True
    for name, value in texts.items():
        old = getattr(report, name) or ""
        if value != old:
            target.note("edit_report", name, old or None, value or None)
            setattr(report, name, value)
            changed = True
    if (clear_percent or new_percent is not None) and report.percent != new_percent:
        target.note(
            "edit_report", "percent", _number_text(report.percent), _number_text(new_percent)
        )
        report.percent = new_percent
        changed = True
    return changed


def _check_sizes(files: Sequence[EvidenceFile], cap: int) -> None:
    for file in files:
        if len(file.content) > cap:
            raise InvalidInput(
                f"佐证材料“{file.name}”太大（{settings_service.size_text(len(file.content))}），"
                f"单个文件不得超过 {settings_service.size_text(cap)}。"
            )


def _require_editable(target: _Target, report: ProgressReport) -> None:
    if report.state not in EDITABLE_STATES:
        raise InvalidInput(
            f"{_describe(target.task, target.unit, target.period)}{STATE_LABELS[report.state]}，"
            "不能再修改；如需修改，请协调员退回。"
        )


def _back_to_draft(target: _Target, report: ProgressReport) -> None:
    if report.state == STATE_RETURNED:
        target.note("edit_report", "state", STATE_LABELS[STATE_RETURNED], STATE_LABELS[STATE_DRAFT])
        report.state = STATE_DRAFT


def _check_actuals(
    task: Task, targets: Mapping[int, Target], actuals: Mapping[int, float | int | str | None]
) -> dict[int, float | None]:
    checked: dict[int, float | None] = {}
    for target_id, raw in actuals.items():
        target = targets.get(target_id)
        if target is None:
            listed = "、".join(str(i) for i in sorted(targets)) or "无"
            raise InvalidInput(
                f"目标 {target_id} 不属于任务 {task.id}（{task.measure_title}）；"
                f"该任务的目标编号：{listed}。"
            )
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            checked[target_id] = None
            continue
        what = f"目标 {target_id}（{target.indicator}，单位 {target.measure_unit or '无'}）的实际值"
        checked[target_id] = _number(raw, what)
    return checked


def _apply_actuals(
    target: _Target, report: ProgressReport, new: Mapping[int, float | None]
) -> bool:
    current = {a.target_id: a for a in report.actuals}
    changed = False
    for target_id, value in new.items():
        old = current.get(target_id)
        old_value = old.value if old is not None else None
        if old_value == value:
            continue
        target.note(
            "edit_report", f"actual[{target_id}]", _number_text(old_value), _number_text(value)
        )
        if old is None:
            report.actuals.append(ReportActual(target_id=target_id, value=value))
        elif value is None:
            report.actuals.remove(old)
        else:
            old.value = value
        changed = True
    return changed


def _add_evidence(
    actor: Actor, target: _Target, report: ProgressReport, files: Sequence[EvidenceFile]
) -> bool:
    present = {e.sha256 for e in report.evidence}
    changed = False
    for file in files:
        if file.sha256 in present:
            continue  # the same content is attached already
        present.add(file.sha256)
        report.evidence.append(
            Evidence(
                name=file.name,
                size=len(file.content),
                sha256=file.sha256,
                content=file.content,
                added_by=actor.name,
            )
        )
        target.note(
            "add_evidence",
            "evidence",
            after=f"{file.name}（{settings_service.size_text(len(file.content))}，SHA-256 {file.sha256}）",
        )
        changed = True
    return changed


def remove_evidence(
    db: Database, actor: Actor, evidence_id: int, *, expect_version: int | None
) -> dict[str, Any]:
    """Detach an evidence file from its report (same rights and checks as editing it)."""
    with db.session() as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise NotFound(f"没有编号为 {evidence_id} 的佐证材料。")
        base = row.report
        target = _resolve_for_write(
            session, actor, base.task_id, base.period_id, base.unit_id, expect_version
        )
        report = _require_report(target)
        _require_editable(target, report)
        target.note("remove_evidence", "evidence", before=f"{row.name}（SHA-256 {row.sha256}）")
        report.evidence.remove(row)
        _back_to_draft(target, report)
        _touch(report, actor)
        _commit_changes(session, actor, target)
        return _written(session, target, report)


def evidence_content(db: Database, actor: Actor, evidence_id: int) -> tuple[str, bytes]:
    """The name and bytes of an evidence file, checked against its stored SHA-256."""
    with db.reader() as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise NotFound(f"没有编号为 {evidence_id} 的佐证材料。")
        require_task_visible(session, actor, find_task(session, row.report.task_id))
        content = row.content
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise InvalidInput(f"佐证材料“{row.name}”已损坏：内容与保存时的 SHA-256 不符。")
        return row.name, content


# ---------------------------------------------------------------- workflow


def submit_report(
    db: Database,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """报送: send a draft (or a returned report) for review. A first submission after the
    period's due date is marked late (``today`` defaults to the local date)."""
    with db.session() as session:
        return submit_report_in(
            session, actor, task_id, period, unit, expect_version=expect_version, today=today
        )


def submit_report_in(
    session: Session,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    expect_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """:func:`submit_report` inside the caller's transaction (``expect_version`` required
    as there)."""
    today = today or dt.date.today()
    target = _resolve_for_write(session, actor, task_id, period, unit, expect_version)
    report = _require_report(target)
    if report.state not in EDITABLE_STATES:
        raise InvalidInput(
            f"{_describe(target.task, target.unit, target.period)}"
            f"{STATE_LABELS[report.state]}，无需再报送。"
        )
    if not report.status:
        raise InvalidInput(
            "报送前请先选择进展状态。", hint="填写状态：tracker report set … --status"
        )
    now = utcnow()
    target.note("submit_report", "state", STATE_LABELS[report.state], STATE_LABELS[STATE_SUBMITTED])
    report.state = STATE_SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor.name
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        if today > target.period.due_date:
            report.late = True
            target.note(
                "submit_report",
                "late",
                "否",
                f"是（截止 {target.period.due_date.isoformat()}，报送 {today.isoformat()}）",
            )
    _touch(report, actor)
    _commit_changes(session, actor, target)
    return _written(session, target, report)


def approve_report(
    db: Database,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    expect_version: int | None,
) -> dict[str, Any]:
    """审核: accept a submitted report (coordinator only)."""
    actor.require_coordinator("审核填报")
    with db.session() as session:
        target, report = _approve(session, actor, ReportKey(task_id, period, unit, expect_version))
        return _written(session, target, report)


@dataclass(frozen=True)
class ReportKey:
    """Names one unit's report on one task in one period, with the version the caller
    showed (required, as for every write; None only for a caller that showed nothing), for
    the review of several reports at once."""

    task_id: int
    period: str | int
    unit: str | int | None
    expect_version: int | None


def _approve(session: Session, actor: Actor, key: ReportKey) -> tuple[_Target, ProgressReport]:
    target = _resolve_for_write(
        session, actor, key.task_id, key.period, key.unit, key.expect_version
    )
    report = _require_report(target)
    if report.state != STATE_SUBMITTED:
        raise InvalidInput(
            f"{_describe(target.task, target.unit, target.period)}"
            f"{STATE_LABELS[report.state]}，只有已报送的填报可以审核。"
        )
    target.note("approve_report", "state", STATE_LABELS[report.state], STATE_LABELS[STATE_APPROVED])
    report.state = STATE_APPROVED
    report.reviewed_at = utcnow()
    report.reviewed_by = actor.name
    report.return_reason = None
    _touch(report, actor)
    _commit_changes(session, actor, target)
    return target, report


def approve_reports(db: Database, actor: Actor, keys: Sequence[ReportKey]) -> list[dict[str, Any]]:
    """审核 several reports in one transaction: all of them are approved, or — when one is
    refused (not submitted, changed meanwhile, locked period) — none is, and the error
    names that report (coordinator only)."""
    actor.require_coordinator("审核填报")
    with db.session() as session:
        done = [_approve(session, actor, key) for key in keys]
        return [_written(session, target, report) for target, report in done]


def return_report(
    db: Database,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    reason: str,
    expect_version: int | None,
) -> dict[str, Any]:
    """退回: send a submitted (or approved) report back to its unit, with a reason
    (coordinator only). The unit edits it, which makes it a draft again, and resubmits."""
    actor.require_coordinator("退回填报")
    reason = _check_reason(reason)
    with db.session() as session:
        key = ReportKey(task_id, period, unit, expect_version)
        target, report = _return(session, actor, key, reason)
        return _written(session, target, report)


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回必须说明理由。", hint="用 --reason 说明理由。")
    return _check_text("退回理由", reason)


def _return(
    session: Session, actor: Actor, key: ReportKey, reason: str
) -> tuple[_Target, ProgressReport]:
    target = _resolve_for_write(
        session, actor, key.task_id, key.period, key.unit, key.expect_version
    )
    report = _require_report(target)
    if report.state not in DONE_STATES:
        raise InvalidInput(
            f"{_describe(target.task, target.unit, target.period)}"
            f"{STATE_LABELS[report.state]}，只有已报送或已审核的填报可以退回。"
        )
    target.note("return_report", "state", STATE_LABELS[report.state], STATE_LABELS[STATE_RETURNED])
    target.note("return_report", "return_reason", report.return_reason, reason)
    report.state = STATE_RETURNED
    report.return_reason = reason
    report.reviewed_at = utcnow()
    report.reviewed_by = actor.name
    _touch(report, actor)
    _commit_changes(session, actor, target)
    return target, report


def return_reports(
    db: Database, actor: Actor, keys: Sequence[ReportKey], *, reason: str
) -> list[dict[str, Any]]:
    """退回 several reports with one reason, in one transaction: all of them or none, the
    error naming the report refused (coordinator only)."""
    actor.require_coordinator("退回填报")
    reason = _check_reason(reason)
    with db.session() as session:
        done = [_return(session, actor, key, reason) for key in keys]
        return [_written(session, target, report) for target, report in done]


# ---------------------------------------------------------------- consolidation (汇总)


def _marker(unit_name: str) -> str:
    return f"【{unit_name}】"


def merge_texts(own: str, blocks: Sequence[tuple[str, str]], all_markers: Sequence[str]) -> str:
    """The lead's text followed by one block per cooperating unit (``【单位】text``).

    Whatever follows the first line that starts with a marker of any cooperating unit of
    the task is an earlier consolidation and is replaced, so consolidating twice gives the
    same text.
    """
    lines = own.splitlines()
    cut = next(
        (i for i, line in enumerate(lines) if any(line.startswith(m) for m in all_markers)),
        len(lines),
    )
    kept = "\n".join(lines[:cut]).rstrip()
    parts = [kept] if kept else []
    parts.extend(f"{_marker(name)}{text.strip()}" for name, text in blocks if text.strip())
    return "\n".join(parts)


def consolidate(
    db: Database,
    actor: Actor,
    task_id: int,
    period: str | int,
    unit: str | int | None = None,
    *,
    expect_version: int | None,
) -> dict[str, Any]:
    """汇总: take the cooperating units' submitted texts into the lead unit's report.

    ``unit`` is the lead unit (default: the actor's unit, or the first lead for a
    coordinator). Each text field gets one ``【单位】…`` block per cooperating unit whose
    report is submitted or approved; running it again refreshes the blocks. Returns the
    report plus the cooperating units ``merged`` and those still ``missing``.
    """
    with db.session() as session:
        task = find_task(session, task_id)
        if unit is None and actor.is_coordinator:
            unit = session.scalar(
                select(TaskUnit.unit_id)
                .where(TaskUnit.task_id == task.id, TaskUnit.role == ROLE_LEAD)
                .order_by(TaskUnit.position)
                .limit(1)
            )
        target = _resolve_for_write(session, actor, task_id, period, unit, expect_version)
        if target.role != ROLE_LEAD:
            raise PermissionDenied(
                f"“{labels_by_id(session, [target.unit.id])[target.unit.id]}”是任务 {task.id} 的配合单位；"
                "只有牵头单位可以汇总配合单位的填报。"
            )
        coop = session.execute(
            select(Unit.id, Unit.name)
            .join(TaskUnit, TaskUnit.unit_id == Unit.id)
            .where(TaskUnit.task_id == task.id, TaskUnit.role == ROLE_COOPERATING)
            .order_by(TaskUnit.position)
        ).all()
        coop_reports = {
            r.unit_id: r
            for r in session.scalars(
                select(ProgressReport).where(
                    ProgressReport.task_id == task.id,
                    ProgressReport.period_id == target.period.id,
                    ProgressReport.state.in_(DONE_STATES),
                    ProgressReport.unit_id.in_([uid for uid, _ in coop]),
                )
            )
        }
        report = target.report
        if report is not None:
            _require_editable(target, report)
        created = report is None
        if report is None:
            report = _new_report(actor, target)
            session.add(report)
        markers = [_marker(name) for _, name in coop]
        changed = False
        for name in TEXT_FIELDS:
            blocks = [
                (n, getattr(coop_reports[uid], name)) for uid, n in coop if uid in coop_reports
            ]
            old = getattr(report, name) or ""
            new = merge_texts(old, blocks, markers)
            if new != old:
                target.note("consolidate", name, old or None, new or None)
                setattr(report, name, new)
                changed = True
        if changed and not created:
            _back_to_draft(target, report)
            _touch(report, actor)
        _commit_changes(session, actor, target)
        result = _written(session, target, report)
        result["merged"] = [name for uid, name in coop if uid in coop_reports]
        result["missing"] = [name for uid, name in coop if uid not in coop_reports]
        return result
