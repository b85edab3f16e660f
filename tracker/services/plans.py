"""Plan services: preview and commit an import (a new plan or a revision of one), list
plans and tasks.

Used by the CLI and the UI alike; each function opens its own transaction and returns
plain data (dicts, dataclasses), never ORM objects. Units and aliases are in
:mod:`tracker.services.units`, archiving and deleting plans in
:mod:`tracker.services.plan_lifecycle`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, NotFound, PlanArchived
from tracker.importing.regions import LEVEL_PROVINCE, RegionSpec, level_label
from tracker.importing.result import ParsedPlan
from tracker.models import (
    ROLE_COOPERATING,
    ROLE_LEAD,
    Area,
    Plan,
    PlanSource,
    PlanWarning,
    Region,
    Target,
    Task,
    TaskUnit,
)
from tracker.services import audit
from tracker.services.access import find_unit, format_time, task_scope
from tracker.services.actor import Actor
from tracker.services.periods import create_periods
from tracker.services.plan_store import ensure_areas, insert_tasks, unit_ids
from tracker.services.regions import (
    RegionNode,
    aliases_in,
    describe_region,
    ensure_region,
    find_region,
    labels_by_id,
    spec_chain,
    stored_chain,
)
from tracker.services.revisions import (
    PlanDiff,
    TaskSnapshot,
    apply_revision,
    compute_diff,
    stored_snapshots,
)

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------- preview


def preview_import(
    db: Database,
    path: str | Path,
    progress: Progress | None = None,
    *,
    region: str | RegionSpec | None = None,
    province: str | None = None,
    pilot: bool = False,
) -> ParsedPlan:
    """Read and parse a plan document without storing anything (the preview).

    The issuing region is read from the title unless ``region`` names it (with
    ``province`` for a region the program does not know); unit names are read with the
    stored aliases of that region and the regions above it. ``pilot`` reads a pilot's
    试点实施方案, whose tasks may name no units (see :func:`tracker.importing.importer.parse_plan`).
    """
    spec = _region_spec(db, region, province)
    # Imported here: the readers (Word, Excel, fuzzy matching) are not needed to start.
    from tracker.importing.importer import parse_plan

    with db.reader() as session:

        def aliases(found: RegionSpec | None) -> dict[str, str]:
            return aliases_in(session, spec_chain(session, found))

        return parse_plan(Path(path), aliases=aliases, region=spec, progress=progress, pilot=pilot)


def _region_spec(
    db: Database, region: str | RegionSpec | None, province: str | None
) -> RegionSpec | None:
    if isinstance(region, RegionSpec):
        return region
    if region is not None:
        return describe_region(db, region, province)
    if province:
        raise InvalidInput(
            "只有指明地区时才能指明其所属省份。",
            hint="--province 只能与 --region 一起使用（指明一个新地区所属的省份）。",
        )
    return None


def canonical_task_units(
    db: Database, lead_text: str, cooperating_text: str, region: RegionSpec | None = None
) -> tuple[list[str], list[str]]:
    """The canonical lead and cooperating units of two lists typed by a person, read as the
    importer reads an annotation: the cooperating list after the lead list, so that a bare
    name takes the level of the units before it (市发改委 / 工信局 → 市工业和信息化局), with the
    stored aliases of ``region``. Each list is de-duplicated; a unit typed in both lists
    stays in both, so that the caller can say so."""
    from tracker.importing.units import UnitResolver, split_unit_list

    with db.reader() as session:
        aliases = aliases_in(session, spec_chain(session, region))
    leads, coops = split_unit_list(lead_text), split_unit_list(cooperating_text)
    resolved = UnitResolver(aliases).resolve([*leads, *coops])
    return list(dict.fromkeys(resolved[: len(leads)])), list(dict.fromkeys(resolved[len(leads) :]))


@dataclass(frozen=True)
class RegionStatus:
    """The preview's region as the database sees it: stored already, or to be created."""

    spec: RegionSpec | None
    exists: bool
    plan_count: int  # current plans of that region

    def describe(self) -> str:
        """银川市（市级，宁夏回族自治区）· 已有地区，2 个方案 — for the CLI."""
        if self.spec is None:
            return "未识别（请用 --region 指明）"
        spec = self.spec
        where = [level_label(spec.level)]
        if spec.level != LEVEL_PROVINCE:
            where.append(spec.province or "所属省份未知")
        state = f"已有地区，{self.plan_count} 个方案" if self.exists else "新地区，导入时登记"
        note = f"\n  注意：{spec.note}" if spec.note else ""
        return f"{spec.name}（{'，'.join(where)}）· {state}{note}"


