"""The report form's layout (进展填报), the conflict dialog and the one-text dialog.

The view lays out widgets only; :class:`ui.report_form.ReportForm` fills them and decides.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.progress_models import ActualsModel, EvidenceModel
from ui.views.common import record_table

_UNIT = "填报单位："
_STATUS = "进展状态："
_PERCENT = "完成进度："
_NOT_CHOSEN = "（请选择）"
_PERCENT_NONE = "未填写"
_TEXT_LABELS = {
    "progress": "工作进展",
    "results": "取得成效",
    "problems": "存在问题",
    "next_steps": "下步计划",
}
_TEXT_HINTS = {
    "progress": "本期做了哪些工作：主要措施、完成的事项、推进的项目",
    "results": "取得的成效：量化成果、标志性进展",
    "problems": "推进中存在的困难和问题（没有可不填）",
    "next_steps": "下一步工作计划和时间安排",
}
_OTHERS = "其他单位的填报"
_CONSOLIDATE = "汇总配合单位填报"
_CONSOLIDATE_TIP = "把配合单位已报送的内容，按“【单位】内容”追加到本单位填报的各栏（可重复汇总）"
_ACTUALS = "量化目标实际值"
_ACTUALS_HINT = "双击“实际值”一栏填写本期的实际完成数（只填数字）"
_EVIDENCE = "佐证材料"
_ADD_EVIDENCE = "添加…"
_OPEN_EVIDENCE = "打开"
_REMOVE_EVIDENCE = "删除"
_SAVE = "保存草稿"
_SUBMIT = "报送"
_REVERT = "撤销修改"
_APPROVE = "审核通过"
_RETURN = "退回…"
_INSTRUCT = "批示…"
_PLACEHOLDER = "请在上方表格中选择一项任务。"

_BANNER_RETURNED = "background:#fdecea; color:#b71c1c; border:1px solid #f5c6cb; padding:6px;"
_BANNER_NOTE = "background:#fff8e1; color:#5d4037; border:1px solid #ffe082; padding:6px;"
_BANNER_INFO = "background:#e8f0fe; color:#1a3e72; border:1px solid #c5d7f5; padding:6px;"


def _banner(style: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


class ReportFormView(QWidget):
    """Widgets of the report form; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = QLabel(_PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color:#777;")
        self.return_banner = _banner(_BANNER_RETURNED)
        self.instruction_banner = _banner(_BANNER_NOTE)
        self.notice_banner = _banner(_BANNER_INFO)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.return_banner)
        body.addWidget(self.instruction_banner)
        body.addWidget(self.notice_banner)
        body.addLayout(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_texts())
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        self.splitter = splitter
        body.addWidget(splitter, 1)
        # In a scroll area, so that a small screen scrolls the form instead of the form
        # forcing the window to be taller than the screen.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setMinimumHeight(260)
        # The buttons stay in sight below the scrolled part.
        self.button_bar = QWidget()
        buttons = self._build_buttons()
        buttons.setContentsMargins(0, 4, 0, 0)
        self.button_bar.setLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.button_bar)
        self.scroll_area.setVisible(False)
        self.button_bar.setVisible(False)

    # ------------------------------------------------------------ building

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        unit_label = QLabel(_UNIT)
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumContentsLength(18)
        self.unit_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        unit_label.setBuddy(self.unit_combo)
        status_label = QLabel(_STATUS)
        self.status_combo = QComboBox()
        self.status_combo.setMinimumContentsLength(6)
        status_label.setBuddy(self.status_combo)
        percent_label = QLabel(_PERCENT)
        self.percent_spin = QDoubleSpinBox()
        self.percent_spin.setRange(-1, 100)
        self.percent_spin.setDecimals(0)
        self.percent_spin.setSuffix(" %")
        self.percent_spin.setSpecialValueText(_PERCENT_NONE)
        percent_label.setBuddy(self.percent_spin)
        self.state_label = QLabel()
        self.state_label.setStyleSheet("color:#555;")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (unit_label, self.unit_combo, status_label, self.status_combo):
            row.addWidget(widget)
        row.addWidget(percent_label)
        row.addWidget(self.percent_spin)
        row.addSpacing(12)
        row.addWidget(self.state_label, 1)
        return row

    def _build_texts(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.text_edits: dict[str, QPlainTextEdit] = {}
        for i, (name, label) in enumerate(_TEXT_LABELS.items()):
            edit = QPlainTextEdit()
            edit.setPlaceholderText(_TEXT_HINTS[name])
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(48)
            title = QLabel(f"<b>{label}</b>")
            title.setBuddy(edit)
            grid.addWidget(title, (i // 2) * 2, i % 2)
            grid.addWidget(edit, (i // 2) * 2 + 1, i % 2)
            self.text_edits[name] = edit
        grid.setRowStretch(1, 1)
        grid.setRowStretch(3, 1)
        return box

    def _build_side(self) -> QWidget:
        self.side_tabs = QTabWidget()
        others = QWidget()
        others_layout = QVBoxLayout(others)
        others_layout.setContentsMargins(4, 4, 4, 4)
        self.others_text = QTextBrowser()
        self.others_text.setOpenLinks(False)
        self.consolidate_button = QPushButton(_CONSOLIDATE)
        self.consolidate_button.setToolTip(_CONSOLIDATE_TIP)
        others_layout.addWidget(self.others_text, 1)
        others_layout.addWidget(self.consolidate_button, 0, Qt.AlignmentFlag.AlignRight)
        self.others_box = others

        actuals = QWidget()
        actuals_layout = QVBoxLayout(actuals)
        actuals_layout.setContentsMargins(4, 4, 4, 4)
        self.actuals_model = ActualsModel(self)
        self.actuals_view = record_table(self.actuals_model, stretch_column=1)
        self.actuals_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.actuals_view.horizontalHeader()
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        hint = QLabel(_ACTUALS_HINT)
        hint.setStyleSheet("color:#666;")
        actuals_layout.addWidget(self.actuals_view, 1)
        actuals_layout.addWidget(hint)
        self.actuals_box = actuals

        evidence = QWidget()
        evidence_layout = QVBoxLayout(evidence)
        evidence_layout.setContentsMargins(4, 4, 4, 4)
        self.evidence_model = EvidenceModel(self)
        self.evidence_view = record_table(self.evidence_model, stretch_column=0)
        header = self.evidence_view.horizontalHeader()
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QHBoxLayout()
        self.add_evidence_button = QPushButton(_ADD_EVIDENCE)
        self.open_evidence_button = QPushButton(_OPEN_EVIDENCE)
        self.remove_evidence_button = QPushButton(_REMOVE_EVIDENCE)
        buttons.addStretch(1)
        for button in (
            self.add_evidence_button,
            self.open_evidence_button,
            self.remove_evidence_button,
        ):
            buttons.addWidget(button)
        evidence_layout.addWidget(self.evidence_view, 1)
        evidence_layout.addLayout(buttons)
        self.evidence_box = evidence

        self.side_tabs.addTab(others, _OTHERS)
        self.side_tabs.addTab(actuals, _ACTUALS)
        self.side_tabs.addTab(evidence, _EVIDENCE)
        return self.side_tabs

    def set_side_counts(self, others: int, targets: int, evidence: int) -> None:
        """Show how many other units, targets and evidence files there are on the tabs."""
        tabs = self.side_tabs
        tabs.setTabText(0, f"{_OTHERS}（{others}）")
        tabs.setTabText(1, f"{_ACTUALS}（{targets}）")
        tabs.setTabText(2, f"{_EVIDENCE}（{evidence}）")
        tabs.setTabVisible(1, targets > 0)

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.instruct_button = QPushButton(_INSTRUCT)
        self.approve_button = QPushButton(_APPROVE)
        self.return_button = QPushButton(_RETURN)
        self.revert_button = QPushButton(_REVERT)
        self.save_button = QPushButton(_SAVE)
        self.save_button.setToolTip(
            f"{_SAVE}（{QKeySequence(QKeySequence.StandardKey.Save).toString()}）"
        )
        self.submit_button = QPushButton(_SUBMIT)
        self.submit_button.setDefault(False)
        row.addWidget(self.instruct_button)
        row.addWidget(self.approve_button)
        row.addWidget(self.return_button)
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        row.addWidget(self.submit_button)
        return row

    # ------------------------------------------------------------ filling

    def show_body(self, visible: bool, placeholder: str = _PLACEHOLDER) -> None:
        """The form, or the placeholder text instead of it."""
        self.placeholder.setText(placeholder)
        self.placeholder.setVisible(not visible)
        self.scroll_area.setVisible(visible)
        self.button_bar.setVisible(visible)

    def set_statuses(self, statuses: Sequence[str]) -> None:
        """The statuses a report may take (first entry: none chosen yet)."""
        self.status_combo.blockSignals(True)
        try:
            self.status_combo.clear()
            self.status_combo.addItem(_NOT_CHOSEN, "")
            for status in statuses:
                self.status_combo.addItem(status, status)
        finally:
            self.status_combo.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        """Whether the fields accept input."""
        self.status_combo.setEnabled(editable)
        self.percent_spin.setReadOnly(not editable)
        for edit in self.text_edits.values():
            edit.setReadOnly(not editable)


_CONFLICT_TITLE = "填报已被他人修改"
_CONFLICT_RELOAD = "重新载入（放弃我的修改）"
_CONFLICT_COMPARE = "对比…"
_CONFLICT_OVERWRITE = "保留我的修改并覆盖"
_CONFLICT_CANCEL = "暂不处理"
_COMPARE_HEADERS = ("栏目", "我的修改", "当前保存的内容")
_COMPARE_HINT = "下表列出与当前保存的内容不同的栏目。"


class ConflictDialog(QDialog):
    """A save refused because someone else changed the report: says who, and offers to
    reload, to compare, or (after comparing) to keep one's own text."""

    RELOAD, OVERWRITE, CANCEL = "reload", "overwrite", "cancel"

    def __init__(
        self,
        message: str,
        differences: Sequence[tuple[str, str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_CONFLICT_TITLE)
        self.setMinimumWidth(560)
        self.choice = self.CANCEL
        text = QLabel(message)
        text.setWordWrap(True)
        self.table = QTextBrowser()
        self.table.setHtml(comparison_html(differences))
        self.hint = QLabel(_COMPARE_HINT)
        self.compare_box = QFrame()
        compare = QVBoxLayout(self.compare_box)
        compare.setContentsMargins(0, 0, 0, 0)
        compare.addWidget(self.hint)
        compare.addWidget(self.table)
        self.compare_box.setVisible(False)
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton(
            _CONFLICT_RELOAD, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.compare_button = buttons.addButton(
            _CONFLICT_COMPARE, QDialogButtonBox.ButtonRole.ActionRole
        )
        self.overwrite_button = buttons.addButton(
            _CONFLICT_OVERWRITE, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.overwrite_button.setVisible(False)
        self.cancel_button = buttons.addButton(
            _CONFLICT_CANCEL, QDialogButtonBox.ButtonRole.RejectRole
        )
        self.reload_button.clicked.connect(lambda: self._choose(self.RELOAD))
        self.overwrite_button.clicked.connect(lambda: self._choose(self.OVERWRITE))
        self.compare_button.clicked.connect(self.show_comparison)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.compare_box, 1)
        layout.addWidget(buttons)

    def show_comparison(self) -> None:
        """Show the fields that differ, and the button to keep one's own text."""
        self.compare_box.setVisible(True)
        self.overwrite_button.setVisible(True)
        self.compare_button.setEnabled(False)
        self.resize(max(self.width(), 760), max(self.height(), 460))

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        message: str,
        differences: Sequence[tuple[str, str, str]],
    ) -> str:
        """Show the dialog; RELOAD, OVERWRITE or CANCEL (tests patch this)."""
        dialog = cls(message, differences, parent)
        dialog.exec()
        return dialog.choice


class TextInputDialog(QDialog):
    """Asks for one text that must not be empty (a return reason, an instruction)."""

    def __init__(
        self, title: str, prompt: str, accept_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setEnabled(False)
        self.edit.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.edit.toPlainText().strip()))
        )
        self.ok_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(
        cls, parent: QWidget | None, title: str, prompt: str, accept_text: str = "确定"
    ) -> str | None:
        """The text entered, or None when cancelled (tests patch this)."""
        dialog = cls(title, prompt, accept_text, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.edit.toPlainText().strip()


def text_label(name: str) -> str:
    """The Chinese name of one of the four text fields."""
    return _TEXT_LABELS[name]


TEXT_FIELD_NAMES: tuple[str, ...] = tuple(_TEXT_LABELS)


def others_html(blocks: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> str:
    """The other units' reports as rich text: per unit a head line and its labelled texts."""
    parts = []
    for head, lines in blocks:
        body = "".join(
            f"<p style='margin:2px 0'><span style='color:#555'>{html.escape(label)}：</span>"
            f"{html.escape(text)}</p>"
            for label, text in lines
        )
        parts.append(f"<p style='margin:8px 0 2px 0'><b>{html.escape(head)}</b></p>{body}")
    return "".join(parts)


def comparison_html(differences: Sequence[tuple[str, str, str]]) -> str:
    """The fields that differ, side by side, as an HTML table."""
    cells = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in _COMPARE_HEADERS)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td valign='top'>{html.escape(value).replace(chr(10), '<br/>')}</td>" for value in row
        )
        + "</tr>"
        for row in differences
    )
    return (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<tr style='background:#eee'>{cells}</tr>{rows}</table>"
    )
