"""The import preview: what the importer found, before anything is stored."""

from __future__ import annotations

import difflib
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from tracker.services.revisions import FIELD_LABELS, UNIT_FIELDS, TaskChange
from ui.models import (
    DiffColumn,
    PreviewTaskModel,
    RevisionDiffModel,
    TaskColumn,
    WarningTableModel,
    area_label,
)
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
_CHECK_REVISION = (
    "请核对下面的任务分工和“修订对比”：双击一项任务（或选中后按 Enter、F2）可修改；取消勾选"
    "（或按 Delete）则新版不含该项。确认无误后点击“确认更新”，数据库才会改变。"
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
_REGION = "发文地区："
_REGION_TIP = "发布该方案的地区：单位按地区区分，同一地区的同名方案按修订版就地更新"
_PROVINCE = "所属省份："
_PROVINCE_TIP = "程序不认识的地区（新设的县、园区等），请选择或输入它所属的省份"
_PROVINCE_UNKNOWN = "（未知）"
_REREAD = "按此地区重新读取"
_REREAD_TIP = "用所选地区的单位别名重新读取文件，并与该地区的同名方案对照"
_REGION_NEW = "新地区，导入时登记。"
_REGION_KNOWN = "已有地区，现有 {count} 个方案。"
_REGION_MISSING = (
    "<b style='color:#b3261e'>未能从标题判断发文地区，请在左侧输入后点击“{reread}”。</b>"
)
_REGION_NOTE = " <span style='color:#8a5a00'>{note}</span>"
_TAB_TASKS = "任务分工（{count}）"
_TAB_DIFF = "修订对比（{summary}）"
_REVISION = (
    "<b>这是已导入方案“{title}”（编号 {plan_id}，第 {revision} 版）的修订版。</b>"
    "确认后将就地更新该方案为第 {next} 版：{summary}。原有任务保留其填报和历史，"
    "撤销的任务连同填报一起归档，不会删除。"
)
_REVISION_ARCHIVED = (
    "<b style='color:#b3261e'>同名方案“{title}”（编号 {plan_id}）已归档，不能导入其修订版。</b>"
    "请先在主窗口恢复该方案。"
)
_COMMIT_REVISION = "确认更新为第 {next} 版"
_SHOW_UNCHANGED = "显示未变动的任务"
_DIFF_PLACEHOLDER = "选择上方的一行，这里对照显示该任务修订前后的内容。"


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
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(tasks_box, "")
        self.tabs.addTab(self._build_diff_tab(), "")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
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

        self.revision_label = self._build_revision_label()

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(self._build_region_bar())
        layout.addWidget(self.revision_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    @staticmethod
    def _build_revision_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setStyleSheet(
            "QLabel { background: #fff6e0; border: 1px solid #e0c070; padding: 6px; }"
        )
        label.setVisible(False)
        return label

    def _build_region_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        region_label = QLabel(_REGION)
        self.region_combo = QComboBox()
        self.region_combo.setEditable(True)
        self.region_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.region_combo.setMinimumContentsLength(14)
        self.region_combo.setToolTip(_REGION_TIP)
        region_label.setBuddy(self.region_combo)
        province_label = QLabel(_PROVINCE)
        self.province_combo = QComboBox()
        self.province_combo.setEditable(True)
        self.province_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.province_combo.setMinimumContentsLength(10)
        self.province_combo.setToolTip(_PROVINCE_TIP)
        province_label.setBuddy(self.province_combo)
        self.reread_button = QPushButton(_REREAD)
        self.reread_button.setToolTip(_REREAD_TIP)
        self.reread_button.setAutoDefault(False)
        self.reread_button.setEnabled(False)
        self.region_status_label = QLabel()
        self.region_status_label.setTextFormat(Qt.TextFormat.RichText)
        self.region_status_label.setWordWrap(True)
        for widget in (region_label, self.region_combo, province_label, self.province_combo):
            bar.addWidget(widget)
        bar.addWidget(self.reread_button)
        bar.addWidget(self.region_status_label, 1)
        return bar

    def _build_diff_tab(self) -> QWidget:
        self.diff_model = RevisionDiffModel(self)
        self.diff_view = record_table(self.diff_model, self, stretch_column=DiffColumn.MEASURE)
        header = self.diff_view.horizontalHeader()
        header.setSectionResizeMode(DiffColumn.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DiffColumn.CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DiffColumn.WHAT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(DiffColumn.WHAT, 360)
        self.show_unchanged_box = QCheckBox(_SHOW_UNCHANGED)
        self.diff_text = QTextBrowser()
        self.diff_text.setOpenLinks(False)
        self.diff_text.setPlaceholderText(_DIFF_PLACEHOLDER)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.show_unchanged_box)
        table_layout.addWidget(self.diff_view, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(table_box)
        split.addWidget(self.diff_text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([700, 540])
        return split

    def set_region(
        self,
        name: str,
        province: str | None,
        *,
        choices: list[str],
        provinces: list[str],
        known: bool,
        plan_count: int,
        note: str | None,
    ) -> None:
        """The region bar: the region (editable, with the stored regions to choose from),
        its province (editable only for a region the database does not have yet)."""
        for combo, items, current in (
            (self.region_combo, choices, name),
            (self.province_combo, [_PROVINCE_UNKNOWN, *provinces], province or _PROVINCE_UNKNOWN),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            combo.setEditText(current)
            combo.blockSignals(False)
        self.province_combo.setEnabled(not known)
        if not name:
            status = _REGION_MISSING.format(reread=_REREAD)
        else:
            status = _REGION_KNOWN.format(count=plan_count) if known else _REGION_NEW
        if note:
            status += _REGION_NOTE.format(note=html.escape(note))
        self.region_status_label.setText(status)
        self.reread_button.setEnabled(False)

    def chosen_region(self) -> tuple[str, str | None]:
        """The region and province typed or chosen in the region bar."""
        province = self.province_combo.currentText().strip()
        return self.region_combo.currentText().strip(), (
            None if province in ("", _PROVINCE_UNKNOWN) else province
        )

    def set_revision(
        self,
        *,
        title: str | None,
        plan_id: int | None,
        revision: int | None,
        summary: str | None,
        archived: bool = False,
    ) -> None:
        """The revision banner and the 修订对比 tab (hidden for a new plan)."""
        is_revision = title is not None
        self.revision_label.setVisible(is_revision)
        self.tabs.setTabVisible(1, is_revision)
        if not is_revision:
            self.commit_button.setText(_COMMIT)
            return
        assert revision is not None
        template = _REVISION_ARCHIVED if archived else _REVISION
        self.revision_label.setText(
            template.format(
                title=html.escape(title or ""),
                plan_id=plan_id,
                revision=revision,
                next=revision + 1,
                summary=html.escape(summary or ""),
            )
        )
        self.tabs.setTabText(1, _TAB_DIFF.format(summary=summary))
        self.commit_button.setText(_COMMIT_REVISION.format(next=revision + 1))
        if self.hint_label.text() == _CHECK:
            self.hint_label.setText(_CHECK_REVISION)
        if archived:
            self.commit_button.setEnabled(False)

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
        self.tabs.setTabText(0, _TAB_TASKS.format(count=tasks))
        self.warnings_label.setText(_WARNINGS_TITLE.format(count=warnings))
        self.warnings_box.setVisible(warnings > 0)  # no empty pane when all went well

    def show_undo_steps(self, undo: str, redo: str) -> None:
        """Name the steps 撤销 and 重做 would take back or do again ("" for none)."""
        self.undo_action.setToolTip(_UNDO_STEP_TIP.format(step=undo) if undo else _UNDO_TIP)
        self.redo_action.setToolTip(_REDO_STEP_TIP.format(step=redo) if redo else _REDO_TIP)


# ---------------------------------------------------------------- one line of the diff

_DEL = "<span style='background:#fbdada; color:#8c1c13; text-decoration:line-through'>{}</span>"
_INS = "<span style='background:#d6f5dc; color:#12561f'>{}</span>"
_DIFF_TITLES = {
    "added": "新增任务 {code}",
    "removed": "撤销任务 {code}（将归档，保留已有填报 {reports} 份）",
    "changed": "任务 {code}：修订前后对照（相似度 {similarity:.0f}%）",
    "unchanged": "任务 {code}：没有变动",
}


def _inline_diff(before: str, after: str) -> str:
    """``before`` → ``after`` with deletions struck through and insertions marked."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(html.escape(before[a1:a2]))
            continue
        if a2 > a1:
            parts.append(_DEL.format(html.escape(before[a1:a2])))
        if b2 > b1:
            parts.append(_INS.format(html.escape(after[b1:b2])))
    return "".join(parts)


def _list_diff(before: tuple[str, ...], after: tuple[str, ...]) -> str:
    """Two unit lists: the units that left struck through, those that came marked."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.extend(html.escape(u) for u in before[a1:a2])
            continue
        parts.extend(_DEL.format(html.escape(u)) for u in before[a1:a2])
        parts.extend(_INS.format(html.escape(u)) for u in after[b1:b2])
    return "、".join(parts)


def _field_text(value: object) -> str:
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value if v)
    return "" if value is None else str(value)


def change_html(change: TaskChange) -> str:
    """One line of a revision diff, for the detail pane: every field of the task, the
    changed ones with what was removed and what was added."""
    task = change.new or change.old
    assert task is not None
    title = _DIFF_TITLES[change.kind].format(
        code=html.escape(task.code),
        reports=change.old.report_count if change.old else 0,
        similarity=change.similarity,
    )
    rows = []
    for name, label in FIELD_LABELS.items():
        if name == "area":
            before = area_label(change.old.area_code, change.old.area) if change.old else ""
            after = area_label(change.new.area_code, change.new.area) if change.new else ""
        else:
            before = _field_text(change.old.value(name)) if change.old else ""
            after = _field_text(change.new.value(name)) if change.new else ""
        if change.kind == "changed" and name in change.fields and change.old and change.new:
            if name in UNIT_FIELDS:
                shown = _list_diff(change.old.value(name), change.new.value(name))
            else:
                shown = _inline_diff(before, after)
            label_html = f"<b>{html.escape(label)}</b>"
        else:
            shown = html.escape(after or before)
            label_html = html.escape(label)
        if not shown:
            continue
        rows.append(
            f"<tr><td style='color:#555; padding-right:12px; white-space:nowrap; "
            f"vertical-align:top'>{label_html}</td><td>{shown}</td></tr>"
        )
    return f"<h3 style='margin-top:0'>{title}</h3><table cellpadding='3'>{''.join(rows)}</table>"
