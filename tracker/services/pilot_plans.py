"""A pilot's plan (试点实施方案): imported like any other plan, or entered task by task.

The plan is an ordinary :class:`~tracker.models.Plan` of kind ``pilot`` in the pilot's
region, so its tasks get the same periods, progress reports, reviews, 催办 and outputs as
any plan's. A pilot's plan often names no units: a task without a lead is led by the pilot
body (a unit of the pilot's region, see :mod:`tracker.services.pilots`), which its
account then reports on like any unit's reporter.

The pilot body's account and a coordinator may import or extend the plan; the import is
previewed first (:func:`prepare_pilot_plan`) and committed with its pilot in one
transaction (:func:`commit_pilot_plan`). A later file with the same title is a revision of
the plan, as for any plan; a file with another title is refused while the pilot has a plan.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput
from tracker.importing.regions import RegionSpec
from tracker.importing.result import ParsedPlan, ParsedTask
from tracker.importing.targets import extract_targets
from tracker.models import Area, Pilot, Plan, PlanSource, Task, Unit, utcnow
from tracker.services import audit, inputs, plans
from tracker.services.access import require_plan_writable
from tracker.services.actor import Actor
from tracker.services.periods import create_periods
from tracker.services.pilot_access import find_pilot, pilot_label, require_keeper, require_visible
from tracker.services.pilot_terms import terms
from tracker.services.plan_store import ensure_areas, insert_tasks, unit_ids
from tracker.services.regions import describe_region, stored_chain, unit_label

PILOT_KIND = "pilot"
MANUAL_FORMAT = "manual"
MANUAL_SOURCE = "手工录入"
_CN = "一二三四五六七八九十"


def _body_label(session: Session, pilot: Pilot) -> str:
    """The pilot body as a label that lands on its own unit whatever its name says."""
    body = session.get(Unit, pilot.body_unit_id)
    assert body is not None
    return unit_label(body.name, body.region.name)


def _region_spec(db: Database, pilot_id: int | str) -> tuple[int, RegionSpec]:
    with db.reader() as session:
        found = find_pilot(session, pilot_id)
        region_name = found.region.name
        pilot_key = found.id
    return pilot_key, describe_region(db, region_name)


def lead_by_body(parsed: ParsedPlan, body: str) -> int:
    """Give every task without a lead the pilot body (``body``, its unit label) as lead;
    the number of tasks changed."""
    changed = 0
    for task in parsed.tasks:
        if not task.lead_units:
            task.lead_units = [body]
            task.cooperating_units = [n for n in task.cooperating_units if n != body]
            changed += 1
    return changed


def prepare_pilot_plan(
    db: Database,
    actor: Actor,
    pilot: int | str,
    path: str | Path,
    progress: plans.Progress | None = None,
) -> plans.ImportPreview:
    """Read a pilot's plan file for the preview (nothing is stored): its region is the
    pilot's, its kind ``pilot``, and every task that names no lead is led by the pilot
    body. Refused for an account that may not keep the pilot."""
    with db.reader() as session:
        found = find_pilot(session, pilot)
        require_keeper(session, actor, found, "导入试点实施方案")
        body = _body_label(session, found)
    _pilot_id, spec = _region_spec(db, pilot)
    preview = plans.prepare_import(db, path, progress, region=spec, pilot=True)
    lead_by_body(preview.parsed, body)
    return preview


def commit_pilot_plan(
    db: Database,
    actor: Actor,
    pilot: int | str,
    parsed: ParsedPlan,
    *,
    expect: plans.Expectation | None = None,
) -> plans.CommitResult:
    """Store a previewed pilot plan and make it the pilot's plan, in one transaction.

    A task still without a lead gets the pilot body. The plan must be a new one or the
    pilot's own (a revision of it); ``expect`` is what the preview showed (see
    :func:`tracker.services.plans.commit_import`)."""
    pilot_id, spec = _region_spec(db, pilot)
    if parsed.region is not None and parsed.region.name != spec.name:
        raise InvalidInput(
            f"试点实施方案的地区应为试点所在地区“{spec.name}”，预览中却是“{parsed.region.name}”。"
        )
    parsed.region = spec
    parsed.kind = PILOT_KIND
    try:
        with db.session() as session:
            found = find_pilot(session, pilot_id, for_update=True)
            require_keeper(session, actor, found, "导入试点实施方案")
            lead_by_body(parsed, _body_label(session, found))
            result = plans.store_parsed(session, parsed, actor, expect)
            _link_plan(session, actor, found, result.plan_id, parsed.title)
            return result
    except IntegrityError:
        raise ConflictError(
            f"试点实施方案“{parsed.title}”刚被他人导入或修改，本次未导入；请重新预览。"
        ) from None


def _link_plan(session: Session, actor: Actor, pilot: Pilot, plan_id: int, title: str) -> None:
    if pilot.plan_id == plan_id:
        return
    if pilot.plan_id is not None:
        current = session.get(Plan, pilot.plan_id)
        shown = f"《{current.title}》（编号 {current.id}）" if current is not None else ""
        raise InvalidInput(
            f"{pilot_label(pilot)}已有试点实施方案{shown}；导入的文件标题为《{title}》，"
            "与之不同，不能作为它的修订版。请使用与原方案相同的标题，本次未导入。"
        )
    owner = session.scalar(select(Pilot).where(Pilot.plan_id == plan_id))
    if owner is not None:
        raise InvalidInput(
            f"方案《{title}》已是{pilot_label(owner)}的试点实施方案，不能再给{pilot_label(pilot)}。"
        )
    plan = session.get(Plan, plan_id)
    assert plan is not None
    plan.kind = PILOT_KIND
    pilot.plan_id = plan_id
    pilot.updated_at = utcnow()
    pilot.updated_by = actor.name
    audit.record(session, actor, "set_pilot_plan", "pilot", pilot.id, field="plan", after=title)


# ---------------------------------------------------------------- tasks entered by hand


def _manual_plan(session: Session, actor: Actor, pilot: Pilot) -> Plan:
    """The pilot's plan, made empty (kind ``pilot``, source 手工录入) when it has none."""
    if pilot.plan_id is not None:
        plan = session.get(Plan, pilot.plan_id)
        assert plan is not None
        require_plan_writable(plan)
        return plan
    words = terms()
    title = words.manual_plan_title.format(name=pilot.name)
    digest = hashlib.sha256(f"manual-pilot-plan:{pilot.id}:{uuid.uuid4()}".encode()).hexdigest()
    start = pilot.approved_on.year if pilot.approved_on else utcnow().year
    plan = Plan(
        title=title,
        region_id=pilot.region_id,
        kind=PILOT_KIND,
        source_name=MANUAL_SOURCE,
        source_format=MANUAL_FORMAT,
        content_hash=digest,
        imported_by=actor.name,
        start_year=start,
        horizon_year=max(2030, start),
    )
    session.add(plan)
    session.flush()
    session.add(
        PlanSource(
            plan_id=plan.id,
            revision=1,
            source_name=MANUAL_SOURCE,
            source_format=MANUAL_FORMAT,
            content_hash=digest,
            imported_by=actor.name,
        )
    )
    create_periods(session, plan, actor)
    audit.record(
        session, actor, "create_plan", "plan", plan.id, after=f"{title}（{MANUAL_SOURCE}）"
    )
    _link_plan(session, actor, pilot, plan.id, title)
    return plan


