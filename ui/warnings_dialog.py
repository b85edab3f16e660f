"""The stored import warnings of a plan (controller)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QWidget

from ui.views.warnings_dialog_view import WarningsDialogView


class WarningsDialog(WarningsDialogView):
    """Non-modal list of warnings; activating one emits its place."""

    place_activated = Signal(str)

    def __init__(
        self, plan_title: str, warnings: list[dict[str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(plan_title, parent)
        self.set_warnings(warnings)
        self.table.activated.connect(self._on_activated)

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.place_activated.emit(str(self.model.record(index.row()).get("where") or ""))
