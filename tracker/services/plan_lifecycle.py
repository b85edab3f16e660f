"""A plan's lifecycle: archive (hidden and read-only), unarchive, delete.

Archiving keeps everything and makes the plan read-only: every service that writes its
tasks, reports or periods refuses (:func:`tracker.services.access.require_plan_writable`).
Deleting removes the plan with its tasks, periods and reports; a plan that has reports is
deleted only when the caller says so and gives a reason. Every step is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound
from tracker.models import Plan, ProgressReport, Task, TaskUnit, Unit, User, utcnow
from tracker.services import audit
from tracker.services.actor import Actor


def _find_plan(session: Session, plan_id: int, *, for_update: bool = False) -> Plan:
    query = select(Plan).where(Plan.id == plan_id)
    if for_update:
        query = query.with_for_update()
    plan: Plan | None = session.scalar(query)
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的实施方案。", hint="可用 tracker plans --all 查看。")
    return plan


def archive_plan(db: Database, actor: Actor, plan_id: int) -> dict[str, Any]:
    """Archive a plan: it leaves the lists and can no longer be changed (it can be read,
    and unarchived)."""
    actor.require_coordinator("归档实施方案")
    with db.session() as session:
        plan = _find_plan(session, plan_id, for_update=True)
        if plan.archived_at is not None:
            raise InvalidInput(f"实施方案“{plan.title}”（编号 {plan.id}）已经归档。")
        plan.archived_at = utcnow()
        plan.archived_by = actor.name
        audit.record(
            session, actor, "archive_plan", "plan", plan.id, before="使用中", after="已归档"
        )
        return {"id": plan.id, "title": plan.title, "archived": True}


def unarchive_plan(db: Database, actor: Actor, plan_id: int) -> dict[str, Any]:
    """Bring an archived plan back into the lists, editable again."""
    actor.require_coordinator("恢复实施方案")
    with db.session() as session:
        plan = _find_plan(session, plan_id, for_update=True)
        if plan.archived_at is None:
            raise InvalidInput(f"实施方案“{plan.title}”（编号 {plan.id}）没有归档，无需恢复。")
        plan.archived_at = None
        plan.archived_by = None
        audit.record(
            session, actor, "unarchive_plan", "plan", plan.id, before="已归档", after="使用中"
        )
        return {"id": plan.id, "title": plan.title, "archived": False}


def report_count(db: Database, plan_id: int) -> int:
    """How many progress reports the plan's tasks have (what deleting it would delete)."""
    with db.reader() as session:
        _find_plan(session, plan_id)
        return _reports_of(session, plan_id)


def _reports_of(session: Session, plan_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ProgressReport)
            .join(Task, Task.id == ProgressReport.task_id)
            .where(Task.plan_id == plan_id)
        )
        or 0
    )


def delete_plan(
    db: Database, actor: Actor, plan_id: int, *, force: bool = False, reason: str | None = None
) -> dict[str, Any]:
    """Delete a plan with its tasks and periods. A plan with progress reports is refused
    unless ``force`` is given with a ``reason`` (the reports are deleted with it; the
    audit log keeps who did it and why). Units left without any task, report or user
    are removed too."""
    actor.require_coordinator("删除实施方案")
    reason = (reason or "").strip()
    with db.session() as session:
        plan = _find_plan(session, plan_id, for_update=True)
        reports = _reports_of(session, plan.id)
        if reports and not force:
            raise InvalidInput(
                f"实施方案“{plan.title}”（编号 {plan.id}）已有 {reports} 份进展填报，删除会一并删除这些填报。"
                "如不再使用，请改为归档；确需删除，须说明理由。",
                hint=f"归档：tracker plan archive {plan.id}；"
                "确需删除，请加 --force 并用 --reason 说明理由。",
            )
        if reports and not reason:
            raise InvalidInput(
                f"实施方案“{plan.title}”（编号 {plan.id}）已有 {reports} 份进展填报：删除必须说明理由。",
                hint="用 --reason 说明理由。",
            )
        tasks = int(session.scalar(select(func.count()).where(Task.plan_id == plan.id)) or 0)
        unit_ids = set(
            session.scalars(
                select(TaskUnit.unit_id)
                .join(Task, Task.id == TaskUnit.task_id)
                .where(Task.plan_id == plan.id)
            )
        )
        title = plan.title
        session.execute(delete(Plan).where(Plan.id == plan.id))  # the database cascades
        session.expunge(plan)
        removed_units = _remove_orphans(session, unit_ids)
        audit.record(
            session,
            actor,
            "delete_plan",
            "plan",
            plan_id,
            field="reason" if reason else None,
            before=f"{title}（{tasks} 项任务，{reports} 份填报，{removed_units} 个不再使用的单位）",
            after=reason or None,
        )
        return {
            "id": plan_id,
            "title": title,
            "tasks": tasks,
            "reports": reports,
            "units": removed_units,
        }


def _remove_orphans(session: Session, unit_ids: set[int]) -> int:
    """Delete the units of ``unit_ids`` that no task, report or user refers to any more."""
    if not unit_ids:
        return 0
    used = set(session.scalars(select(TaskUnit.unit_id).where(TaskUnit.unit_id.in_(unit_ids))))
    used |= set(
        session.scalars(select(ProgressReport.unit_id).where(ProgressReport.unit_id.in_(unit_ids)))
    )
    used |= set(session.scalars(select(User.unit_id).where(User.unit_id.in_(unit_ids))))
    orphans = unit_ids - used
    if orphans:
        session.execute(delete(Unit).where(Unit.id.in_(orphans)))
    return len(orphans)
