"""Pilots (试点): add, change, list; the quota per type.

A pilot has a type (the six of the 试点建设方案: 城市、园区、乡村、社区、公共机构、企业), its body
(试点主体) — stored also as a unit of that name in the pilot's region, so that the tasks of
its plan can name it as their lead — the city DRC that supervises it (a unit such as
银川市·市发展改革委 or 宁东经发局), an approval date and a status (建设中、已完成、已撤销).

The scheme sets how many pilots of each type there are (1 城市, 3 园区, 3 乡村, 2 社区,
2 公共机构, 5 企业); the defaults are in ``resources/pilots.json``, a coordinator can change
them per database (:func:`set_quota`). More pilots of a type than its quota is a warning
returned with the result, never a refusal.

Only a coordinator (the regional DRC) adds pilots and changes their type, name,
supervisor, approval date or status; every change is audited and versioned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound
from tracker.importing.regions import LEVEL_PROVINCE
from tracker.models import (
    Experience,
    Pilot,
    PilotQuota,
    Plan,
    Project,
    Region,
    Task,
    Unit,
    UnitAlias,
    utcnow,
)
from tracker.services import audit, inputs
from tracker.services.access import format_time
from tracker.services.actor import Actor
from tracker.services.pilot_access import (
    STATUS_REVOKED,
    find_pilot,
    pilot_label,
    pilot_scope,
    require_region_visible,
    require_visible,
)
from tracker.services.pilot_terms import terms
from tracker.services.regions import (
    describe_region,
    ensure_region,
    find_region,
    insert_ignoring_conflict,
    labels_by_id,
    split_unit_label,
    stored_chain,
)
from tracker.services.versions import check_version, flush_or_conflict

MAX_NAME = 200
MAX_QUOTA = 1000


# ---------------------------------------------------------------- reading


def pilot_dict(session: Session, pilot: Pilot) -> dict[str, Any]:
    """A pilot as plain data (what the CLI prints and the UI shows)."""
    words = terms()
    labels = labels_by_id(session, [pilot.body_unit_id, pilot.supervisor_unit_id])
    plan = session.get(Plan, pilot.plan_id) if pilot.plan_id is not None else None
    return {
        "id": pilot.id,
        "type": pilot.pilot_type,
        "type_label": words.types.name(pilot.pilot_type),
        "name": pilot.name,
        "region_id": pilot.region_id,
        "region": pilot.region.name,
        "body_unit_id": pilot.body_unit_id,
        "body_unit": labels[pilot.body_unit_id],
        "supervisor_unit_id": pilot.supervisor_unit_id,
        "supervisor": labels[pilot.supervisor_unit_id],
        "approved_on": pilot.approved_on.isoformat() if pilot.approved_on else None,
        "status": pilot.status,
        "status_label": words.statuses.name(pilot.status),
        "plan_id": pilot.plan_id,
        "plan_title": plan.title if plan is not None else None,
        "created_at": format_time(pilot.created_at),
        "created_by": pilot.created_by,
        "updated_at": format_time(pilot.updated_at),
        "updated_by": pilot.updated_by,
        "version": pilot.version,
    }


def _counts(session: Session, column: Any, key: Any, ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(key, func.count(column)).where(key.in_(ids)).group_by(key))
    return {k: int(n) for k, n in rows.tuples()}


def list_pilots(
    db: Database, actor: Actor, *, pilot_type: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """The pilots ``actor`` may see (all for a coordinator, its region's for a city DRC, its
    own for a pilot body), in the order of the types, each with its numbers of current
    tasks, projects and experience records."""
    require_region_visible(actor, "查看试点")
    words = terms()
    type_key = words.types.key_of(pilot_type) if pilot_type else None
    status_key = words.statuses.key_of(status) if status else None
    with db.reader() as session:
        query = select(Pilot)
        scope = pilot_scope(actor)
        if scope is not None:
            query = query.where(scope)
        if type_key:
            query = query.where(Pilot.pilot_type == type_key)
        if status_key:
            query = query.where(Pilot.status == status_key)
        pilots = list(session.scalars(query))
        ids = [p.id for p in pilots]
        plan_tasks = dict(
            session.execute(
                select(Pilot.id, func.count(Task.id))
                .join(Task, Task.plan_id == Pilot.plan_id)
                .where(Pilot.id.in_(ids), Task.archived_at.is_(None))
                .group_by(Pilot.id)
            )
            .tuples()
            .all()
        )
        projects = _counts(session, Project.id, Project.pilot_id, ids)
        experiences = _counts(session, Experience.id, Experience.pilot_id, ids)
        order = {key: i for i, key in enumerate(words.types.keys)}
        pilots.sort(key=lambda p: (order.get(p.pilot_type, 99), p.id))
        return [
            {
                **pilot_dict(session, p),
                "task_count": int(plan_tasks.get(p.id, 0)),
                "project_count": projects.get(p.id, 0),
                "experience_count": experiences.get(p.id, 0),
            }
            for p in pilots
        ]


def get_pilot(db: Database, actor: Actor, pilot: int | str) -> dict[str, Any]:
    """One pilot (see :func:`pilot_dict`), if ``actor`` may see it."""
    require_region_visible(actor, "查看试点")
    with db.reader() as session:
        found = find_pilot(session, pilot)
        require_visible(session, actor, found)
        return pilot_dict(session, found)


# ---------------------------------------------------------------- quotas


def _quotas(session: Session) -> dict[str, int]:
    found = terms().default_quotas()
    found.update(
        dict(session.execute(select(PilotQuota.pilot_type, PilotQuota.quota)).tuples().all())
    )
    return found


def _type_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Pilot.pilot_type, func.count())
        .where(Pilot.status != STATUS_REVOKED)
        .group_by(Pilot.pilot_type)
    ).tuples()
    return {key: int(n) for key, n in rows}


def quota_warnings(session: Session, pilot_type: str) -> list[str]:
    """The warning to give when pilots of ``pilot_type`` (not revoked) exceed its quota."""
    quota = _quotas(session).get(pilot_type, 0)
    count = _type_counts(session).get(pilot_type, 0)
    if count <= quota:
        return []
    name = terms().types.name(pilot_type)
    return [
        f"{name}试点现有 {count} 个（不含已撤销的），超过试点建设方案的定额 {quota} 个。"
        "仅作提示，已照常保存；如定额有调整，可用 tracker pilot quota 修改。"
    ]


def quota_status(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Per type, in order: its quota and how many pilots it has (not revoked)."""
    require_region_visible(actor, "查看试点定额")
    words = terms()
    with db.reader() as session:
        quotas = _quotas(session)
        counts = _type_counts(session)
    return [
        {
            "type": key,
            "type_label": words.types.name(key),
            "quota": quotas.get(key, 0),
            "count": counts.get(key, 0),
            "over": counts.get(key, 0) > quotas.get(key, 0),
        }
        for key in words.types.keys
    ]


