"""The import preview: what the importer found, before anything is stored."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models import TaskColumn, TaskTableModel, WarningTableModel
from ui.views.common import record_table
from ui.views.task_detail_view import TaskDetailView

_TITLE = "导入预览 — {name}"
_METHODS = {"table": "任务分工表", "annotations": "正文责任分工标注"}
_SUMMARY = (
    "<span style='font-size:large; font-weight:bold'>{title}</span><br/>"
    "文件：{source} · 识别方式：{method} · 重点领域 <b>{areas}</b> 个 · "
    "任务 <b>{tasks}</b> 项 · 警告 <b>{warnings}</b> 条"
)
_CHECK = "请核对下面的任务分工；确认无误后点击“确认导入”，数据库才会改变。"
_NO_TASKS = "文件中没有识别出任何任务，无法导入。"
_WARNINGS_TITLE = "警告（{count}）— 双击定位到该处的任务"
_COMMIT = "确认导入"
_CANCEL = "取消"


class ImportPreviewView(QDialog):
    """Summary line, task table, warnings and the selected task's detail."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(1280, 820)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)

        self.task_model = TaskTableModel(self)
        self.task_view = record_table(self.task_model, self, stretch_column=TaskColumn.CONTENT)
        header = self.task_view.horizontalHeader()
        widths = {
            TaskColumn.CODE: 64,
            TaskColumn.AREA: 160,
            TaskColumn.MEASURE: 210,
            TaskColumn.LEAD: 170,
            TaskColumn.COOPERATING: 220,
            TaskColumn.TARGETS: 60,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)

        self.warning_model = WarningTableModel(self)
        self.warning_view: QTableView = record_table(self.warning_model, self, wrap=True)
        self.warning_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.warnings_label = QLabel()
        warnings_box = self.warnings_box = QWidget()
        warnings_layout = QVBoxLayout(warnings_box)
        warnings_layout.setContentsMargins(0, 0, 0, 0)
        warnings_layout.addWidget(self.warnings_label)
        warnings_layout.addWidget(self.warning_view, 1)

        self.detail_view = TaskDetailView(orientation=Qt.Orientation.Vertical)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(warnings_box)
        bottom.addWidget(self.detail_view)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        bottom.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.task_view)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 360])
        bottom.setSizes([480, 760])

        # Enter in the tables must not import by accident: no default button, hence no
        # QDialogButtonBox (it makes its first accept button the default when shown).
        self.commit_button = QPushButton(_COMMIT)
        self.cancel_button = QPushButton(_CANCEL)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.commit_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def set_summary(
        self,
        *,
        title: str,
        source: str,
        method: str,
        areas: int,
        tasks: int,
        warnings: int,
    ) -> None:
        """The summary line above the tables."""
        self.setWindowTitle(_TITLE.format(name=source))
        self.summary_label.setText(
            _SUMMARY.format(
                title=html.escape(title),
                source=html.escape(source),
                method=html.escape(_METHODS.get(method, method or "—")),
                areas=areas,
                tasks=tasks,
                warnings=warnings,
            )
        )
        self.hint_label.setText(_CHECK if tasks else _NO_TASKS)
        self.commit_button.setEnabled(tasks > 0)
        self.warnings_label.setText(_WARNINGS_TITLE.format(count=warnings))
        self.warnings_box.setVisible(warnings > 0)  # no empty pane when all went well
