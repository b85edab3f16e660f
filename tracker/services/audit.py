"""The audit log: every change to tasks, units, periods or reports writes records here.

Records are only ever added, inside the transaction of the change they describe; the
program offers no way to edit or delete them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.models import AuditRecord
from tracker.services.actor import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    task_id: int | None = None,
    field: str | None = None,
    before: object = None,
    after: object = None,
) -> None:
    """Add one audit record to ``session`` (committed with the change itself)."""
    session.add(
        AuditRecord(
            user_name=actor.name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            task_id=task_id,
            field=field,
            before=None if before is None else str(before),
            after=None if after is None else str(after),
        )
    )
