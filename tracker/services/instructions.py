"""Instructions (批示 / 督办意见): remarks the coordinator attaches to a task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.models import Instruction
from tracker.services import audit
from tracker.services.access import (
    find_task,
    format_time,
    require_task_visible,
    require_task_writable,
)
from tracker.services.actor import Actor

MAX_LENGTH = 5_000


def add_instruction(db: Database, actor: Actor, task_id: int, text: str) -> dict[str, Any]:
    """Attach an instruction to a task (coordinator only); returns it."""
    actor.require_coordinator("下达批示或督办意见")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("批示/督办意见不能为空。", hint="用 --text 给出内容。")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(f"批示/督办意见太长（{len(text)} 字），最多 {MAX_LENGTH} 字。")
    with db.session() as session:
        task = find_task(session, task_id)
        require_task_writable(task)
        row = Instruction(task_id=task.id, text=text, created_by=actor.name)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "add_instruction",
            "instruction",
            row.id,
            task_id=task.id,
            field="text",
            after=text,
        )
        return {
            "id": row.id,
            "task_id": task.id,
            "text": row.text,
            "created_at": format_time(row.created_at),
            "created_by": row.created_by,
        }


def list_instructions(db: Database, actor: Actor, task_id: int) -> list[dict[str, Any]]:
    """The instructions on a task, oldest first (visible to the task's units)."""
    with db.reader() as session:
        task = find_task(session, task_id)
        require_task_visible(session, actor, task)
        rows = session.scalars(
            select(Instruction).where(Instruction.task_id == task.id).order_by(Instruction.id)
        )
        return [
            {
                "id": r.id,
                "task_id": r.task_id,
                "text": r.text,
                "created_at": format_time(r.created_at),
                "created_by": r.created_by,
            }
            for r in rows
        ]