def set_quota(db: Database, actor: Actor, pilot_type: str, quota: int | str) -> dict[str, Any]:
    """Change the quota of a type (coordinator only); returns the type's quota status."""
    actor.require_coordinator("修改试点定额")
    key = terms().types.key_of(pilot_type)
    try:
        value = int(str(quota).strip())
    except ValueError:
        raise InvalidInput(f"定额“{quota}”不是整数。") from None
    if not 0 <= value <= MAX_QUOTA:
        raise InvalidInput(f"定额 {value} 超出范围：应在 0 到 {MAX_QUOTA} 之间。")
    with db.session() as session:
        before = _quotas(session).get(key)
        row = session.get(PilotQuota, key)
        if row is None:
            session.add(PilotQuota(pilot_type=key, quota=value, updated_by=actor.name))
        else:
            row.quota = value
            row.updated_at = utcnow()
            row.updated_by = actor.name
        audit.record(
            session,
            actor,
            "set_pilot_quota",
            "pilot_quota",
            None,
            field=key,
            before=before,
            after=value,
        )
    return next(q for q in quota_status(db, actor) if q["type"] == key)


# ---------------------------------------------------------------- units of a pilot


def unit_in_region(session: Session, region: Region, name: str, actor: Actor) -> Unit:
    """The unit called ``name`` (or so aliased) in ``region``, created when there is none."""
    found = session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == name))
    if found is None:
        found = session.scalar(
            select(Unit)
            .join(UnitAlias, UnitAlias.unit_id == Unit.id)
            .where(UnitAlias.region_id == region.id, UnitAlias.alias == name)
        )
    if found is not None:
        return found
    insert_ignoring_conflict(
        session, Unit, [{"region_id": region.id, "name": name, "created_at": utcnow()}]
    )
    created = session.scalar(select(Unit).where(Unit.region_id == region.id, Unit.name == name))
    assert created is not None
    audit.record(session, actor, "add_unit", "unit", created.id, after=f"{region.name}·{name}")
    return created


