"""The periods dialog's layout (报告期) and the due-date question."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.progress_models import PeriodModel
from ui.views.common import record_table

_TITLE = "报告期 — {plan}"
_INTRO = (
    "每个报告期有截止日期；锁定后，该期的填报不能再修改。"
    "锁定的报告期需说明理由才能重新开放，理由记入审计日志。"
)
_DUE = "修改截止日期…"
_LOCK = "锁定"
_REOPEN = "重新开放…"
_CLOSE = "关闭"
_DUE_TITLE = "修改截止日期"
_DUE_LABEL = "{period}的截止日期："


class PeriodsDialogView(QDialog):
    """The plan's periods and the buttons acting on the selected one."""

    def __init__(self, plan_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE.format(plan=plan_title))
        self.resize(820, 480)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        self.model = PeriodModel(self)
        self.table = record_table(self.model, stretch_column=4)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.due_button = QPushButton(_DUE)
        self.lock_button = QPushButton(_LOCK)
        self.reopen_button = QPushButton(_REOPEN)
        self.close_button = QPushButton(_CLOSE)
        buttons = QHBoxLayout()
        for button in (self.due_button, self.lock_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)


class DueDateDialog(QDialog):
    """Asks for a new due date."""

    def __init__(self, period_name: str, due: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_DUE_TITLE)
        self.date_edit = QDateEdit(QDate(due.year, due.month, due.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout()
        form.addRow(_DUE_LABEL.format(period=period_name), self.date_edit)
        box = QDialogButtonBox()
        box.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)

    @classmethod
    def ask(cls, parent: QWidget | None, period_name: str, due: dt.date) -> dt.date | None:
        """The date chosen, or None when cancelled (tests patch this)."""
        dialog = cls(period_name, due, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.date_edit.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())