def region_status(db: Database, spec: RegionSpec | None) -> RegionStatus:
    """Whether the preview's region is stored, and how many plans it has."""
    if spec is None:
        return RegionStatus(None, False, 0)
    with db.reader() as session:
        stored = find_region(session, spec.name)
        if stored is None:
            return RegionStatus(spec, False, 0)
        count = session.scalar(
            select(func.count()).where(Plan.region_id == stored.id, Plan.archived_at.is_(None))
        )
        return RegionStatus(spec, True, int(count or 0))


@dataclass(frozen=True)
class RevisionBase:
    """The stored plan a preview is a revised version of, at the revision the diff was
    computed against, with its tasks as they were then."""

    plan_id: int
    title: str
    revision: int
    archived: bool
    tasks: tuple[TaskSnapshot, ...]

    def diff(self, parsed: ParsedPlan) -> PlanDiff:
        """What committing ``parsed`` (as corrected in the preview) would change."""
        return compute_diff(self.tasks, [TaskSnapshot.of_parsed(t) for t in parsed.tasks])


def _revision_target(session: Session, title: str, region_id: int) -> Plan | None:
    return session.scalar(
        select(Plan)
        .where(Plan.title == title, Plan.region_id == region_id)
        .order_by(Plan.archived_at.is_not(None), Plan.id.desc())
        .limit(1)
    )


def _current_revision(session: Session, plan_id: int) -> int:
    return int(
        session.scalar(select(func.max(PlanSource.revision)).where(PlanSource.plan_id == plan_id))
        or 1
    )


def find_revision_base(db: Database, parsed: ParsedPlan) -> RevisionBase | None:
    """The stored plan with the same title and region as ``parsed`` (the newest current
    one), which committing ``parsed`` would update in place; None for a new plan (or for
    a file imported before: see :func:`find_plan_by_hash`)."""
    if parsed.region is None:
        return None
    with db.reader() as session:
        region = find_region(session, parsed.region.name)
        if region is None:
            return None
        if session.scalar(
            select(PlanSource.plan_id).where(PlanSource.content_hash == parsed.content_hash)
        ):
            return None
        plan = _revision_target(session, parsed.title, region.id)
        if plan is None:
            return None
        chain = stored_chain(region)
        return RevisionBase(
            plan_id=plan.id,
            title=plan.title,
            revision=_current_revision(session, plan.id),
            archived=plan.archived_at is not None,
            tasks=tuple(stored_snapshots(session, plan.id, chain)),
        )


@dataclass
class ImportPreview:
    """Everything the preview shows: the parsed plan, its region as the database knows it,
    and the stored plan it is a revision of (if any). The UI corrects ``parsed`` in place."""

    path: Path
    parsed: ParsedPlan
    region: RegionStatus
    base: RevisionBase | None

    def diff(self) -> PlanDiff | None:
        """What committing would change in the stored plan (None for a new plan)."""
        return self.base.diff(self.parsed) if self.base is not None else None


