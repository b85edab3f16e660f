"""What the pilot accounts are bound to (revision 0006).

A pilot body's account (``pilot_body``, 试点主体) is bound to its pilot and, through it, to
the pilot body's unit: it reports on the tasks its pilot's plan gives that unit exactly as a
unit's reporter does. A city DRC's account (``city_drc``, 地级市发展改革委 / 宁东经发局) is
bound to a region: it sees the pilots of that region and below, and reviews their half-year
reports at the city level. :mod:`tracker.services.users` calls :func:`bind` when it adds an
account; the rights themselves are in :mod:`tracker.services.pilot_access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound
from tracker.models import Pilot, Region, User
from tracker.services.actor import ROLE_CITY_DRC, ROLE_PILOT_BODY
from tracker.services.pilot_access import find_pilot
from tracker.services.regions import find_region

PILOT_ROLES = {ROLE_PILOT_BODY: "试点主体", ROLE_CITY_DRC: "地级市发展改革委"}


@dataclass(frozen=True)
class Binding:
    """What a new account is bound to, and how the audit log names it."""

    unit_id: int | None = None
    pilot_id: int | None = None
    region_id: int | None = None
    audit: tuple[tuple[str, str], ...] = ()  # (field, shown value)


def check_arguments(
    role: str,
    unit: str | None,
    pilot: int | str | None,
    region: str | None,
    *,
    required: bool = True,
) -> None:
    """Refuse a binding that does not fit the role, before anything is looked up.
    ``required=False`` (changing an account) lets a pilot account keep the pilot or region
    it has; :func:`rebind` checks it has one."""
    if role == ROLE_PILOT_BODY:
        if required and (pilot is None or not str(pilot).strip()):
            raise InvalidInput(
                "试点主体的账户必须绑定一个试点。", hint="用 --pilot 编号或名称 指明试点。"
            )
        if unit or region:
            raise InvalidInput(
                "试点主体的账户只绑定试点，其单位即试点主体本身，不另绑定单位或地区。",
                hint="只给出 --pilot，不要给出 --unit 或 --region。",
            )
    elif role == ROLE_CITY_DRC:
        if required and (not region or not region.strip()):
            raise InvalidInput(
                "地级市发展改革委的账户必须绑定一个地区（如 银川市）。",
                hint="用 --region 指明地区。",
            )
        if unit or pilot is not None:
            raise InvalidInput(
                "地级市发展改革委的账户只绑定地区，不另绑定单位或试点。",
                hint="只给出 --region，不要给出 --unit 或 --pilot。",
            )
    elif pilot is not None or region:
        raise InvalidInput(
            "只有试点主体和地级市发展改革委的账户绑定试点或地区。",
            hint="--pilot 只用于试点主体，--region 只用于地级市发展改革委。",
        )


def bind(session: Session, role: str, pilot: int | str | None, region: str | None) -> Binding:
    """The binding of a new pilot account (after :func:`check_arguments`); an empty
    binding for the other roles."""
    if role == ROLE_PILOT_BODY:
        assert pilot is not None
        found = find_pilot(session, pilot)
        return Binding(
            unit_id=found.body_unit_id,
            pilot_id=found.id,
            audit=(("pilot", f"{found.name}（编号 {found.id}）"),),
        )
    if role == ROLE_CITY_DRC:
        assert region is not None
        stored = find_region(session, region)
        if stored is None:
            raise NotFound(
                f"没有地区“{region.strip()}”。", hint="可用 tracker regions 查看已登记的地区。"
            )
        return Binding(region_id=stored.id, audit=(("region", stored.name),))
    return Binding()


def rebind(
    session: Session, user: User, role: str, pilot: int | str | None, region: str | None
) -> Binding:
    """The binding of an existing account whose role becomes (or stays) a pilot role: the
    pilot or region given, else the one it has; :class:`InvalidInput` when it has none."""
    if pilot is not None or region is not None:
        return bind(session, role, pilot, region)
    if role == ROLE_PILOT_BODY and user.role == role and user.pilot_id is not None:
        kept = session.get(Pilot, user.pilot_id)
        if kept is not None:
            return Binding(unit_id=kept.body_unit_id, pilot_id=kept.id)
    if role == ROLE_CITY_DRC and user.role == role and user.region_id is not None:
        return Binding(region_id=user.region_id)
    what, option = (
        ("试点", "--pilot 编号或名称") if role == ROLE_PILOT_BODY else ("地区", "--region")
    )
    raise InvalidInput(
        f"把“{user.name}”改为{PILOT_ROLES[role]}须指明{what}。", hint=f"用 {option} 指明。"
    )


def binding_labels(session: Session, users: Iterable[User]) -> dict[int, dict[str, str | None]]:
    """user id → the pilot and the region its account is bound to (names, or None)."""
    users = list(users)
    pilot_ids = {u.pilot_id for u in users if u.pilot_id is not None}
    region_ids = {u.region_id for u in users if u.region_id is not None}
    pilots = dict(
        session.execute(select(Pilot.id, Pilot.name).where(Pilot.id.in_(pilot_ids))).tuples().all()
    )
    regions = dict(
        session.execute(select(Region.id, Region.name).where(Region.id.in_(region_ids)))
        .tuples()
        .all()
    )
    return {
        u.id: {
            "pilot": pilots.get(u.pilot_id) if u.pilot_id is not None else None,
            "region": regions.get(u.region_id) if u.region_id is not None else None,
        }
        for u in users
    }
