"""Plan services: preview and commit an import, list plans and tasks, manage units.

Used by the CLI and the UI alike; each function opens its own transaction and returns
plain data (dicts, dataclasses), never ORM objects.
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
from tracker.errors import InvalidInput, NotFound
from tracker.importing.result import ParsedPlan
from tracker.models import (
    ROLE_COOPERATING,
    ROLE_LEAD,
    Area,
    Base,
    Plan,
    PlanWarning,
    ProgressReport,
    Target,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    User,
)
from tracker.services import audit
from tracker.services.access import find_unit
from tracker.services.actor import Actor
from tracker.services.periods import create_periods

Progress = Callable[[int, int], None]


def user_aliases(session: Session) -> dict[str, str]:
    """Every alias stored in the database: alias → canonical unit name."""
    rows = session.execute(select(UnitAlias.alias, Unit.name).join(Unit)).all()
    return {alias: name for alias, name in rows}


def preview_import(db: Database, path: str | Path, progress: Progress | None = None) -> ParsedPlan:
    """Read and parse a plan document without storing anything (the preview)."""
    # Imported here: the readers (Word, Excel, fuzzy matching) are not needed to start.
    from tracker.importing.importer import parse_plan

    with db.reader() as session:
        aliases = user_aliases(session)
    return parse_plan(Path(path), aliases=aliases, progress=progress)


def canonical_task_units(
    db: Database, lead_text: str, cooperating_text: str
) -> tuple[list[str], list[str]]:
    """The canonical lead and cooperating units of two lists typed by a person, read as the
    importer reads an annotation: the cooperating list after the lead list, so that a bare
    name takes the level of the units before it (市发改委 / 工信局 → 市工业和信息化局), with the
    stored aliases. Each list is de-duplicated; a unit typed in both lists stays in both,
    so that the caller can say so."""
    from tracker.importing.units import UnitResolver, split_unit_list

    with db.reader() as session:
        aliases = user_aliases(session)
    leads, coops = split_unit_list(lead_text), split_unit_list(cooperating_text)
    resolved = UnitResolver(aliases).resolve([*leads, *coops])
    return list(dict.fromkeys(resolved[: len(leads)])), list(dict.fromkeys(resolved[len(leads) :]))


@dataclass(frozen=True)
class CommitResult:
    """What a commit did: the plan's id, and whether it was new or already imported."""

    plan_id: int
    created: bool


def find_plan_by_hash(db: Database, content_hash: str) -> int | None:
    """The id of the plan imported from a file with this SHA-256, if any."""
    with db.reader() as session:
        return session.scalar(select(Plan.id).where(Plan.content_hash == content_hash))