def prepare_import(
    db: Database,
    path: str | Path,
    progress: Progress | None = None,
    *,
    region: str | RegionSpec | None = None,
    province: str | None = None,
    pilot: bool = False,
) -> ImportPreview:
    """:func:`preview_import`, with the region's status and the revision base."""
    parsed = preview_import(db, path, progress, region=region, province=province, pilot=pilot)
    return ImportPreview(
        Path(path), parsed, region_status(db, parsed.region), find_revision_base(db, parsed)
    )


# ---------------------------------------------------------------- commit


@dataclass(frozen=True)
class Expectation:
    """What the person saw in the preview: a new plan (``plan_id`` None), or a revision of
    plan ``plan_id`` at ``revision``. The commit refuses when the database moved on."""

    plan_id: int | None
    revision: int | None = None

    @classmethod
    def of(cls, base: RevisionBase | None) -> Expectation:
        """The expectation of a preview that showed ``base`` (None: a new plan)."""
        return cls(None) if base is None else cls(base.plan_id, base.revision)


@dataclass(frozen=True)
class CommitResult:
    """What a commit did: ``created`` a new plan, ``revised`` an existing one in place (to
    ``revision``, with ``diff``), or neither (the file was imported before)."""

    plan_id: int
    created: bool
    revised: bool = False
    revision: int = 1
    diff: PlanDiff | None = None


def find_plan_by_hash(db: Database, content_hash: str) -> int | None:
    """The id of the plan imported from a file with this SHA-256 (any revision), if any."""
    with db.reader() as session:
        return session.scalar(
            select(PlanSource.plan_id).where(PlanSource.content_hash == content_hash)
        )


def commit_import(
    db: Database, parsed: ParsedPlan, actor: Actor, *, expect: Expectation | None = None
) -> CommitResult:
    """Store a previewed plan in one transaction: a new plan, or — when a plan with the same
    title and region is there — a revision that updates it in place. A document already
    imported is not stored again (recognised by its content hash). ``expect`` is what the
    preview showed; when the database has changed since, :class:`ConflictError`."""
    actor.require_coordinator("导入实施方案")
    if parsed.region is None:
        raise InvalidInput(
            f"无法确定“{parsed.title}”的发文地区：请在预览中指明。",
            hint="用 --region 地区名称 指明。",
        )
    try:
        return _commit(db, parsed, actor, expect)
    except IntegrityError:
        # Someone else stored the same document at the same moment (PostgreSQL lets both
        # transactions run): theirs stands, ours was rolled back whole.
        existing = find_plan_by_hash(db, parsed.content_hash)
        if existing is None:
            raise
        return CommitResult(existing, created=False)


def _commit(
    db: Database, parsed: ParsedPlan, actor: Actor, expect: Expectation | None
) -> CommitResult:
    with db.session() as session:
        return store_parsed(session, parsed, actor, expect)


def store_parsed(
    session: Session, parsed: ParsedPlan, actor: Actor, expect: Expectation | None
) -> CommitResult:
    """The body of :func:`commit_import` inside the caller's transaction (a pilot's plan
    is stored and linked to its pilot in one transaction); rights and the region are the
    caller's to check."""
    assert parsed.region is not None
    known = session.scalar(select(PlanSource).where(PlanSource.content_hash == parsed.content_hash))
    if known is not None:
        return CommitResult(known.plan_id, created=False, revision=known.revision)
    region = ensure_region(session, parsed.region, actor)
    # One import per region at a time (PostgreSQL): two new plans of one title cannot
    # both be created, and a revision is applied to the plan as it is.
    session.scalar(select(Region.id).where(Region.id == region.id).with_for_update())
    chain = stored_chain(region)
    target = _revision_target(session, parsed.title, region.id)
    _check_expectation(session, parsed, target, expect)
    if target is None:
        plan_id = _store_new(session, parsed, region, chain, actor)
        return CommitResult(plan_id, created=True)
    return _store_revision(session, parsed, target, chain, actor)


