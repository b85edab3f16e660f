"""The layout of 导入填报表: what was imported and what was refused, row by row."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.models import SORT_ROLE
from ui.output_models import FormImportResultModel
from ui.views.common import record_table

_TITLE = "导入填报表 — {plan}"
_INTRO = (
    "每个文件先整体检查：有任何问题，该文件就整份不导入（数据库不变），下表逐行说明原因；"
    "没有问题的文件在一个事务中写入，成为各单位的草稿（或按表中选择直接报送）。"
)
_ONLY_PROBLEMS = "只看未导入的原因"
_MORE = "导入更多文件…"
_CLOSE = "关闭"


class FormsImportView(QDialog):
    """The summary, the table of rows, 只看未导入的原因, 导入更多文件…, 关闭."""

    def __init__(self, plan_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE.format(plan=plan_title))
        self.resize(980, 560)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet("color:#555;")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.model = FormImportResultModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(3)
        self.table = record_table(self.proxy, stretch_column=4, wrap=True)
        header = self.table.horizontalHeader()
        for column, width in ((0, 240), (1, 52), (2, 110), (3, 70)):  # （三）2（1） whole
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.only_problems_check = QCheckBox(_ONLY_PROBLEMS)
        self.more_button = QPushButton(_MORE)
        self.close_button = QPushButton(_CLOSE)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.only_problems_check)
        buttons.addStretch(1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
