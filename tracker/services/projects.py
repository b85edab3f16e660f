"""Key projects (重大项目) of the pilots: add, change, move through the stages, note the
progress of each period, link to the tasks of the pilot's plan.

A project has a name, an owner (项目业主), a location, its total investment and its
investment per year (planned and completed, 万元, exact decimals, never negative), planned
start and finish dates, a stage 谋划 → 开工 → 投产 → 达效 with the date each was reached (the
rule is :mod:`tracker.services.project_stages`), the carbon reduction it is expected to
bring (万吨CO₂), a progress note per reporting period, and the tasks it serves.

The pilot body's account and a coordinator change a pilot's projects; a city DRC sees
those of its region. Every write is one transaction, audited field by field, and carries
the version its caller read (``expect_version``; None writes over what is stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    Pilot,
    Project,
    ProjectInvestment,
    ProjectProgress,
    ProjectStageChange,
    ProjectTask,
    Task,
    utcnow,
)
from tracker.services import audit, inputs
from tracker.services.access import format_time
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
from tracker.services.project_stages import DATE_FIELDS, StageMove, check_dates, move
from tracker.services.versions import check_version, flush_or_conflict

YUAN = "万元"
TONNES = "万吨CO₂"
# year → (planned, completed), each as typed (None or "" clears it)
Investments = Mapping[int, tuple[object, object]]

TEXT_FIELDS = {"name": ("项目名称", 300), "owner": ("项目业主", 200), "location": ("建设地点", 200)}
AMOUNT_FIELDS = {"total_investment": ("总投资", YUAN), "expected_reduction": ("预计减碳量", TONNES)}
DATE_INPUTS = {"planned_start": "计划开工日期", "planned_finish": "计划建成日期"}


# ---------------------------------------------------------------- reading


def describe(project: Project) -> str:
    """How a project is named in messages: ``项目 3（某某光伏项目）``."""
    return f"项目 {project.id}（{project.name}）"


def dates_of(project: Project) -> dict[str, dt.date | None]:
    """Stage key → the date the project reached it (谋划 has none)."""
    return {key: getattr(project, column) for key, column in DATE_FIELDS.items()}


def project_dict(session: Session, project: Project, *, full: bool = True) -> dict[str, Any]:
    """A project as plain data; ``full`` adds its tasks, notes and stage history."""
    words = terms()
    data: dict[str, Any] = {
        "id": project.id,
        "pilot_id": project.pilot_id,
        "pilot": project.pilot.name,
        "code": project.code,
        "name": project.name,
        "owner": project.owner,
        "location": project.location,
        "total_investment": project.total_investment,
        "expected_reduction": project.expected_reduction,
        "planned_start": _iso(project.planned_start),
        "planned_finish": _iso(project.planned_finish),
        "stage": project.stage,
        "stage_label": words.stages.name(project.stage),
        "stage_dates": {words.stages.name(k): _iso(v) for k, v in dates_of(project).items()},
        "investments": [
            {"year": i.year, "planned": i.planned, "completed": i.completed}
            for i in project.investments
        ],
        "updated_at": format_time(project.updated_at),
        "updated_by": project.updated_by,
        "version": project.version,
    }
    if full:
        data.update(_details(session, project))
    return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _details(session: Session, project: Project) -> dict[str, Any]:
    words = terms()
    tasks = session.execute(
        select(Task.id, Task.code, Task.measure_title)
        .join(ProjectTask, ProjectTask.task_id == Task.id)
        .where(ProjectTask.project_id == project.id)
        .order_by(Task.position)
    ).all()
    notes = session.scalars(
        select(ProjectProgress)
        .where(ProjectProgress.project_id == project.id)
        .order_by(ProjectProgress.period_code)
    )
    return {
        "tasks": [{"id": t, "code": c, "title": title} for t, c, title in tasks],
        "notes": [
            {
                "period": n.period_code,
                "note": n.note,
                "updated_at": format_time(n.updated_at),
                "updated_by": n.updated_by,
                "version": n.version,
            }
            for n in notes
        ],
        "history": [
            {
                "from": words.stages.name(c.from_stage) if c.from_stage else None,
                "to": words.stages.name(c.to_stage),
                "on": c.changed_on.isoformat(),
                "reason": c.reason,
                "recorded_at": format_time(c.recorded_at),
                "recorded_by": c.recorded_by,
            }
            for c in project.stage_changes
        ],
    }


def _find(session: Session, project_id: int, *, for_update: bool = False) -> Project:
    query = select(Project).where(Project.id == project_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(
            f"没有编号为 {project_id} 的重大项目。", hint="可用 tracker project list 查看。"
        )
    return found


def get_project(db: Database, actor: Actor, project_id: int) -> dict[str, Any]:
    """One project with its tasks, notes and stage history."""
    require_region_visible(actor, "查看重大项目")
    with db.reader() as session:
        found = _find(session, project_id)
        require_visible(session, actor, found.pilot)
        return project_dict(session, found)


def list_projects(
    db: Database,
    actor: Actor,
    *,
    pilot: int | str | None = None,
    stage: str | None = None,
    period: str | None = None,
) -> list[dict[str, Any]]:
    """The projects ``actor`` may see, of one pilot or all, by pilot and number; ``period``
    adds each project's note for that period (``period_note``)."""
    require_region_visible(actor, "查看重大项目")
    stage_key = terms().stages.key_of(stage) if stage else None
    code = inputs.period(period) if period else None
    with db.reader() as session:
        query = (
            select(Project)
            .join(Pilot, Pilot.id == Project.pilot_id)
            .options(selectinload(Project.investments), selectinload(Project.pilot))
            .order_by(Project.pilot_id, Project.id)
        )
        scope = pilot_scope(actor)
        if scope is not None:
            query = query.where(scope)
        if pilot is not None:
            found = find_pilot(session, pilot)
            require_visible(session, actor, found)
            query = query.where(Project.pilot_id == found.id)
        if stage_key:
            query = query.where(Project.stage == stage_key)
        rows = [project_dict(session, p, full=False) for p in session.scalars(query)]
        if code is not None:
            notes = dict(
                session.execute(
                    select(ProjectProgress.project_id, ProjectProgress.note).where(
                        ProjectProgress.period_code == code,
                        ProjectProgress.project_id.in_([r["id"] for r in rows]),
                    )
                )
                .tuples()
                .all()
            )
            for row in rows:
                row["period_note"] = notes.get(row["id"], "")
        return rows