def _check_expectation(
    session: Session, parsed: ParsedPlan, target: Plan | None, expect: Expectation | None
) -> None:
    if expect is None:
        return
    if target is None and expect.plan_id is not None:
        raise ConflictError(
            f"预览时对照的方案（编号 {expect.plan_id}）已不存在，本次未导入；请重新预览。"
        )
    if target is not None and expect.plan_id is None:
        raise ConflictError(
            f"同名方案“{parsed.title}”刚被他人导入（编号 {target.id}），本次未导入；"
            "请重新预览，按修订版导入。"
        )
    if target is not None and (
        target.id != expect.plan_id or _current_revision(session, target.id) != expect.revision
    ):
        raise ConflictError(
            f"方案“{target.title}”（编号 {target.id}）在预览后已被他人更新，本次未导入；"
            "请重新预览，查看最新的修订对比。"
        )


def _store_new(
    session: Session, parsed: ParsedPlan, region: Region, chain: list[RegionNode], actor: Actor
) -> int:
    plan = Plan(
        title=parsed.title,
        region_id=region.id,
        kind=parsed.kind,
        source_name=parsed.source_name,
        source_format=parsed.source_format,
        content_hash=parsed.content_hash,
        imported_by=actor.name,
        start_year=parsed.start_year or dt.date.today().year,
        horizon_year=parsed.horizon_year,
    )
    session.add(plan)
    session.flush()
    session.add(_source(plan.id, 1, parsed, actor, None))
    create_periods(session, plan, actor)
    area_ids = ensure_areas(session, plan.id, parsed.areas)
    unit_id = unit_ids(
        session, [n for pt in parsed.tasks for n in (*pt.lead_units, *pt.cooperating_units)], chain
    )
    insert_tasks(
        session, plan.id, area_ids, [(t, i) for i, t in enumerate(parsed.tasks, 1)], unit_id
    )
    if parsed.warnings:
        session.execute(
            insert(PlanWarning),
            [{"plan_id": plan.id, "place": w.where, "message": w.message} for w in parsed.warnings],
        )
    audit.record(
        session,
        actor,
        "import",
        "plan",
        plan.id,
        after=f"{parsed.title}（{region.name}，{parsed.source_name}，{len(parsed.tasks)} 项任务）",
    )
    return plan.id


def _source(
    plan_id: int, revision: int, parsed: ParsedPlan, actor: Actor, summary: str | None
) -> PlanSource:
    return PlanSource(
        plan_id=plan_id,
        revision=revision,
        source_name=parsed.source_name,
        source_format=parsed.source_format,
        content_hash=parsed.content_hash,
        imported_by=actor.name,
        summary=summary,
    )


def _store_revision(
    session: Session, parsed: ParsedPlan, plan: Plan, chain: list[RegionNode], actor: Actor
) -> CommitResult:
    if plan.archived_at is not None:
        raise PlanArchived(
            f"同名方案“{plan.title}”（编号 {plan.id}）已归档，不能导入其修订版。"
            "请先恢复该方案；如要作为另一个方案导入，请先删除已归档的方案。",
            hint=f"恢复：tracker plan unarchive {plan.id}",
        )
    revision = _current_revision(session, plan.id) + 1
    diff = apply_revision(session, actor, plan, parsed, chain, revision)
    before = f"第 {revision - 1} 版（{plan.source_name}）"
    plan.source_name = parsed.source_name
    plan.source_format = parsed.source_format
    plan.content_hash = parsed.content_hash
    plan.kind = parsed.kind
    if parsed.horizon_year > plan.horizon_year:
        plan.horizon_year = parsed.horizon_year
        create_periods(session, plan, actor)
    session.add(_source(plan.id, revision, parsed, actor, diff.summary()))
    audit.record(
        session,
        actor,
        "revise_plan",
        "plan",
        plan.id,
        field="revision",
        before=before,
        after=f"第 {revision} 版（{parsed.source_name}）：{diff.summary()}",
    )
    return CommitResult(plan.id, created=False, revised=True, revision=revision, diff=diff)