def _insert_returning_ids(
    session: Session, model: type[Base], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows in one statement; their new ids in the order of ``rows``."""
    if not rows:
        return []
    result = session.execute(
        insert(model).returning(model.__table__.c.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def _unit_ids(session: Session, names: list[str]) -> dict[str, int]:
    """The unit id of every name (canonical name or alias), creating the units not yet known."""
    wanted = list(dict.fromkeys(names))
    found: dict[str, int] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        found.update(
            session.execute(select(Unit.name, Unit.id).where(Unit.name.in_(part))).tuples().all()
        )
        found.update(
            session.execute(
                select(UnitAlias.alias, UnitAlias.unit_id).where(UnitAlias.alias.in_(part))
            )
            .tuples()
            .all()
        )
    missing = [n for n in wanted if n not in found]
    found.update(
        zip(
            missing,
            _insert_returning_ids(session, Unit, [{"name": n} for n in missing]),
            strict=True,
        )
    )
    return found


def commit_import(db: Database, parsed: ParsedPlan, actor: Actor) -> CommitResult:
    """Store a previewed plan in one transaction; a document already imported is not
    duplicated (recognised by its content hash)."""
    actor.require_coordinator("导入实施方案")
    try:
        return _store_plan(db, parsed, actor)
    except IntegrityError:
        # Someone else stored the same document at the same moment (PostgreSQL lets both
        # transactions run): theirs stands, ours was rolled back whole.
        existing = find_plan_by_hash(db, parsed.content_hash)
        if existing is None:
            raise
        return CommitResult(existing, created=False)


def _store_plan(db: Database, parsed: ParsedPlan, actor: Actor) -> CommitResult:
    with db.session() as session:
        existing = session.scalar(select(Plan.id).where(Plan.content_hash == parsed.content_hash))
        if existing is not None:
            return CommitResult(existing, created=False)
        plan = Plan(
            title=parsed.title,
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
        create_periods(session, plan, actor)
        # Bulk inserts (one statement per table): a province-size plan stores in well
        # under a second instead of paying the ORM's per-object bookkeeping.
        area_ids = _insert_returning_ids(
            session,
            Area,
            [
                {"plan_id": plan.id, "code": code, "title": title, "position": position}
                for position, (code, title) in enumerate(parsed.areas, 1)
            ],
        )
        area_id = dict(zip(parsed.areas, area_ids, strict=True))
        unit_id = _unit_ids(
            session, [n for pt in parsed.tasks for n in (*pt.lead_units, *pt.cooperating_units)]
        )
        task_ids = _insert_returning_ids(
            session,
            Task,
            [
                {
                    "plan_id": plan.id,
                    "area_id": area_id[(pt.area_code, pt.area_title)],
                    "code": pt.code,
                    "measure_title": pt.title,
                    "content": pt.content,
                    "deadline": pt.deadline,
                    "remarks": pt.remarks,
                    "source_place": pt.where,
                    "position": position,
                    "version": 1,
                }
                for position, pt in enumerate(parsed.tasks, 1)
            ],
        )
        links: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        for task_id, pt in zip(task_ids, parsed.tasks, strict=True):
            seen: set[int] = set()
            position = 0
            for role, names in (
                (ROLE_LEAD, pt.lead_units),
                (ROLE_COOPERATING, pt.cooperating_units),
            ):
                for name in names:
                    uid = unit_id[name]
                    if uid in seen:
                        continue
                    seen.add(uid)
                    position += 1
                    links.append(
                        {"task_id": task_id, "unit_id": uid, "role": role, "position": position}
                    )
            targets.extend(
                {
                    "task_id": task_id,
                    "year": t.year,
                    "indicator": t.indicator,
                    "verb": t.verb,
                    "comparator": t.comparator,
                    "value": t.value,
                    "measure_unit": t.unit,
                    "text": t.text,
                    "position": i,
                }
                for i, t in enumerate(pt.targets, 1)
            )
        if links:
            session.execute(insert(TaskUnit), links)
        if targets:
            session.execute(insert(Target), targets)
        if parsed.warnings:
            session.execute(
                insert(PlanWarning),
                [
                    {"plan_id": plan.id, "place": w.where, "message": w.message}
                    for w in parsed.warnings
                ],
            )
        audit.record(
            session,
            actor,
            "import",
            "plan",
            plan.id,
            after=f"{parsed.title}（{parsed.source_name}，{len(parsed.tasks)} 项任务）",
        )
        return CommitResult(plan.id, created=True)


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
    }


def _task_record(
    task: Task | Any,
    area: tuple[str, str],
    links: list[tuple[str, str]],
    targets: list[dict[str, Any]],
) -> dict[str, Any]:
    """A task as plain data: ``task`` is the ORM object or a row with the same attribute
    names, ``area`` its area's (title, code), ``links`` (role, unit name) in document
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
    }


def _task_dict(task: Task) -> dict[str, Any]:
    links = [(link.role, link.unit.name) for link in task.unit_links]
    area = (task.area.title, task.area.code)
    return _task_record(task, area, links, [_target_dict(t) for t in task.targets])


