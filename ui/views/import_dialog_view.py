"""The import preview: what the importer found, before anything is stored."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.models import PreviewTaskModel, TaskColumn, WarningTableModel
from ui.views.common import record_table
from ui.views.task_detail_view import TaskDetailView

_TITLE = "导入预览 — {name}"
_TITLE_MODIFIED = "导入预览 — {name}（已修改）"
_METHODS = {"table": "任务分工表", "annotations": "正文责任分工标注"}
_SUMMARY = (
    "<span style='font-size:large; font-weight:bold'>{title}</span><br/>"
    "文件：{source} · 识别方式：{method} · 重点领域 <b>{areas}</b> 个 · "
    "{to_import}任务 <b>{tasks}</b> 项{excluded}{edited} · 警告 <b>{warnings}</b> 条"
)
_TO_IMPORT = "将导入"
_EXCLUDED = "（不导入 <b>{count}</b> 项）"
_EDITED = " · 已修改 <b>{count}</b> 项"
_CHECK = (
    "请核对下面的任务分工：双击一项任务（或选中后按 Enter、F2）可修改；取消勾选（或按 Delete）"
    "则不导入该项。确认无误后点击“确认导入”，数据库才会改变。"
)
_NO_TASKS = "文件中没有识别出任何任务，无法导入。"
_WARNINGS_TITLE = "警告（{count}）— 双击定位到该处的任务"
_COMMIT = "确认导入"
_CANCEL = "取消"
_EDIT = "编辑任务…"
_EDIT_TIP = "修改所选任务（双击、Enter 或 F2）"
_EXCLUDE = "不导入此项"
_EXCLUDE_TIP = "所选任务不导入 / 恢复导入（Delete）"
_UNDO = "撤销"
_REDO = "重做"
_UNDO_TIP = "撤销（Ctrl+Z）"
_REDO_TIP = "重做（Ctrl+Shift+Z）"
_UNDO_STEP_TIP = "撤销：{step}（Ctrl+Z）"
_REDO_STEP_TIP = "重做：{step}（Ctrl+Shift+Z）"


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

        self.task_model = PreviewTaskModel(self)
        self.task_view = record_table(self.task_model, self, stretch_column=TaskColumn.CONTENT)
        header = self.task_view.horizontalHeader()
        widths = {
            TaskColumn.CODE: 92,  # check box, 序号 and ✎
            TaskColumn.AREA: 160,
            TaskColumn.MEASURE: 210,
            TaskColumn.LEAD: 170,
            TaskColumn.COOPERATING: 220,
            TaskColumn.TARGETS: 60,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)

        self.edit_action = QAction(_EDIT, self)
        self.edit_action.setIconText(_EDIT)  # a tool button drops the "…" otherwise
        self.edit_action.setToolTip(_EDIT_TIP)
        self.edit_action.setShortcuts(
            [
                QKeySequence(Qt.Key.Key_F2),
                QKeySequence(Qt.Key.Key_Return),
                QKeySequence(Qt.Key.Key_Enter),
            ]
        )
        self.exclude_action = QAction(_EXCLUDE, self)
        self.exclude_action.setCheckable(True)
        self.exclude_action.setToolTip(_EXCLUDE_TIP)
        self.exclude_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        for action in (self.edit_action, self.exclude_action):
            # keys on the task table only: Enter in the warnings still selects a task
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.task_view.addAction(action)
        self.undo_action = QAction(_UNDO, self)
        self.undo_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Z))
        self.undo_action.setToolTip(_UNDO_TIP)
        self.redo_action = QAction(_REDO, self)
        self.redo_action.setShortcuts(
            [
                QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_Z),
                QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Y),
            ]
        )
        self.redo_action.setToolTip(_REDO_TIP)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.edit_action)
        self.toolbar.addAction(self.exclude_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)

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
        tasks_box = QWidget()
        tasks_layout = QVBoxLayout(tasks_box)
        tasks_layout.setContentsMargins(0, 0, 0, 0)
        tasks_layout.setSpacing(2)
        tasks_layout.addWidget(self.toolbar)
        tasks_layout.addWidget(self.task_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(tasks_box)
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
        excluded: int = 0,
        edited: int = 0,
    ) -> None:
        """The summary line above the tables: ``tasks`` are those to import, ``excluded``
        those left out, ``edited`` those changed by hand."""
        window_title = _TITLE_MODIFIED if excluded or edited else _TITLE
        self.setWindowTitle(window_title.format(name=source))
        self.summary_label.setText(
            _SUMMARY.format(
                title=html.escape(title),
                source=html.escape(source),
                method=html.escape(_METHODS.get(method, method or "—")),
                areas=areas,
                to_import=_TO_IMPORT if excluded else "",
                tasks=tasks,
                excluded=_EXCLUDED.format(count=excluded) if excluded else "",
                edited=_EDITED.format(count=edited) if edited else "",
                warnings=warnings,
            )
        )
        total = tasks + excluded
        self.hint_label.setText(_CHECK if total else _NO_TASKS)
        self.commit_button.setEnabled(total > 0)
        self.warnings_label.setText(_WARNINGS_TITLE.format(count=warnings))
        self.warnings_box.setVisible(warnings > 0)  # no empty pane when all went well

    def show_undo_steps(self, undo: str, redo: str) -> None:
        """Name the steps 撤销 and 重做 would take back or do again ("" for none)."""
        self.undo_action.setToolTip(_UNDO_STEP_TIP.format(step=undo) if undo else _UNDO_TIP)
        self.redo_action.setToolTip(_REDO_STEP_TIP.format(step=redo) if redo else _REDO_TIP)