# ---------------------------------------------------------------- reading


def _target_dict(t: Target) -> dict[str, Any]:
    return {
        "id": t.id,
        "year": t.year,
        "indicator": t.indicator,
        "verb": t.verb,
        "comparator": t.comparator,
        "value": t.value,
        "unit": t.measure_unit,
        "text": t.text,
        "direction": t.direction,
        "baseline_year": t.baseline_year,
    }


def _task_record(
    task: Task | Any,
    area: tuple[str, str],
    links: list[tuple[str, str]],
    targets: list[dict[str, Any]],
) -> dict[str, Any]:
    """A task as plain data: ``task`` is the ORM object or a row with the same attribute
    names, ``area`` its area's (title, code), ``links`` (role, unit label) in document
    order."""
    return {
        "id": task.id,
        "plan_id": task.plan_id,
        "area": area[0],
        "area_code": area[1],
        "code": task.code,
        "title": task.measure_title,
        "content": task.content,
        "lead_units": [name for role, name in links if role == ROLE_LEAD],
        "cooperating_units": [name for role, name in links if role == ROLE_COOPERATING],
        "targets": targets,
        "deadline": task.deadline,
        "remarks": task.remarks,
        "where": task.source_place,
        "version": task.version,
        "archived": task.archived_at is not None,
        "archived_in_revision": task.archived_in_revision,
    }


def _task_records(session: Session, ids: Any) -> list[dict[str, Any]]:
    """The tasks whose ids the select ``ids`` gives, in document order, read with three
    plain queries (tasks, their units, their targets) rather than ORM objects: a
    province's 5,000 tasks load in a fraction of a second."""
    tasks = session.execute(
        select(
            Task.id,
            Task.plan_id,
            Task.code,
            Task.measure_title,
            Task.content,
            Task.deadline,
            Task.remarks,
            Task.source_place,
            Task.version,
            Task.archived_at,
            Task.archived_in_revision,
            Area.title.label("area_title"),
            Area.code.label("area_code"),
        )
        .join(Area, Area.id == Task.area_id)
        .where(Task.id.in_(ids))
        .order_by(Task.plan_id, Task.position)
    ).all()
    raw_links = session.execute(
        select(TaskUnit.task_id, TaskUnit.role, TaskUnit.unit_id)
        .where(TaskUnit.task_id.in_(ids))
        .order_by(TaskUnit.task_id, TaskUnit.role.desc(), TaskUnit.position)
    ).all()
    labels = labels_by_id(session, (uid for _t, _r, uid in raw_links))
    links: dict[int, list[tuple[str, str]]] = {}
    for task_id, role, unit_id in raw_links:
        links.setdefault(task_id, []).append((role, labels[unit_id]))
    targets: dict[int, list[dict[str, Any]]] = {}
    for target in session.scalars(
        select(Target).where(Target.task_id.in_(ids)).order_by(Target.position)
    ):
        targets.setdefault(target.task_id, []).append(_target_dict(target))
    return [
        _task_record(
            row, (row.area_title, row.area_code), links.get(row.id, []), targets.get(row.id, [])
        )
        for row in tasks
    ]


def list_tasks(
    db: Database,
    actor: Actor,
    *,
    plan_id: int | None = None,
    unit: str | None = None,
    include_archived: bool = False,
) -> list[dict[str, Any]]:
    """Stored tasks in document order: the current tasks of the current plans, or of plan
    ``plan_id`` even when it is archived (read-only). Tasks a revision removed are left out
    unless ``include_archived``. A unit reporter sees only the tasks of their unit."""
    with db.reader() as session:
        ids = select(Task.id)
        if plan_id is not None:
            if session.get(Plan, plan_id) is None:
                raise NotFound(
                    f"没有编号为 {plan_id} 的实施方案。", hint="可用 tracker plans --all 查看。"
                )
            ids = ids.where(Task.plan_id == plan_id)
        elif not include_archived:
            ids = ids.where(Task.plan_id.in_(select(Plan.id).where(Plan.archived_at.is_(None))))
        if not include_archived:
            ids = ids.where(Task.archived_at.is_(None))
        unit_ids: list[int] = []
        if unit is not None:
            unit_ids.append(find_unit(session, unit).id)
        scope = task_scope(actor)
        if scope is not None:
            ids = ids.where(scope)
        for uid in unit_ids:
            ids = ids.where(Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id == uid)))
        return _task_records(session, ids)