# ---------------------------------------------------------------- checks


def _amounts(values: Mapping[str, object]) -> dict[str, Decimal | None]:
    checked: dict[str, Decimal | None] = {}
    for key, raw in values.items():
        label, unit = AMOUNT_FIELDS[key]
        checked[key] = inputs.amount(raw, label, unit)
    return checked


def check_investments(raw: Investments) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Year → (planned, completed), each a non-negative amount in 万元 or None."""
    checked: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for year, (planned, completed) in raw.items():
        key = inputs.year(year, "年度投资")
        checked[key] = (
            inputs.amount(planned, f"{key}年计划投资", YUAN),
            inputs.amount(completed, f"{key}年完成投资", YUAN),
        )
    return checked


def stage_date_inputs(raw: Mapping[str, object] | None) -> dict[str, dt.date]:
    """Stage (key or name) → date, as typed (``开工=2025-03-01``)."""
    words = terms()
    found: dict[str, dt.date] = {}
    for stage, value in (raw or {}).items():
        key = words.stages.key_of(stage)
        if key not in DATE_FIELDS:
            raise InvalidInput(f"{words.stages.name(key)}阶段没有日期（只有开工、投产、达效有）。")
        day = inputs.day(value, f"{words.stages.name(key)}日期")
        if day is None:
            raise InvalidInput(f"{words.stages.name(key)}日期不能为空。")
        found[key] = day
    return found


def _investment_warning(project: Project) -> list[str]:
    planned = sum((i.planned for i in project.investments if i.planned is not None), Decimal(0))
    total = project.total_investment
    if total is not None and planned > total:
        return [
            f"{describe(project)}各年计划投资合计 {inputs.amount_text(planned)} 万元，"
            f"超过总投资 {inputs.amount_text(total)} 万元（仅提示，已保存）。"
        ]
    return []


# ---------------------------------------------------------------- writing


@dataclass
class ProjectInput:
    """A checked change to a project (or a new one): every part is optional.

    ``fields`` holds checked values of name, owner, location, the two amounts and the
    planned dates; ``corrections`` new dates for stages the project has reached;
    ``stage`` a stage to move to (on ``on``, passing over the stages dated in ``passed``,
    going back with ``reason``); ``investments`` years to set; ``tasks`` the full set of
    linked tasks, or ``add_tasks`` / ``remove_tasks``; ``note`` a period's progress note.
    """

    fields: dict[str, Any] = field(default_factory=dict)
    corrections: dict[str, dt.date] = field(default_factory=dict)
    stage: str | None = None
    on: dt.date | None = None
    passed: dict[str, dt.date] = field(default_factory=dict)
    reason: str | None = None
    investments: dict[int, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    tasks: list[int] | None = None
    add_tasks: list[int] = field(default_factory=list)
    remove_tasks: list[int] = field(default_factory=list)
    note: tuple[str, str] | None = None


class Changes:
    """The audit entries of one write, recorded once the project has its id."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str | None, object, object]] = []

    def note(self, action: str, field_name: str | None, before: object, after: object) -> None:
        """Remember one change."""
        self.entries.append((action, field_name, before, after))

    def write(self, session: Session, actor: Actor, project: Project) -> None:
        """Flush the project and write the entries."""
        if self.entries:
            project.updated_at = utcnow()
            project.updated_by = actor.name
        flush_or_conflict(session, describe(project))
        for action, field_name, before, after in self.entries:
            audit.record(
                session,
                actor,
                action,
                "project",
                project.id,
                field=field_name,
                before=_shown(before),
                after=_shown(after),
            )
        self.entries.clear()


