"""The 审核 tab's layout: the reports waiting for review, the one selected, the actions."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.models import SORT_ROLE
from ui.progress_models import ReviewQueueModel
from ui.views.common import record_table

_INTRO = "选择一份或多份（按住 Ctrl 或 Shift 多选）已报送的填报，审核通过或退回。"
_SHOW_APPROVED = "同时列出已审核的填报（可退回）"
_APPROVE = "审核通过所选"
_RETURN = "退回所选…"
_INSTRUCT = "对任务批示…"
_OPEN = "在任务表中打开"
_PLACEHOLDER = "在左侧选择一份填报，这里显示它的内容。"


class ReviewView(QWidget):
    """Widgets of the review tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ReviewQueueModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = record_table(self.proxy, stretch_column=1)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        for column in (0, 3, 4, 5, 6, 7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 170)
        self.preview = QTextBrowser()
        self.preview.setPlaceholderText(_PLACEHOLDER)
        self.count_label = QLabel()
        self.show_approved_check = QCheckBox(_SHOW_APPROVED)
        self.approve_button = QPushButton(_APPROVE)
        self.return_button = QPushButton(_RETURN)
        self.instruct_button = QPushButton(_INSTRUCT)
        self.open_button = QPushButton(_OPEN)

        top = QHBoxLayout()
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        top.addWidget(intro, 1)
        top.addWidget(self.show_approved_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (
            self.open_button,
            self.instruct_button,
            self.return_button,
            self.approve_button,
        ):
            buttons.addWidget(button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([860, 520])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