def _area_key(session: Session, plan_id: int, title: str) -> tuple[str, str]:
    """(code, title) of the plan's area called ``title``; a new one is numbered （一）（二）…"""
    existing = session.execute(
        select(Area.code, Area.title).where(Area.plan_id == plan_id).order_by(Area.position)
    ).all()
    for code, name in existing:
        if name == title:
            return code, name
    count = len(existing) + 1
    numeral = _CN[count - 1] if count <= 10 else str(count)
    return f"（{numeral}）", title


def _next_code(session: Session, plan_id: int) -> tuple[str, int]:
    codes = session.scalars(
        select(Task.code).where(Task.plan_id == plan_id, Task.archived_at.is_(None))
    ).all()
    numbers = [int(c) for c in codes if c.isdigit()]
    position = session.scalar(select(func.max(Task.position)).where(Task.plan_id == plan_id))
    return str(max(numbers, default=0) + 1), int(position or 0) + 1


def add_pilot_task(
    db: Database,
    actor: Actor,
    pilot: int | str,
    *,
    title: str,
    content: str = "",
    area: str | None = None,
    lead: str = "",
    cooperating: str = "",
    deadline: str | None = None,
) -> dict[str, Any]:
    """Add one task to a pilot's plan by hand (the plan is made when the pilot has none).

    ``area`` is the grouping (default 重点任务); ``lead`` / ``cooperating`` list units as a
    plan would (市发改委、工信局), read with the region's aliases; no lead means the pilot
    body leads. Returns the task as :func:`tracker.services.plans.get_task` gives it."""
    clean_title = inputs.text(title, "任务名称", limit=500, required=True)
    clean_content = inputs.text(content, "任务内容") or clean_title
    area_title = inputs.text(area, "任务类别", limit=300) or terms().manual_area
    _pilot_id, spec = _region_spec(db, pilot)
    leads, coops = plans.canonical_task_units(db, lead, cooperating, spec)
    with db.session() as session:
        found = find_pilot(session, pilot, for_update=True)
        require_keeper(session, actor, found, "添加试点任务")
        plan = _manual_plan(session, actor, found)
        body = _body_label(session, found)
        code, position = _next_code(session, plan.id)
        task = ParsedTask(
            area_code="",
            area_title=area_title,
            code=code,
            title=clean_title,
            content=clean_content,
            lead_units=leads or [body],
            cooperating_units=[n for n in coops if n not in (leads or [body])],
            targets=extract_targets(clean_content),
            where=MANUAL_SOURCE,
            deadline=inputs.text(deadline, "完成时限", limit=200) or None,
        )
        task.area_code, task.area_title = _area_key(session, plan.id, area_title)
        task_id = _insert(session, plan, task, position)
        audit.record(
            session,
            actor,
            "add_task",
            "task",
            task_id,
            task_id=task_id,
            after=f"{code} {clean_title}（{pilot_label(found)}）",
        )
    return plans.get_task(db, task_id)


def _insert(session: Session, plan: Plan, task: ParsedTask, position: int) -> int:
    region = plan.region
    areas = [
        (a.code, a.title)
        for a in session.scalars(
            select(Area).where(Area.plan_id == plan.id).order_by(Area.position)
        )
    ]
    key = (task.area_code, task.area_title)
    area_ids = ensure_areas(session, plan.id, [*areas, key] if key not in areas else areas)
    names: Sequence[str] = [*task.lead_units, *task.cooperating_units]
    ids = unit_ids(session, names, stored_chain(region))
    return insert_tasks(session, plan.id, area_ids, [(task, position)], ids)[0]


def pilot_plan(db: Database, actor: Actor, pilot: int | str) -> dict[str, Any] | None:
    """The pilot's plan as :func:`tracker.services.plans.list_plans` lists a plan, or None."""
    with db.reader() as session:
        found = find_pilot(session, pilot)
        require_visible(session, actor, found)
        plan_id = found.plan_id
    if plan_id is None:
        return None
    return next(p for p in plans.list_plans(db, actor, include_archived=True) if p["id"] == plan_id)