def get_task(db: Database, task_id: int) -> dict[str, Any]:
    """One task as a dict (see :func:`list_tasks`)."""
    with db.reader() as session:
        found = _task_records(session, select(Task.id).where(Task.id == task_id))
        if not found:
            raise NotFound(f"没有编号为 {task_id} 的任务。")
        return found[0]


def _plan_dict(plan: Plan, tasks: int, warnings: int, revision: int) -> dict[str, Any]:
    chain = stored_chain(plan.region)
    top = chain[-1]
    return {
        "id": plan.id,
        "title": plan.title,
        "kind": plan.kind,
        "region": plan.region.name,
        "region_level": level_label(plan.region.level),
        "province": top.name if top.level == LEVEL_PROVINCE else None,
        "source": plan.source_name,
        "revision": revision,
        "imported_at": plan.imported_at.strftime("%Y-%m-%d %H:%M"),
        "imported_by": plan.imported_by,
        "task_count": tasks,
        "warning_count": warnings,
        "archived": plan.archived_at is not None,
        "archived_by": plan.archived_by,
    }


def list_plans(
    db: Database, actor: Actor, *, include_archived: bool = False
) -> list[dict[str, Any]]:
    """The current plans (every plan with ``include_archived``): region, revision, number
    of current tasks and of import warnings."""
    del actor  # every signed-in user may see the list of plans
    with db.reader() as session:
        counts = dict(
            session.execute(
                select(Task.plan_id, func.count())
                .where(Task.archived_at.is_(None))
                .group_by(Task.plan_id)
            )
            .tuples()
            .all()
        )
        wcounts = dict(
            session.execute(select(PlanWarning.plan_id, func.count()).group_by(PlanWarning.plan_id))
            .tuples()
            .all()
        )
        revisions = dict(
            session.execute(
                select(PlanSource.plan_id, func.max(PlanSource.revision)).group_by(
                    PlanSource.plan_id
                )
            )
            .tuples()
            .all()
        )
        query = select(Plan).options(selectinload(Plan.region)).order_by(Plan.id)
        if not include_archived:
            query = query.where(Plan.archived_at.is_(None))
        return [
            _plan_dict(p, counts.get(p.id, 0), wcounts.get(p.id, 0), revisions.get(p.id, 1))
            for p in session.scalars(query)
        ]


def plan_warnings(db: Database, plan_id: int) -> list[dict[str, str]]:
    """The importer's warnings kept with a plan (those of its newest revision)."""
    with db.reader() as session:
        rows = session.scalars(
            select(PlanWarning).where(PlanWarning.plan_id == plan_id).order_by(PlanWarning.id)
        )
        return [{"where": w.place, "message": w.message} for w in rows]


def plan_sources(db: Database, plan_id: int) -> list[dict[str, Any]]:
    """The source documents of a plan, revision by revision, with what each changed."""
    with db.reader() as session:
        if session.get(Plan, plan_id) is None:
            raise NotFound(f"没有编号为 {plan_id} 的实施方案。")
        rows = session.scalars(
            select(PlanSource).where(PlanSource.plan_id == plan_id).order_by(PlanSource.revision)
        )
        return [
            {
                "revision": s.revision,
                "source": s.source_name,
                "sha256": s.content_hash,
                "imported_at": format_time(s.imported_at),
                "imported_by": s.imported_by,
                "summary": s.summary,
            }
            for s in rows
        ]
