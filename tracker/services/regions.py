"""Regions in the database: the issuer of each plan, the region each unit belongs to, and
how a unit is named on screen.

The rule that puts a unit in a region is :func:`tracker.importing.regions.owner_index`
(a name that carries its owner belongs to the province, 市… to the city, 各县（区） to the
issuer). :func:`unit_label` is the one way to show a unit: its name, or ``地区·名称``
(银川市·市发展改革委) when another unit of the database has the same name; every list and
output of the program goes through it (or :func:`unit_labels`, which decides when).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.importing.regions import (
    LEVEL_PROVINCE,
    LEVELS,
    RegionSpec,
    level_label,
    owner_index,
    region_from_name,
)
from tracker.models import Plan, Region, Unit, UnitAlias, utcnow
from tracker.services import audit
from tracker.services.actor import Actor

LABEL_SEPARATOR = "·"
# What people type between region and unit: the middle dot in its several code points.
_SEPARATORS = ("·", "・", "•", "‧", "∙")


def unit_label(name: str, region: str | None) -> str:
    """How a unit is shown: ``银川市·市发展改革委`` with its region, else its bare name."""
    return f"{region}{LABEL_SEPARATOR}{name}" if region else name


def split_unit_label(text: str) -> tuple[str | None, str]:
    """The region and the name of a label typed by a person (``银川市·市发展改革委``);
    (None, text) when it names no region."""
    text = text.strip()
    for separator in _SEPARATORS:
        region, found, name = text.partition(separator)
        if found and region.strip() and name.strip():
            return region.strip(), name.strip()
    return None, text


# ---------------------------------------------------------------- chains


@dataclass(frozen=True)
class RegionNode:
    """One region of a chain (issuer first, province last); ``id`` is None for a region
    that is not stored yet (a preview of a plan from a new region)."""

    id: int | None
    name: str
    level: str


def find_region(session: Session, name: str) -> Region | None:
    """The stored region called ``name``."""
    return session.scalar(select(Region).where(Region.name == name.strip()))


def stored_chain(region: Region) -> list[RegionNode]:
    """The region and the regions above it, up to its top."""
    chain: list[RegionNode] = []
    current: Region | None = region
    while current is not None and all(node.id != current.id for node in chain):
        chain.append(RegionNode(current.id, current.name, current.level))
        current = current.parent
    return chain


def spec_chain(session: Session, spec: RegionSpec | None) -> list[RegionNode]:
    """The chain a region would have once stored: the stored one if it exists, else the
    region, its city (if named) and its province, each as stored when it is."""
    if spec is None:
        return []
    stored = find_region(session, spec.name)
    if stored is not None:
        return stored_chain(stored)
    chain = [RegionNode(None, spec.name, spec.level)]
    for name, level in ((spec.city, "city"), (spec.province, LEVEL_PROVINCE)):
        if not name or name == spec.name:
            continue
        above = find_region(session, name)
        if above is not None:
            return chain + stored_chain(above)
        chain.append(RegionNode(None, name, level))
    return chain


def owner_of(chain: Sequence[RegionNode], unit_name: str) -> RegionNode:
    """The region of ``chain`` a unit named in the issuer's plan belongs to (see
    :func:`tracker.importing.regions.owner_index`)."""
    return chain[owner_index(unit_name, [node.level for node in chain])]


# ---------------------------------------------------------------- storing regions


def insert_ignoring_conflict(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]]
) -> int:
    """INSERT … ON CONFLICT DO NOTHING; the number of rows inserted. A concurrent
    transaction that stored the same row first wins, and ours goes on with its row instead
    of failing with an IntegrityError (PostgreSQL waits for the other to commit)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(model).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).on_conflict_do_nothing()
    else:  # pragma: no cover - the program supports SQLite and PostgreSQL
        statement = insert(model)
    inserted = 0
    for row in rows:  # one by one: executemany does not report a rowcount on every driver
        inserted += session.execute(statement.values(row)).rowcount or 0  # type: ignore[attr-defined]
    return inserted


def ensure_region(session: Session, spec: RegionSpec, actor: Actor) -> Region:
    """The stored region of ``spec``, created with its province (and city) when new.

    An existing region keeps its place; naming it under another province is refused. A
    region stored without a province (it was not known then) gets the one ``spec`` names;
    the units it already has stay where they are (a coordinator can merge duplicates).
    """
    parent: Region | None = None
    if spec.province and spec.province != spec.name:
        parent = _ensure_one(session, spec.province, LEVEL_PROVINCE, None, actor)
    if spec.city and spec.city != spec.name:
        parent = _ensure_one(session, spec.city, "city", parent, actor)
    region = _ensure_one(session, spec.name, spec.level, parent, actor)
    if parent is None or region.id == parent.id:
        return region
    chain = stored_chain(region)
    top = chain[-1]
    if top.level != LEVEL_PROVINCE and region.parent_id is None:
        region.parent_id = parent.id
        session.flush()
        session.expire(region, ["parent"])
        audit.record(
            session,
            actor,
            "set_region_parent",
            "region",
            region.id,
            field="parent",
            after=parent.name,
        )
    elif spec.province and top.name != spec.province and top.level == LEVEL_PROVINCE:
        raise InvalidInput(
            f"地区“{spec.name}”已登记为属于“{top.name}”，不能再作为“{spec.province}”的地区导入。"
        )
    return region


