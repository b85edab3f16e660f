"""The 往期与审计 tab (controller): read when it is shown, not on every task switch."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import history, worklist
from tracker.services.actor import Actor
from ui.views.task_history_view import TaskHistoryView


def with_subjects(
    trail: list[dict[str, Any]], reports: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The audit records, each report record naming whose report of which period it is
    (several units report on one task)."""
    names = {r["report_id"]: f"{r['unit']} {r['period_name']}" for r in reports}
    return [
        {**r, "subject": names.get(r["object_id"])} if r["object_type"] == "report" else r
        for r in trail
    ]


class TaskHistory(TaskHistoryView):
    """A task's earlier reports and audit trail; loads lazily, when visible."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._task_id: int | None = None
        self._loaded_for: int | None = None

    def show_task(self, task_id: int | None) -> None:
        """Show ``task_id``'s history (read now when visible, else when shown)."""
        self._task_id = task_id
        self._loaded_for = None
        if self.isVisible():
            self.load()

    def load(self) -> None:
        """Read the history of the task now."""
        if self._task_id is None:
            self.history_model.set_records([])
            self.audit_model.set_records([])
        elif self._loaded_for != self._task_id:
            message = ""
            try:
                found = worklist.report_history(self._db, self._actor, self._task_id)
                trail = history.list_audit(self._db, self._actor, task_id=self._task_id)
            except TrackerError as exc:
                # Said here, not in another dialog: the report form on the same task has
                # shown the refusal already.
                found, trail, message = [], [], str(exc)
            self.message_label.setText(message)
            self.message_label.setVisible(bool(message))
            self.history_model.set_records(found)
            self.audit_model.set_records(with_subjects(trail, found))
        self._loaded_for = self._task_id

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.load()