def _shown(value: object) -> object:
    if isinstance(value, Decimal):
        return inputs.amount_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def next_code(session: Session, pilot_id: int) -> str:
    """The number the pilot's next project gets (1, 2 …)."""
    codes = session.scalars(select(Project.code).where(Project.pilot_id == pilot_id)).all()
    return str(max((int(c) for c in codes if c.isdigit()), default=0) + 1)


def _set_investments(
    project: Project, values: Mapping[int, tuple[Decimal | None, Decimal | None]], log: Changes
) -> None:
    current = {i.year: i for i in project.investments}
    for year, (planned, completed) in sorted(values.items()):
        row = current.get(year)
        before = (row.planned, row.completed) if row is not None else (None, None)
        if before == (planned, completed):
            continue
        log.note("edit_project", f"investment[{year}]", _pair(before), _pair((planned, completed)))
        if planned is None and completed is None:
            if row is not None:
                project.investments.remove(row)
        elif row is None:
            project.investments.append(
                ProjectInvestment(year=year, planned=planned, completed=completed)
            )
        else:
            row.planned, row.completed = planned, completed


def _pair(values: tuple[Decimal | None, Decimal | None]) -> str | None:
    if values == (None, None):
        return None
    planned, completed = (inputs.amount_text(v) or "—" for v in values)
    return f"计划 {planned} / 完成 {completed}"


def plan_tasks(session: Session, pilot: Pilot) -> dict[int, Task]:
    """The current tasks of the pilot's plan, by id (none when it has no plan)."""
    if pilot.plan_id is None:
        return {}
    query = select(Task).where(Task.plan_id == pilot.plan_id, Task.archived_at.is_(None))
    return {t.id: t for t in session.scalars(query)}


def _link_tasks(session: Session, project: Project, inp: ProjectInput, log: Changes) -> None:
    linked = {link.task_id: link for link in project.task_links}
    if inp.tasks is not None:
        add = [t for t in inp.tasks if t not in linked]
        remove = [t for t in linked if t not in inp.tasks]
    else:
        add, remove = inp.add_tasks, inp.remove_tasks
    if not add and not remove:
        return
    allowed = plan_tasks(session, project.pilot)
    for task_id in add:
        task = allowed.get(task_id)
        if task is None:
            raise InvalidInput(
                f"任务 {task_id} 不是{pilot_label(project.pilot)}试点实施方案中的（现行）任务，不能关联。"
            )
        if task_id in linked:
            continue
        link = ProjectTask(task_id=task_id)
        project.task_links.append(link)
        linked[task_id] = link
        log.note("link_task", "task", None, f"{task.code} {task.measure_title}")
    for task_id in remove:
        found = linked.pop(task_id, None)
        if found is None:
            raise InvalidInput(f"{describe(project)}没有关联任务 {task_id}。")
        project.task_links.remove(found)
        log.note("unlink_task", "task", task_id, None)


