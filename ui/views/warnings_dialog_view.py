"""The list of a stored plan's import warnings."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from ui.models import WarningTableModel
from ui.views.common import record_table

_TITLE = "导入警告 — {plan}"
_INTRO = (
    "导入时程序无法确定的地方共 {count} 处，请对照原文核对。"
    "双击一条警告，可在主窗口中定位到对应的任务。"
)
_NONE = "导入这份实施方案时没有产生警告。"
_CLOSE = "关闭"


class WarningsDialogView(QDialog):
    """A table of warnings (位置, 说明) and a close button."""

    def __init__(self, plan_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE.format(plan=plan_title))
        self.resize(860, 480)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.model = WarningTableModel(self)
        self.table = record_table(self.model, self, wrap=True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        buttons = QDialogButtonBox()
        close_button = buttons.addButton(_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        close_button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def set_warnings(self, warnings: list[dict[str, str]]) -> None:
        """Show ``warnings`` (dicts with "where" and "message")."""
        self.model.set_records(warnings)
        self.intro_label.setText(_INTRO.format(count=len(warnings)) if warnings else _NONE)