def list_tasks(
    db: Database, actor: Actor, *, plan_id: int | None = None, unit: str | None = None
) -> list[dict[str, Any]]:
    """Stored tasks in document order. A unit reporter sees only the tasks of their unit.

    Read with three plain queries (tasks, their units, their targets) rather than ORM
    objects: a province's 5,000 tasks load in a fraction of a second.
    """
    with db.reader() as session:
        ids = select(Task.id)
        if plan_id is not None:
            if session.get(Plan, plan_id) is None:
                raise NotFound(f"没有编号为 {plan_id} 的实施方案。")
            ids = ids.where(Task.plan_id == plan_id)
        unit_ids: list[int] = []
        if unit is not None:
            unit_ids.append(find_unit(session, unit).id)
        if not actor.is_coordinator:
            if actor.unit_id is None:
                return []
            unit_ids.append(actor.unit_id)
        for uid in unit_ids:
            ids = ids.where(Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id == uid)))
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
                Area.title.label("area_title"),
                Area.code.label("area_code"),
            )
            .join(Area, Area.id == Task.area_id)
            .where(Task.id.in_(ids))
            .order_by(Task.plan_id, Task.position)
        ).all()
        links: dict[int, list[tuple[str, str]]] = {}
        for task_id, role, name in session.execute(
            select(TaskUnit.task_id, TaskUnit.role, Unit.name)
            .join(Unit, Unit.id == TaskUnit.unit_id)
            .where(TaskUnit.task_id.in_(ids))
            .order_by(TaskUnit.task_id, TaskUnit.role.desc(), TaskUnit.position)
        ):
            links.setdefault(task_id, []).append((role, name))
        targets: dict[int, list[dict[str, Any]]] = {}
        for target in session.scalars(
            select(Target).where(Target.task_id.in_(ids)).order_by(Target.position)
        ):
            targets.setdefault(target.task_id, []).append(_target_dict(target))
        return [
            _task_record(
                row,
                (row.area_title, row.area_code),
                links.get(row.id, []),
                targets.get(row.id, []),
            )
            for row in tasks
        ]


def get_task(db: Database, task_id: int) -> dict[str, Any]:
    """One task as a dict (see :func:`list_tasks`)."""
    with db.reader() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFound(f"没有编号为 {task_id} 的任务。")
        return _task_dict(task)