def _supervising_region(session: Session, region: Region) -> Region | None:
    """Where the supervising DRC of a pilot in ``region`` sits: the nearest city of its
    chain, else the region just below the province (宁东能源化工基地), else None."""
    chain = stored_chain(region)
    for node in chain:
        if node.level == "city":
            return session.get(Region, node.id)
    below_top = [n for n in chain if n.level != LEVEL_PROVINCE]
    return session.get(Region, below_top[-1].id) if below_top else None


def _supervisor(session: Session, region: Region, given: str | None, actor: Actor) -> Unit:
    """The supervising DRC: as given (``银川市·市发展改革委``, or a bare name looked up in the
    supervising region), or the default 市发展改革委 of the pilot's city."""
    chain_ids = {node.id for node in stored_chain(region)}
    if given and given.strip():
        region_name, name = split_unit_label(given)
        if region_name is not None:
            named = find_region(session, region_name)
            if named is None:
                raise NotFound(f"没有地区“{region_name}”。", hint="可用 tracker regions 查看。")
            if named.id not in chain_ids:
                raise InvalidInput(
                    f"主管部门“{given}”不在试点所在地区“{region.name}”或其上级地区，"
                    "请写明试点所在地级市（或宁东基地）的发展改革部门。"
                )
            return unit_in_region(session, named, inputs.text(name, "主管部门", limit=200), actor)
        home = _supervising_region(session, region) or region
        return unit_in_region(session, home, inputs.text(name, "主管部门", limit=200), actor)
    where = _supervising_region(session, region)
    if where is None or where.level != "city":
        raise InvalidInput(
            f"无法为地区“{region.name}”确定主管的发展改革部门，请指明"
            "（如 宁东能源化工基地·宁东经发局）。",
            hint="用 --supervisor 指明。",
        )
    return unit_in_region(session, where, terms().default_supervisor, actor)


# ---------------------------------------------------------------- adding


def _check_name(name: str) -> str:
    return inputs.text(name, "试点主体名称", limit=MAX_NAME, required=True)


def _name_free(session: Session, name: str, pilot_id: int | None = None) -> None:
    other = session.scalar(select(Pilot).where(Pilot.name == name))
    if other is not None and other.id != pilot_id:
        raise InvalidInput(f"已有名为“{name}”的试点（{pilot_label(other)}）。")


