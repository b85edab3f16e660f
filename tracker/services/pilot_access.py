"""Who may see and change which pilot (试点), and looking a pilot up by id or name.

The rule, one place for it:

* a coordinator (领导小组办公室 — for pilots, the regional DRC 自治区发展改革委) sees and may
  change every pilot;
* a city DRC's account (``city_drc``, 地级市发展改革委 / 宁东经发局) sees the pilots of its region
  and of the regions below it, and reviews their half-year reports at the city level; it
  changes nothing else of them;
* a pilot body's account (``pilot_body``) sees only its own pilot and keeps it: its
  projects, experience records and the texts of its half-year report;
* any other account sees no pilot.

A pilot that is 已撤销 (revoked) can be read, not changed, until a coordinator sets its
status back. Every function works inside the calling service's session.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, PermissionDenied
from tracker.models import Pilot, Region, Task
from tracker.services.actor import Actor
from tracker.services.pilot_terms import terms

STATUS_REVOKED = "revoked"


def region_subtree(region_id: int) -> Select[tuple[int]]:
    """The ids of a region and of every region below it (a recursive query)."""
    top = select(Region.id).where(Region.id == region_id).cte("subtree", recursive=True)
    below = select(Region.id).join(top, Region.parent_id == top.c.id)
    tree = top.union(below)
    return select(tree.c.id)


def pilot_scope(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on :class:`Pilot` limiting it to what ``actor`` may see; None: all."""
    if actor.is_coordinator:
        return None
    if actor.is_pilot_body and actor.pilot_id is not None:
        return Pilot.id == actor.pilot_id
    if actor.is_city_drc and actor.region_id is not None:
        return Pilot.region_id.in_(region_subtree(actor.region_id))
    return false()


def visible_pilot_ids(actor: Actor) -> Select[tuple[int]]:
    """The ids of the pilots ``actor`` may see, as a sub-select."""
    query = select(Pilot.id)
    scope = pilot_scope(actor)
    return query if scope is None else query.where(scope)


def pilot_task_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on :class:`Task`: the tasks of the pilots ``actor`` may see (their
    plans); None for an account bound to no pilot and no region."""
    if not (actor.is_pilot_body or actor.is_city_drc):
        return None
    plans = select(Pilot.plan_id).where(
        Pilot.plan_id.is_not(None), Pilot.id.in_(visible_pilot_ids(actor))
    )
    return Task.plan_id.in_(plans)


def find_pilot(session: Session, pilot: int | str, *, for_update: bool = False) -> Pilot:
    """The pilot given by id or by its body's name; :class:`NotFound` otherwise."""
    query = select(Pilot)
    text = str(pilot).strip()
    if isinstance(pilot, int) or text.isdigit():
        query = query.where(Pilot.id == int(text))
    else:
        query = query.where(Pilot.name == text)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"没有试点“{pilot}”。", hint="可用 tracker pilot list 查看试点编号和名称。")
    return found


def pilot_label(pilot: Pilot) -> str:
    """How a pilot is named in messages: ``园区试点“某某工业园区”（编号 3）``."""
    return f"{terms().types.name(pilot.pilot_type)}试点“{pilot.name}”（编号 {pilot.id}）"


def can_see(session: Session, actor: Actor, pilot: Pilot) -> bool:
    """Whether ``actor`` may see ``pilot``."""
    scope = pilot_scope(actor)
    if scope is None:
        return True
    return session.scalar(select(Pilot.id).where(Pilot.id == pilot.id, scope)) is not None


def require_visible(session: Session, actor: Actor, pilot: Pilot) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may see ``pilot``."""
    if not can_see(session, actor, pilot):
        raise PermissionDenied(f"用户“{actor.name}”无权查看{pilot_label(pilot)}。")


def require_keeper(session: Session, actor: Actor, pilot: Pilot, what: str) -> None:
    """Raise unless ``actor`` may change ``pilot``'s own data (its projects, experience
    records, report texts): a coordinator, or the pilot's own body; and the pilot is not
    revoked."""
    require_visible(session, actor, pilot)
    if not (actor.is_coordinator or (actor.is_pilot_body and actor.pilot_id == pilot.id)):
        raise PermissionDenied(
            f"用户“{actor.name}”无权{what}：只有试点主体本身或协调员（自治区发展改革委）"
            f"可以修改{pilot_label(pilot)}的内容。"
        )
    require_not_revoked(pilot)


def require_not_revoked(pilot: Pilot) -> None:
    """Raise :class:`InvalidInput` if ``pilot`` is revoked (read-only)."""
    if pilot.status == STATUS_REVOKED:
        raise InvalidInput(
            f"{pilot_label(pilot)}已撤销，只能查看，不能修改；"
            "如需修改，请协调员先把其建设状态改回建设中。",
            hint="tracker pilot set … --status 建设中",
        )


def require_region_visible(actor: Actor, what: str) -> None:
    """Raise unless ``actor`` has any pilot rights at all (coordinator, city DRC, pilot body)."""
    if not (actor.is_coordinator or actor.is_city_drc or actor.is_pilot_body):
        raise PermissionDenied(
            f"用户“{actor.name}”无权{what}：试点只对协调员、地级市发展改革委和试点主体的账户开放。"
        )