def list_plans(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Every imported plan with its task count and warnings count."""
    del actor  # every signed-in user may see the list of plans
    with db.reader() as session:
        counts: dict[int, int] = {
            pid: n
            for pid, n in session.execute(select(Task.plan_id, func.count()).group_by(Task.plan_id))
        }
        wcounts: dict[int, int] = {
            pid: n
            for pid, n in session.execute(
                select(PlanWarning.plan_id, func.count()).group_by(PlanWarning.plan_id)
            )
        }
        return [
            {
                "id": p.id,
                "title": p.title,
                "kind": p.kind,
                "source": p.source_name,
                "imported_at": p.imported_at.strftime("%Y-%m-%d %H:%M"),
                "imported_by": p.imported_by,
                "task_count": counts.get(p.id, 0),
                "warning_count": wcounts.get(p.id, 0),
            }
            for p in session.scalars(select(Plan).order_by(Plan.id))
        ]


def plan_warnings(db: Database, plan_id: int) -> list[dict[str, str]]:
    """The importer's warnings kept with a plan."""
    with db.reader() as session:
        rows = session.scalars(
            select(PlanWarning).where(PlanWarning.plan_id == plan_id).order_by(PlanWarning.id)
        )
        return [{"where": w.place, "message": w.message} for w in rows]


# ---------------------------------------------------------------- units


def list_units(db: Database) -> list[dict[str, Any]]:
    """Every unit with its aliases and the number of tasks it leads or cooperates on."""
    with db.reader() as session:
        counts: dict[int, int] = {
            uid: n
            for uid, n in session.execute(
                select(TaskUnit.unit_id, func.count()).group_by(TaskUnit.unit_id)
            )
        }
        units = session.scalars(
            select(Unit).options(selectinload(Unit.aliases)).order_by(Unit.name)
        )
        return [
            {
                "id": u.id,
                "name": u.name,
                "aliases": sorted(a.alias for a in u.aliases),
                "task_count": counts.get(u.id, 0),
            }
            for u in units
        ]


def add_alias(db: Database, actor: Actor, alias: str, unit_name: str) -> None:
    """Record that ``alias`` names the unit ``unit_name``; later imports use it."""
    actor.require_coordinator("维护单位别名")
    alias = alias.strip()
    if not alias:
        raise InvalidInput("别名不能为空。")
    with db.session() as session:
        unit = find_unit(session, unit_name)
        if session.scalar(select(UnitAlias).where(UnitAlias.alias == alias)) is not None:
            raise InvalidInput(f"别名“{alias}”已存在。")
        other = session.scalar(select(Unit).where(Unit.name == alias))
        if other is not None and other.id != unit.id:
            raise InvalidInput(
                f"“{alias}”本身是一个已有单位；如两者是同一单位，请用 `tracker unit merge` 合并。"
            )
        session.add(UnitAlias(alias=alias, unit_id=unit.id))
        audit.record(session, actor, "add_alias", "unit", unit.id, field="alias", after=alias)


def merge_units(db: Database, actor: Actor, source_name: str, target_name: str) -> None:
    """Merge unit ``source`` into ``target``: its task roles, reports, users and aliases move,
    and its name becomes an alias of the target."""
    actor.require_coordinator("合并单位")
    with db.session() as session:
        source = find_unit(session, source_name)
        target = find_unit(session, target_name)
        if source.id == target.id:
            raise InvalidInput(f"“{source_name}”与“{target_name}”已是同一单位。")
        target_tasks = {
            link.task_id: link
            for link in session.scalars(select(TaskUnit).where(TaskUnit.unit_id == target.id))
        }
        for link in list(session.scalars(select(TaskUnit).where(TaskUnit.unit_id == source.id))):
            kept = target_tasks.get(link.task_id)
            if kept is None:
                session.add(
                    TaskUnit(
                        task_id=link.task_id,
                        unit_id=target.id,
                        role=link.role,
                        position=link.position,
                    )
                )
            elif link.role == ROLE_LEAD and kept.role != ROLE_LEAD:
                kept.role = ROLE_LEAD
            session.delete(link)
            audit.record(
                session,
                actor,
                "merge_unit",
                "task",
                link.task_id,
                task_id=link.task_id,
                field="unit",
                before=source.name,
                after=target.name,
            )
        session.flush()
        for report in session.scalars(
            select(ProgressReport).where(ProgressReport.unit_id == source.id)
        ):
            clash = session.scalar(
                select(ProgressReport.id).where(
                    ProgressReport.unit_id == target.id,
                    ProgressReport.task_id == report.task_id,
                    ProgressReport.period_id == report.period_id,
                )
            )
            if clash is not None:
                raise InvalidInput(
                    f"无法合并：两个单位对同一任务（编号 {report.task_id}）同一报告期都有填报，"
                    "请先处理其中一份。"
                )
            report.unit_id = target.id
            audit.record(
                session,
                actor,
                "merge_unit",
                "report",
                report.id,
                task_id=report.task_id,
                field="unit",
                before=source.name,
                after=target.name,
            )
        for user in session.scalars(select(User).where(User.unit_id == source.id)):
            user.unit_id = target.id
        for alias in list(source.aliases):
            target.aliases.append(alias)  # through the relationship, so that deleting the
            # source does not cascade to the aliases it had
        target.aliases.append(UnitAlias(alias=source.name))
        old_name = source.name
        session.delete(source)
        audit.record(
            session, actor, "merge_unit", "unit", target.id, before=old_name, after=target.name
        )
