"""Writing a plan's parts: areas, tasks with their units and targets, in bulk.

Shared by the first import of a plan (:mod:`tracker.services.plans`) and by a revision
(:mod:`tracker.services.revisions`); everything runs inside the caller's transaction.
Bulk inserts (one statement per table) keep a province-size plan well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from tracker.importing.result import ParsedTask, TargetSpec
from tracker.models import (
    ROLE_COOPERATING,
    ROLE_LEAD,
    Area,
    Base,
    Target,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    utcnow,
)
from tracker.services.regions import (
    RegionNode,
    find_region,
    insert_ignoring_conflict,
    owner_of,
    split_unit_label,
)

AreaKey = tuple[str, str]


def insert_returning_ids(
    session: Session, model: type[Base], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows in one statement; their new ids in the order of ``rows``."""
    if not rows:
        return []
    result = session.execute(
        insert(model).returning(model.__table__.c.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def _place(session: Session, chain: Sequence[RegionNode], name: str) -> tuple[int, str]:
    """(region id, bare name) where a unit named in the issuer's plan lives: the region a
    label names (``宁夏回族自治区·宁东管委会``, from an alias into another region), else the
    region of the chain the name belongs to."""
    region_name, bare = split_unit_label(name)
    if region_name is not None:
        region = find_region(session, region_name)
        if region is not None:
            return region.id, bare
    owner = owner_of(chain, name)
    assert owner.id is not None, "the chain of a plan being stored is stored"
    return owner.id, name


def unit_ids(session: Session, names: Sequence[str], chain: Sequence[RegionNode]) -> dict[str, int]:
    """The unit id of every name of a plan issued by ``chain[0]``: the unit of that name
    in its region, or the unit a stored alias of the chain names, or a new unit.

    New units are inserted with ON CONFLICT DO NOTHING, so that two imports creating the
    same unit at once both end up with the one unit (no IntegrityError).
    """
    wanted = list(dict.fromkeys(n for n in names if n))
    places = {name: _place(session, chain, name) for name in wanted}
    keys = list(set(places.values()))
    found: dict[tuple[int, str], int] = {}
    for chunk in range(0, len(keys), 400):
        part = keys[chunk : chunk + 400]
        found.update(
            {
                (rid, name): uid
                for uid, rid, name in session.execute(
                    select(Unit.id, Unit.region_id, Unit.name).where(
                        tuple_(Unit.region_id, Unit.name).in_(part)
                    )
                )
            }
        )
    chain_ids = [node.id for node in chain if node.id is not None]
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(_by_alias(session, missing, chain_ids))
    missing = [key for key in keys if key not in found]
    if missing:
        now = utcnow()
        insert_ignoring_conflict(
            session,
            Unit,
            [{"region_id": rid, "name": name, "created_at": now} for rid, name in missing],
        )
        found.update(
            {
                (rid, name): uid
                for uid, rid, name in session.execute(
                    select(Unit.id, Unit.region_id, Unit.name).where(
                        tuple_(Unit.region_id, Unit.name).in_(missing)
                    )
                )
            }
        )
    return {name: found[places[name]] for name in wanted}


def _by_alias(
    session: Session, keys: list[tuple[int, str]], chain_ids: list[int]
) -> dict[tuple[int, str], int]:
    """Units that a stored alias of the chain's regions names (nearest region first)."""
    names = {name for _, name in keys}
    rows = session.execute(
        select(UnitAlias.alias, UnitAlias.region_id, UnitAlias.unit_id).where(
            UnitAlias.alias.in_(names), UnitAlias.region_id.in_(chain_ids)
        )
    ).all()
    nearness = {rid: i for i, rid in enumerate(chain_ids)}
    best: dict[str, tuple[int, int]] = {}
    for alias, region_id, unit_id in rows:
        rank = nearness[region_id]
        if alias not in best or rank < best[alias][0]:
            best[alias] = (rank, unit_id)
    return {(rid, name): best[name][1] for rid, name in keys if name in best}


def ensure_areas(session: Session, plan_id: int, areas: Sequence[AreaKey]) -> dict[AreaKey, int]:
    """The area id of every (code, title) of the plan, creating the missing ones; the
    positions follow ``areas`` (the areas of the newest revision), older ones after."""
    existing = {
        (a.code, a.title): a for a in session.scalars(select(Area).where(Area.plan_id == plan_id))
    }
    ids: dict[AreaKey, int] = {}
    new_rows: list[dict[str, Any]] = []
    new_keys: list[AreaKey] = []
    for position, key in enumerate(areas, 1):
        area = existing.get(key)
        if area is not None:
            area.position = position
            ids[key] = area.id
        else:
            new_rows.append(
                {"plan_id": plan_id, "code": key[0], "title": key[1], "position": position}
            )
            new_keys.append(key)
    for offset, area in enumerate(a for k, a in existing.items() if k not in ids):
        area.position = len(areas) + 1 + offset
    ids.update(zip(new_keys, insert_returning_ids(session, Area, new_rows), strict=True))
    return ids


def task_row(plan_id: int, area_id: int, task: ParsedTask, position: int) -> dict[str, Any]:
    """The columns of a new task."""
    return {
        "plan_id": plan_id,
        "area_id": area_id,
        "code": task.code,
        "measure_title": task.title,
        "content": task.content,
        "deadline": task.deadline,
        "remarks": task.remarks,
        "source_place": task.where,
        "position": position,
        "version": 1,
    }


def link_rows(task_id: int, task: ParsedTask, unit_id: dict[str, int]) -> list[dict[str, Any]]:
    """The unit links of a task: leads then cooperating units, each unit once."""
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for role, names in ((ROLE_LEAD, task.lead_units), (ROLE_COOPERATING, task.cooperating_units)):
        for name in names:
            uid = unit_id[name]
            if uid in seen:
                continue
            seen.add(uid)
            rows.append(
                {"task_id": task_id, "unit_id": uid, "role": role, "position": len(rows) + 1}
            )
    return rows


def target_row(task_id: int, target: TargetSpec, position: int) -> dict[str, Any]:
    """The columns of a new target."""
    return {
        "task_id": task_id,
        "year": target.year,
        "indicator": target.indicator,
        "verb": target.verb,
        "comparator": target.comparator,
        "value": target.value,
        "measure_unit": target.unit,
        "text": target.text,
        "direction": target.direction,
        "baseline_year": target.baseline_year,
        "position": position,
    }


def insert_tasks(
    session: Session,
    plan_id: int,
    area_ids: dict[AreaKey, int],
    tasks: Sequence[tuple[ParsedTask, int]],
    unit_id: dict[str, int],
) -> list[int]:
    """Insert tasks (each with its position) with their unit links and targets; their ids."""
    task_ids = insert_returning_ids(
        session,
        Task,
        [
            task_row(plan_id, area_ids[(t.area_code, t.area_title)], t, position)
            for t, position in tasks
        ],
    )
    links: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for task_id, (task, _) in zip(task_ids, tasks, strict=True):
        links.extend(link_rows(task_id, task, unit_id))
        targets.extend(target_row(task_id, t, i) for i, t in enumerate(task.targets, 1))
    if links:
        session.execute(insert(TaskUnit), links)
    if targets:
        session.execute(insert(Target), targets)
    return task_ids