def _ensure_one(
    session: Session, name: str, level: str, parent: Region | None, actor: Actor
) -> Region:
    found = find_region(session, name)
    if found is None:
        inserted = insert_ignoring_conflict(
            session,
            Region,
            [
                {
                    "name": name,
                    "level": level if level in LEVELS else "city",
                    "parent_id": parent.id if parent is not None else None,
                    "created_at": utcnow(),
                }
            ],
        )
        found = find_region(session, name)
        assert found is not None
        if not inserted:
            return found
        audit.record(
            session,
            actor,
            "add_region",
            "region",
            found.id,
            after=f"{name}（{level_label(found.level)}{'，属于' + parent.name if parent else ''}）",
        )
    return found


# ---------------------------------------------------------------- aliases in a region


def aliases_in(session: Session, chain: Sequence[RegionNode]) -> dict[str, str]:
    """The stored aliases that apply to a plan of ``chain``'s issuer: those of its region
    and of the regions above it (the nearer region wins), alias → the unit they name.

    A unit is named by its plain name when the importer would place that name in the unit's
    region anyway, else by its label (an alias that leads into another region).
    """
    ids = [node.id for node in chain if node.id is not None]
    if not ids:
        return {}
    rows = list(
        session.execute(
            select(UnitAlias.alias, UnitAlias.region_id, Unit.name, Unit.region_id, Region.name)
            .join(Unit, Unit.id == UnitAlias.unit_id)
            .join(Region, Region.id == Unit.region_id)
            .where(UnitAlias.region_id.in_(ids))
        ).tuples()
    )
    nearness = {rid: i for i, rid in enumerate(ids)}
    rows.sort(key=lambda row: -nearness[row[1]])  # farthest first: nearer ones overwrite
    found: dict[str, str] = {}
    for alias, _alias_region, name, unit_region, region_name in rows:
        natural = owner_of(chain, name)
        found[alias] = name if natural.id == unit_region else unit_label(name, region_name)
    return found


# ---------------------------------------------------------------- labels


def shared_names(session: Session, names: Iterable[str] | None = None) -> set[str]:
    """The unit names (of ``names``, default all) that more than one unit has."""
    query = select(Unit.name).group_by(Unit.name).having(func.count() > 1)
    if names is not None:
        wanted = list(set(names))
        if not wanted:
            return set()
        query = query.where(Unit.name.in_(wanted))
    return set(session.scalars(query))


def unit_labels(session: Session, units: Iterable[Unit]) -> dict[int, str]:
    """unit id → :func:`unit_label`, with the region only where the name is shared."""
    units = list(units)
    shared = shared_names(session, (u.name for u in units))
    return {u.id: unit_label(u.name, u.region.name if u.name in shared else None) for u in units}


def labels_by_id(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    """unit id → label (see :func:`unit_labels`) for units given by id."""
    ids = list(set(unit_ids))
    if not ids:
        return {}
    units = session.scalars(select(Unit).where(Unit.id.in_(ids))).all()
    return unit_labels(session, units)


# ---------------------------------------------------------------- reading


def region_dict(region: Region) -> dict[str, Any]:
    """A stored region as plain data: name, level, province and parent."""
    chain = stored_chain(region)
    top = chain[-1]
    return {
        "id": region.id,
        "name": region.name,
        "level": region.level,
        "level_label": level_label(region.level),
        "parent": chain[1].name if len(chain) > 1 else None,
        "province": top.name if top.level == LEVEL_PROVINCE else None,
    }


def list_regions(db: Database) -> list[dict[str, Any]]:
    """Every stored region (see :func:`region_dict`) with its numbers of units and of
    current plans, grouped by province."""
    with db.reader() as session:
        units = dict(
            session.execute(select(Unit.region_id, func.count()).group_by(Unit.region_id))
            .tuples()
            .all()
        )
        plans = dict(
            session.execute(
                select(Plan.region_id, func.count())
                .where(Plan.archived_at.is_(None))
                .group_by(Plan.region_id)
            )
            .tuples()
            .all()
        )
        regions = session.scalars(select(Region).order_by(Region.id)).all()
        rows = [
            {**region_dict(r), "unit_count": units.get(r.id, 0), "plan_count": plans.get(r.id, 0)}
            for r in regions
        ]
    order = {level: i for i, level in enumerate(LEVELS)}
    return sorted(
        rows, key=lambda r: (r["province"] or r["name"], order.get(r["level"], 9), r["id"])
    )


def describe_region(db: Database, name: str, province: str | None = None) -> RegionSpec:
    """The region a person named: as stored when it is (its province from the database),
    else read like a title (:func:`tracker.importing.regions.region_from_name`)."""
    name = name.strip()
    if not name:
        raise InvalidInput("地区名称不能为空。")
    with db.reader() as session:
        stored = find_region(session, name)
        if stored is not None:
            chain = stored_chain(stored)
            top = chain[-1]
            province_name = top.name if top.level == LEVEL_PROVINCE else None
            city = next((n.name for n in chain[1:] if n.level == "city"), None)
            spec = RegionSpec(stored.name, stored.level, province=province_name, city=city)
            if province and province_name and province.strip() != province_name:
                raise InvalidInput(
                    f"地区“{name}”已登记为属于“{province_name}”，不能改为“{province}”。"
                )
            if province and province_name is None:
                return RegionSpec(spec.name, spec.level, province=province.strip(), city=city)
            return spec
    given = province.strip() if province else None
    spec = region_from_name(name, province=given)
    if given and spec.province and region_from_name(given).name != spec.province:
        raise InvalidInput(f"地区“{spec.name}”属于“{spec.province}”，不是“{given}”。")
    return spec
