"""Units (单位) and their aliases (别名), region by region.

A unit belongs to one region (银川市's 市发展改革委 is not 广元市's); an alias is kept in the
region of the unit it names and applies to the plans of that region and the regions below
it, so that an alias added for 银川市 changes nothing in 广元市. Each function opens its own
transaction and returns plain data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PlanArchived
from tracker.importing.regions import level_label
from tracker.models import (
    ROLE_LEAD,
    Plan,
    ProgressReport,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    User,
)
from tracker.services import audit
from tracker.services.access import find_unit
from tracker.services.actor import Actor
from tracker.services.regions import find_region, unit_labels


def list_units(db: Database, region: str | None = None) -> list[dict[str, Any]]:
    """Every unit (of ``region`` only, when given) with its region, label, aliases and the
    number of current tasks it leads or cooperates on."""
    with db.reader() as session:
        counts: dict[int, int] = {
            uid: n
            for uid, n in session.execute(
                select(TaskUnit.unit_id, func.count())
                .join(Task, Task.id == TaskUnit.task_id)
                .where(Task.archived_at.is_(None))
                .group_by(TaskUnit.unit_id)
            )
        }
        query = (
            select(Unit)
            .options(selectinload(Unit.aliases), selectinload(Unit.region))
            .order_by(Unit.name, Unit.region_id)
        )
        if region is not None:
            found = find_region(session, region)
            if found is None:
                raise NotFound(f"没有名为“{region}”的地区。", hint="可用 tracker regions 查看。")
            query = query.where(Unit.region_id == found.id)
        units = session.scalars(query).all()
        labels = unit_labels(session, units)
        return [
            {
                "id": u.id,
                "name": u.name,
                "label": labels[u.id],
                "region": u.region.name,
                "region_level": level_label(u.region.level),
                "aliases": sorted(a.alias for a in u.aliases),
                "task_count": counts.get(u.id, 0),
            }
            for u in units
        ]


def add_alias(db: Database, actor: Actor, alias: str, unit_name: str) -> None:
    """Record that ``alias`` names the unit ``unit_name`` (a name or a label such as
    ``银川市·市发展改革委``) in that unit's region; later imports of that region use it."""
    actor.require_coordinator("维护单位别名")
    alias = alias.strip()
    if not alias:
        raise InvalidInput("别名不能为空。")
    with db.session() as session:
        unit = find_unit(session, unit_name)
        where = unit.region.name
        if alias == unit.name:
            raise InvalidInput(f"“{alias}”就是该单位的名称，无需添加别名。")
        taken = session.scalar(
            select(UnitAlias).where(UnitAlias.region_id == unit.region_id, UnitAlias.alias == alias)
        )
        if taken is not None:
            raise InvalidInput(f"别名“{alias}”在{where}已存在（指向“{taken.unit.name}”）。")
        other = session.scalar(
            select(Unit).where(Unit.region_id == unit.region_id, Unit.name == alias)
        )
        if other is not None:
            raise InvalidInput(
                f"“{alias}”本身是{where}的一个已有单位；如两者是同一单位，请把它们合并。",
                hint="合并单位：tracker unit merge",
            )
        session.add(UnitAlias(alias=alias, unit_id=unit.id, region_id=unit.region_id))
        audit.record(
            session, actor, "add_alias", "unit", unit.id, field="alias", after=f"{where}：{alias}"
        )


def _refuse_archived(session: Session, unit: Unit, label: str) -> None:
    archived = session.execute(
        select(Plan.id, Plan.title)
        .join(Task, Task.plan_id == Plan.id)
        .join(TaskUnit, TaskUnit.task_id == Task.id)
        .where(TaskUnit.unit_id == unit.id, Plan.archived_at.is_not(None))
        .limit(1)
    ).first()
    if archived is not None:
        raise PlanArchived(
            f"单位“{label}”出现在已归档的实施方案“{archived[1]}”（编号 {archived[0]}）中，"
            "合并会改动该方案。请先恢复该方案。",
            hint=f"恢复：tracker plan unarchive {archived[0]}",
        )


def merge_units(db: Database, actor: Actor, source_name: str, target_name: str) -> None:
    """Merge unit ``source`` into ``target``: its task roles, reports, users and aliases move,
    and its name becomes an alias of the target in the source's region."""
    actor.require_coordinator("合并单位")
    with db.session() as session:
        source = find_unit(session, source_name)
        target = find_unit(session, target_name)
        if source.id == target.id:
            raise InvalidInput(f"“{source_name}”与“{target_name}”已是同一单位。")
        labels = unit_labels(session, [source, target])
        before, after = labels[source.id], labels[target.id]
        _refuse_archived(session, source, before)
        _move_task_links(session, actor, source, target, before, after)
        _move_reports(session, actor, source, target, before, after)
        for user in session.scalars(select(User).where(User.unit_id == source.id)):
            user.unit_id = target.id
            audit.record(
                session,
                actor,
                "merge_unit",
                "user",
                user.id,
                field="unit",
                before=before,
                after=after,
            )
        _move_aliases(session, source, target)
        session.delete(source)
        audit.record(session, actor, "merge_unit", "unit", target.id, before=before, after=after)


def _move_task_links(
    session: Session, actor: Actor, source: Unit, target: Unit, before: str, after: str
) -> None:
    target_tasks = {
        link.task_id: link
        for link in session.scalars(select(TaskUnit).where(TaskUnit.unit_id == target.id))
    }
    for link in list(session.scalars(select(TaskUnit).where(TaskUnit.unit_id == source.id))):
        kept = target_tasks.get(link.task_id)
        if kept is None:
            session.add(
                TaskUnit(
                    task_id=link.task_id, unit_id=target.id, role=link.role, position=link.position
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
            before=before,
            after=after,
        )
    session.flush()


def _move_reports(
    session: Session, actor: Actor, source: Unit, target: Unit, before: str, after: str
) -> None:
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
            before=before,
            after=after,
        )


def _move_aliases(session: Session, source: Unit, target: Unit) -> None:
    """The source's aliases (each in its region) and its name (in its region) go to the
    target; an alias the target already has in that region is not doubled."""
    present = {(a.region_id, a.alias) for a in target.aliases}
    for alias in list(source.aliases):
        source.aliases.remove(alias)
        if (alias.region_id, alias.alias) in present:
            session.delete(alias)
            continue
        target.aliases.append(alias)  # through the relationship, so that deleting the
        # source does not cascade to the aliases it had
        present.add((alias.region_id, alias.alias))
    if (source.region_id, source.name) not in present:
        target.aliases.append(UnitAlias(alias=source.name, region_id=source.region_id))