def _record_move(
    project: Project, moved: StageMove, inp: ProjectInput, actor: Actor, log: Changes
) -> None:
    words = terms()
    for step in moved.steps:
        project.stage_changes.append(
            ProjectStageChange(
                from_stage=step.from_stage,
                to_stage=step.to_stage,
                changed_on=step.on,
                reason=inp.reason if moved.backward else None,
                recorded_by=actor.name,
            )
        )
    log.note(
        "stage_project", "stage", words.stages.name(project.stage), words.stages.name(moved.stage)
    )
    if moved.backward and inp.reason:
        log.note("stage_project", "reason", None, inp.reason)
    _apply_dates(project, moved.dates, log)
    project.stage = moved.stage


def _apply_dates(project: Project, dates: Mapping[str, dt.date | None], log: Changes) -> None:
    for key, column in DATE_FIELDS.items():
        old, new = getattr(project, column), dates.get(key)
        if old != new:
            log.note("edit_project", column, old, new)
            setattr(project, column, new)


def last_change(project: Project) -> dt.date | None:
    """The date of the project's last change of stage (the date it was listed at 谋划 is
    not a change)."""
    return max(
        (c.changed_on for c in project.stage_changes if c.from_stage is not None), default=None
    )


def apply_input(
    session: Session,
    actor: Actor,
    project: Project,
    inp: ProjectInput,
    today: dt.date,
    log: Changes,
) -> None:
    """Apply a checked change to a project inside the caller's transaction (the rights
    and the version are the caller's to check); raises :class:`InvalidInput` when a rule
    refuses it."""
    for key, value in inp.fields.items():
        if getattr(project, key) != value:
            log.note("edit_project", key, getattr(project, key), value)
            setattr(project, key, value)
    _check_planned(project.planned_start, project.planned_finish)
    if inp.corrections:
        dates = {**dates_of(project), **inp.corrections}
        check_dates(project.stage, dates, today)
        _apply_dates(project, dates, log)
    if inp.stage is not None and inp.stage != project.stage:
        moved = move(
            project.stage,
            dates_of(project),
            inp.stage,
            on=inp.on,
            reason=inp.reason,
            passed=inp.passed,
            today=today,
            since=last_change(project),
        )
        _record_move(project, moved, inp, actor, log)
    _set_investments(project, inp.investments, log)
    _link_tasks(session, project, inp, log)
    if inp.note is not None:
        _set_note(session, actor, project, inp.note, log)


def _set_note(
    session: Session, actor: Actor, project: Project, note: tuple[str, str], log: Changes
) -> None:
    code, text = note
    row = (
        session.scalar(
            select(ProjectProgress).where(
                ProjectProgress.project_id == project.id, ProjectProgress.period_code == code
            )
        )
        if project.id is not None
        else None
    )
    before = row.note if row is not None else None
    if (before or "") == text:
        return
    if row is None:
        session.add(
            ProjectProgress(project=project, period_code=code, note=text, updated_by=actor.name)
        )
    else:
        row.note, row.updated_at, row.updated_by = text, utcnow(), actor.name
    log.note("project_note", f"note[{code}]", before, text)


def new_project(
    session: Session, actor: Actor, pilot: Pilot, name: str, today: dt.date, log: Changes
) -> Project:
    """A new project of ``pilot`` at 谋划, listed ``today`` (not flushed)."""
    project = Project(
        pilot=pilot,
        code=next_code(session, pilot.id),
        name=name,
        owner="",
        location="",
        stage=terms().stages.keys[0],
        created_by=actor.name,
        updated_by=actor.name,
    )
    session.add(project)
    project.stage_changes.append(
        ProjectStageChange(
            from_stage=None, to_stage=project.stage, changed_on=today, recorded_by=actor.name
        )
    )
    log.note("add_project", None, None, f"{name}（{pilot.name}）")
    return project


