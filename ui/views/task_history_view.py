"""The 往期与审计 tab: a task's reports in every period, and its audit trail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QVBoxLayout, QWidget

from ui.progress_models import AuditModel, ReportHistoryModel
from ui.views.common import record_table

_HISTORY = "<b>各报告期的填报</b>"
_AUDIT = "<b>修改记录（审计日志）</b>"


class TaskHistoryView(QWidget):
    """Two tables, one above the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history_model = ReportHistoryModel(self)
        self.history_view = record_table(self.history_model, stretch_column=5)
        self.audit_model = AuditModel(self)
        self.audit_view = record_table(self.audit_model, stretch_column=6)
        for view, fitted in (
            (self.history_view, (0, 1, 2, 3, 4, 6)),
            (self.audit_view, (0, 1, 2, 3, 4)),
        ):
            header = view.horizontalHeader()
            for column in fitted:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.audit_view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        for title, view in ((_HISTORY, self.history_view), (_AUDIT, self.audit_view)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(QLabel(title))
            box_layout.addWidget(view, 1)
            splitter.addWidget(box)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color:#b00020;")
        self.message_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter)
