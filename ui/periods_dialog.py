"""The periods dialog (controller): due dates, lock, reopen with a reason (coordinator)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import periods
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.views.periods_dialog_view import DueDateDialog, PeriodsDialogView
from ui.views.report_form_view import TextInputDialog

_LOCK_TITLE = "锁定报告期"
_LOCK_TEXT = (
    "锁定{name}后，各单位不能再修改或报送该期的填报，协调员也不能再审核或退回。\n\n"
    "目前已报送 {done} 份，应报 {expected} 份。确定锁定吗？"
)
_REOPEN_TITLE = "重新开放报告期"
_REOPEN_PROMPT = "重新开放{name}。请说明理由（记入审计日志）："


class PeriodsDialog(PeriodsDialogView):
    """See the module docstring; ``changed`` is True once something was changed."""

    def __init__(
        self, db: Database, actor: Actor, plan_id: int, parent: QWidget | None = None
    ) -> None:
        found = periods.list_periods(db, actor, plan_id)
        super().__init__(str(found["plan_title"]), parent)
        self._db = db
        self._actor = actor
        self._plan_id = plan_id
        self.changed = False
        self.due_button.clicked.connect(self._on_due)
        self.lock_button.clicked.connect(self._on_lock)
        self.reopen_button.clicked.connect(self._on_reopen)
        self.close_button.clicked.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._show(found["periods"])

    def reload(self) -> None:
        """Read the periods again, keeping the selection."""
        self._show(periods.list_periods(self._db, self._actor, self._plan_id)["periods"])

    def _show(self, found: list[dict[str, Any]]) -> None:
        keep = self.selected()
        self.model.set_records(found)
        ids = [p["id"] for p in found]
        if keep is not None and keep["id"] in ids:
            self.select_row(ids.index(keep["id"]))
        self._update_buttons()

    def selected(self) -> Mapping[str, Any] | None:
        """The period selected."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        """Select the period in ``row``."""
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _update_buttons(self, *_args: object) -> None:
        period = self.selected()
        locked = bool(period and period["locked"])
        self.due_button.setEnabled(period is not None and not locked)
        self.lock_button.setEnabled(period is not None and not locked)
        self.reopen_button.setEnabled(locked)

    def _apply(self, call: Any) -> None:
        try:
            call()
        except TrackerError as exc:
            errors.show_error(exc, self)
        else:
            self.changed = True
        self.reload()

    def _on_due(self) -> None:
        period = self.selected()
        if period is None:
            return
        due = DueDateDialog.ask(self, period["name"], dt.date.fromisoformat(period["due_date"]))
        if due is not None:
            self._apply(
                lambda: periods.set_due_date(
                    self._db, self._actor, self._plan_id, int(period["id"]), due
                )
            )

    def _on_lock(self) -> None:
        period = self.selected()
        if period is None:
            return
        counts = period.get("report_counts") or {}
        done = int(counts.get("submitted", 0)) + int(counts.get("approved", 0))
        text = _LOCK_TEXT.format(
            name=period["name"], done=done, expected=period.get("expected_reports", 0)
        )
        if dialogs.confirm(self, _LOCK_TITLE, text, yes=_LOCK_TITLE):
            self._apply(
                lambda: periods.lock_period(self._db, self._actor, self._plan_id, int(period["id"]))
            )

    def _on_reopen(self) -> None:
        period = self.selected()
        if period is None:
            return
        reason = TextInputDialog.ask(
            self, _REOPEN_TITLE, _REOPEN_PROMPT.format(name=period["name"]), "重新开放"
        )
        if reason:
            self._apply(
                lambda: periods.reopen_period(
                    self._db, self._actor, self._plan_id, int(period["id"]), reason
                )
            )

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor, plan_id: int) -> bool:
        """Show the dialog; True when a period was changed (tests patch this)."""
        try:
            dialog = cls(db, actor, plan_id, parent)
        except TrackerError as exc:
            errors.show_error(exc, parent)
            return False
        dialog.exec()
        return dialog.changed