def add_pilot(
    db: Database,
    actor: Actor,
    *,
    pilot_type: str,
    name: str,
    region: str,
    province: str | None = None,
    supervisor: str | None = None,
    approved_on: str | dt.date | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Add a pilot (coordinator only): ``{"pilot": …, "warnings": […]}``, the warnings
    saying when its type now exceeds its quota.

    ``region`` is where the pilot is (a region the program knows, or a new one named like a
    title, with ``province`` when needed); ``supervisor`` the city DRC (default: the
    市发展改革委 of the region's city). The pilot body becomes a unit of the region.
    """
    actor.require_coordinator("添加试点")
    words = terms()
    type_key = words.types.key_of(pilot_type)
    status_key = words.statuses.key_of(status) if status else words.statuses.keys[0]
    clean_name = _check_name(name)
    approved = inputs.day(approved_on, "批复日期")
    spec = describe_region(db, region, province)
    with db.session() as session:
        _name_free(session, clean_name)
        stored_region = ensure_region(session, spec, actor)
        boss = _supervisor(session, stored_region, supervisor, actor)
        body = unit_in_region(session, stored_region, clean_name, actor)
        if session.scalar(select(Pilot.id).where(Pilot.body_unit_id == body.id)) is not None:
            raise InvalidInput(f"单位“{body.name}”已是另一个试点的试点主体。")
        pilot = Pilot(
            pilot_type=type_key,
            name=clean_name,
            region_id=stored_region.id,
            body_unit_id=body.id,
            supervisor_unit_id=boss.id,
            approved_on=approved,
            status=status_key,
            created_by=actor.name,
            updated_by=actor.name,
        )
        session.add(pilot)
        flush_or_conflict(session, f"试点“{clean_name}”")
        audit.record(
            session,
            actor,
            "add_pilot",
            "pilot",
            pilot.id,
            after=f"{words.types.name(type_key)}试点“{clean_name}”（{stored_region.name}，"
            f"主管：{labels_by_id(session, [boss.id])[boss.id]}）",
        )
        warnings = quota_warnings(session, type_key) if status_key != STATUS_REVOKED else []
        return {"pilot": pilot_dict(session, pilot), "warnings": warnings}


# ---------------------------------------------------------------- changing


def update_pilot(
    db: Database,
    actor: Actor,
    pilot: int | str,
    *,
    expect_version: int | None,
    pilot_type: str | None = None,
    name: str | None = None,
    supervisor: str | None = None,
    approved_on: str | dt.date | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Change a pilot (coordinator only): arguments left None are unchanged, an empty
    ``approved_on`` clears the date. Returns ``{"pilot": …, "warnings": […]}``.

    ``expect_version`` is the version the caller read (None: whatever is stored). A new
    name renames the pilot body's unit too.
    """
    actor.require_coordinator("修改试点")
    words = terms()
    new_type = words.types.key_of(pilot_type) if pilot_type else None
    new_status = words.statuses.key_of(status) if status else None
    new_name = _check_name(name) if name is not None else None
    clear_date = isinstance(approved_on, str) and not approved_on.strip()
    new_date = None if clear_date else inputs.day(approved_on, "批复日期")
    with db.session() as session:
        session.autoflush = False  # one UPDATE (one new version) for all the changes
        found = find_pilot(session, pilot, for_update=True)
        label = pilot_label(found)
        check_version(label, found.version, expect_version, found.updated_by, found.updated_at)
        changes = _apply_changes(session, actor, found, new_type, new_status, new_name)
        if clear_date or (new_date is not None and new_date != found.approved_on):
            changes.append(("approved_on", found.approved_on, new_date))
            found.approved_on = new_date
        if supervisor is not None:
            boss = _supervisor(session, found.region, supervisor, actor)
            if boss.id != found.supervisor_unit_id:
                shown = labels_by_id(session, [found.supervisor_unit_id, boss.id])
                changes.append(("supervisor", shown[found.supervisor_unit_id], shown[boss.id]))
                found.supervisor_unit_id = boss.id
        if changes:
            found.updated_at = utcnow()
            found.updated_by = actor.name
            flush_or_conflict(session, label)
            for field_name, before, after in changes:
                audit.record(
                    session,
                    actor,
                    "edit_pilot",
                    "pilot",
                    found.id,
                    field=field_name,
                    before=before,
                    after=after,
                )
        counted = found.status != STATUS_REVOKED and any(
            f in ("type", "status") for f, _b, _a in changes
        )
        warnings = quota_warnings(session, found.pilot_type) if counted else []
        return {"pilot": pilot_dict(session, found), "warnings": warnings}


def _apply_changes(
    session: Session,
    actor: Actor,
    pilot: Pilot,
    new_type: str | None,
    new_status: str | None,
    new_name: str | None,
) -> list[tuple[str, object, object]]:
    """Set type, status and name where they change; the (field, before, after) changes."""
    words = terms()
    changes: list[tuple[str, object, object]] = []
    if new_type is not None and new_type != pilot.pilot_type:
        changes.append(("type", words.types.name(pilot.pilot_type), words.types.name(new_type)))
        pilot.pilot_type = new_type
    if new_status is not None and new_status != pilot.status:
        changes.append(
            ("status", words.statuses.name(pilot.status), words.statuses.name(new_status))
        )
        pilot.status = new_status
    if new_name is not None and new_name != pilot.name:
        changes.append(("name", pilot.name, new_name))
        _rename(session, pilot, new_name, actor)
    return changes


def _rename(session: Session, pilot: Pilot, new_name: str, actor: Actor) -> None:
    _name_free(session, new_name, pilot.id)
    body = session.get(Unit, pilot.body_unit_id)
    assert body is not None
    clash = session.scalar(
        select(Unit.id).where(Unit.region_id == body.region_id, Unit.name == new_name)
    )
    if clash is not None and clash != body.id:
        raise InvalidInput(
            f"地区“{pilot.region.name}”已有名为“{new_name}”的单位，不能把试点主体改为此名；"
            "如两者是同一单位，请协调员先合并单位。",
            hint="合并单位：tracker unit merge",
        )
    audit.record(session, actor, "rename_unit", "unit", body.id, before=body.name, after=new_name)
    body.name = new_name
    pilot.name = new_name
