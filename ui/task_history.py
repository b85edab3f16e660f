"""The 往期与审计 tab (controller): read when it is shown, not on every task switch."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import history, worklist
from tracker.services.actor import Actor
from ui.views.task_history_view import TaskHistoryView


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
            try:
                found = worklist.report_history(self._db, self._actor, self._task_id)
                trail = history.list_audit(self._db, self._actor, task_id=self._task_id)
            except TrackerError:
                # The form on the same task says why (it shows the refusal as a dialog).
                found, trail = [], []
            self.history_model.set_records(found)
            self.audit_model.set_records(trail)
        self._loaded_for = self._task_id

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.load()