def _checked_fields(fields: Mapping[str, object]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, value in fields.items():
        if key in TEXT_FIELDS:
            label, limit = TEXT_FIELDS[key]
            checked[key] = inputs.text(value, label, limit=limit, required=key == "name")
        elif key in AMOUNT_FIELDS:
            checked.update(_amounts({key: value}))
        elif key in DATE_INPUTS:
            checked[key] = inputs.day(value, DATE_INPUTS[key])
        else:
            raise InvalidInput(f"重大项目没有“{key}”这一项。")
    return checked


def _check_planned(start: dt.date | None, finish: dt.date | None) -> None:
    if start is not None and finish is not None and finish < start:
        raise InvalidInput(
            f"计划建成日期 {finish.isoformat()} 早于计划开工日期 {start.isoformat()}。"
        )


def add_project(
    db: Database,
    actor: Actor,
    pilot: int | str,
    *,
    fields: Mapping[str, object],
    stage: str | None = None,
    stage_dates: Mapping[str, object] | None = None,
    investments: Investments | None = None,
    tasks: Sequence[int] = (),
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Add a project to a pilot (its body or a coordinator); returns
    ``{"project": …, "warnings": […]}``. ``fields`` as for :func:`update_project` (a name
    is required).

    A project starts at 谋划; at a later ``stage`` it needs the date of every stage it has
    reached (``stage_dates``: ``{"开工": "2025-03-01", …}``) — the stage rule of
    :mod:`tracker.services.project_stages`; it is then listed on the earliest of them."""
    today = today or dt.date.today()
    checked = _checked_fields(fields)
    if not checked.get("name"):
        raise InvalidInput("“项目名称”不能为空。")
    target = terms().stages.key_of(stage) if stage else None
    dates = stage_date_inputs(stage_dates)
    if target is None and dates:
        raise InvalidInput("项目处于谋划阶段，不应填写开工、投产或达效日期。")
    inp = ProjectInput(
        fields=checked,
        stage=target,
        on=dates.pop(target, None) if target else None,
        passed=dates,
        investments=check_investments(investments or {}),
        tasks=list(tasks),
    )
    with db.session() as session:
        session.autoflush = False
        found = find_pilot(session, pilot, for_update=True)
        require_keeper(session, actor, found, "添加重大项目")
        log = Changes()
        listed = min([today, *([inp.on] if inp.on else []), *inp.passed.values()])
        project = new_project(session, actor, found, checked["name"], listed, log)
        apply_input(session, actor, project, inp, today, log)
        log.write(session, actor, project)
        return {"project": project_dict(session, project), "warnings": _investment_warning(project)}


def update_project(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    expect_version: int | None,
    fields: Mapping[str, object] | None = None,
    stage_dates: Mapping[str, object] | None = None,
    investments: Investments | None = None,
    add_tasks: Sequence[int] = (),
    remove_tasks: Sequence[int] = (),
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Change a project: ``fields`` maps name, owner, location, total_investment,
    expected_reduction, planned_start, planned_finish to new values ("" or None clears an
    amount or a date; a name cannot be cleared); ``stage_dates`` corrects the dates of
    stages already reached; ``investments`` sets years (both values empty removes a year).
    Returns ``{"project": …, "warnings": […]}``."""
    inp = ProjectInput(
        fields=_checked_fields(fields or {}),
        corrections=stage_date_inputs(stage_dates),
        investments=check_investments(investments or {}),
        add_tasks=list(add_tasks),
        remove_tasks=list(remove_tasks),
    )
    with db.session() as session:
        project = _write_one(session, actor, project_id, expect_version, "修改重大项目")
        log = Changes()
        apply_input(session, actor, project, inp, today or dt.date.today(), log)
        log.write(session, actor, project)
        return {"project": project_dict(session, project), "warnings": _investment_warning(project)}


def _write_one(
    session: Session, actor: Actor, project_id: int, expect_version: int | None, what: str
) -> Project:
    session.autoflush = False
    project = _find(session, project_id, for_update=True)
    require_keeper(session, actor, project.pilot, what)
    check_version(
        describe(project), project.version, expect_version, project.updated_by, project.updated_at
    )
    return project


def change_stage(
    db: Database,
    actor: Actor,
    project_id: int,
    stage: str,
    *,
    expect_version: int | None,
    on: str | dt.date | None = None,
    reason: str | None = None,
    passed: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Move a project to ``stage`` on ``on`` (default today), by the stage rule
    (:mod:`tracker.services.project_stages`): going back needs ``reason``, passing over a
    stage needs its date in ``passed``. Returns the project."""
    inp = ProjectInput(
        stage=terms().stages.key_of(stage),
        on=inputs.day(on, "变更日期"),
        reason=inputs.text(reason, "理由", limit=2000) or None,
        passed=stage_date_inputs(passed),
    )
    with db.session() as session:
        project = _write_one(session, actor, project_id, expect_version, "变更项目阶段")
        if inp.stage == project.stage:
            raise InvalidInput(f"项目已处于{terms().stages.name(project.stage)}阶段，无需变更。")
        log = Changes()
        apply_input(session, actor, project, inp, today or dt.date.today(), log)
        log.write(session, actor, project)
        return project_dict(session, project)


def set_progress_note(
    db: Database,
    actor: Actor,
    project_id: int,
    period: str,
    note: str,
    *,
    expect_version: int | None,
) -> dict[str, Any]:
    """Write a project's progress note for a period (本期进展); ``expect_version`` is the
    note's version the caller read (0: there was none; None: no check). Returns the project."""
    code = inputs.period(period)
    text = inputs.text(note, "本期进展")
    with db.session() as session:
        project = _write_one(session, actor, project_id, None, "填写项目进展")
        row = session.scalar(
            select(ProjectProgress).where(
                ProjectProgress.project_id == project.id, ProjectProgress.period_code == code
            )
        )
        what = f"{describe(project)}{code}的进展"
        if row is None:
            check_version(what, 0, expect_version, None, None)
        else:
            check_version(what, row.version, expect_version, row.updated_by, row.updated_at)
        log = Changes()
        _set_note(session, actor, project, (code, text), log)
        flush_or_conflict(session, what)
        log.write(session, actor, project)
        return project_dict(session, project)


def year_amounts(project: Mapping[str, Any], year: int) -> tuple[Decimal, Decimal, Decimal]:
    """A project's (planned in ``year``, completed in ``year``, completed up to ``year``),
    from :func:`project_dict`'s investments: the rule of :func:`yearly_investment` for one
    project, so a table of projects adds up to the pilot's figures."""
    planned = completed = to_date = Decimal(0)
    for row in project.get("investments") or []:
        if row["year"] == year:
            planned += row["planned"] or Decimal(0)
            completed += row["completed"] or Decimal(0)
        if row["year"] <= year:
            to_date += row["completed"] or Decimal(0)
    return planned, completed, to_date


def project_counts(session: Session, pilot_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per pilot: projects by stage, total investment, expected reduction (exact sums)."""
    found: dict[int, dict[str, Any]] = {
        pid: {"count": 0, "by_stage": {}, "total_investment": Decimal(0), "reduction": Decimal(0)}
        for pid in pilot_ids
    }
    rows = session.execute(
        select(
            Project.pilot_id,
            Project.stage,
            func.count(),
            func.sum(Project.total_investment),
            func.sum(Project.expected_reduction),
        )
        .where(Project.pilot_id.in_(list(pilot_ids)))
        .group_by(Project.pilot_id, Project.stage)
    ).all()
    for pid, stage, count, invested, reduced in rows:
        entry = found[pid]
        entry["count"] += count
        entry["by_stage"][stage] = count
        entry["total_investment"] += invested or Decimal(0)
        entry["reduction"] += reduced or Decimal(0)
    return found


def yearly_investment(
    session: Session, pilot_ids: Sequence[int], year: int
) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Per pilot: (planned in ``year``, completed in ``year``, completed up to ``year``)."""
    found = {pid: (Decimal(0), Decimal(0), Decimal(0)) for pid in pilot_ids}
    rows = session.execute(
        select(
            Project.pilot_id,
            ProjectInvestment.year,
            func.sum(ProjectInvestment.planned),
            func.sum(ProjectInvestment.completed),
        )
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(Project.pilot_id.in_(list(pilot_ids)), ProjectInvestment.year <= year)
        .group_by(Project.pilot_id, ProjectInvestment.year)
    ).all()
    for pid, row_year, planned, completed in rows:
        this_planned, this_completed, to_date = found[pid]
        if row_year == year:
            this_planned += planned or Decimal(0)
            this_completed += completed or Decimal(0)
        to_date += completed or Decimal(0)
        found[pid] = (this_planned, this_completed, to_date)
    return found
