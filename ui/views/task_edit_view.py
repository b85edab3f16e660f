"""The task editor of the import preview: one task's fields, a hint on unit lists, and the
place where the editor says what is wrong."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.models import AreaKey, area_label

_TITLE = "编辑任务 {code}"
_HEADING = "<b>任务 {code}</b>　<span style='color:#666'>原文位置：{where}</span>"
_NO_PLACE = "—"
_AREA = "重点领域："
_MEASURE = "行动措施："
_CONTENT = "主要工作："
_LEAD = "牵头单位："
_COOPERATING = "配合单位："
_DEADLINE = "完成时限："
_REMARKS = "备注："
_AREA_TIP = (
    "可从列表中选择本方案的其他重点领域，把这项措施移过去；"
    "也可以输入新的领域，编号写在前面，如“三、工业领域碳达峰行动”。"
)
_UNITS_HINT = "单位之间用“、”分隔；简称和省略写法（如“市发改委、工信局”）点击“确定”时换成规范名称。"
_DEADLINE_HINT = "如：2025年底前、长期坚持；可不填"
_OK = "确定"
_CANCEL = "取消"
_ERROR_STYLE = "color:#b00020; font-weight:bold"


def _text_box(lines: int) -> QPlainTextEdit:
    """A wrapping text field about ``lines`` lines high, where Tab moves on."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    margins = box.contentsMargins()
    height = (
        box.fontMetrics().lineSpacing() * lines
        + 2 * box.document().documentMargin()
        + margins.top()
        + margins.bottom()
        + 4
    )
    box.setFixedHeight(int(height))
    return box


class TaskEditView(QDialog):
    """The fields of one task; :meth:`show_task` fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(760, 620)
        self.heading_label = QLabel()
        self.heading_label.setTextFormat(Qt.TextFormat.RichText)
        self.heading_label.setWordWrap(True)

        self.area_combo = QComboBox()
        self.area_combo.setEditable(True)
        self.area_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.area_combo.setToolTip(_AREA_TIP)
        self.area_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = QCompleter(self.area_combo.model(), self.area_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.area_combo.setCompleter(completer)
        self.title_edit = QLineEdit()
        self.content_edit = QPlainTextEdit()
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setMinimumHeight(150)
        self.lead_edit = _text_box(2)
        self.cooperating_edit = _text_box(3)
        units_hint = QLabel(_UNITS_HINT)
        units_hint.setStyleSheet("color:#666")
        cooperating_box = QWidget()  # the hint right under the field it explains
        cooperating_layout = QVBoxLayout(cooperating_box)
        cooperating_layout.setContentsMargins(0, 0, 0, 0)
        cooperating_layout.setSpacing(2)
        cooperating_layout.addWidget(self.cooperating_edit)
        cooperating_layout.addWidget(units_hint)
        # fixed height: the extra room of a bigger window goes to 主要工作
        cooperating_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.deadline_edit = QLineEdit()
        self.deadline_edit.setPlaceholderText(_DEADLINE_HINT)
        self.remarks_edit = QLineEdit()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(_AREA, self.area_combo)
        form.addRow(_MEASURE, self.title_edit)
        form.addRow(_CONTENT, self.content_edit)
        form.addRow(_LEAD, self.lead_edit)
        form.addRow(_COOPERATING, cooperating_box)
        form.addRow(_DEADLINE, self.deadline_edit)
        form.addRow(_REMARKS, self.remarks_edit)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setVisible(False)

        self.button_box = QDialogButtonBox()
        self.ok_button: QPushButton = self.button_box.addButton(
            _OK, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button: QPushButton = self.button_box.addButton(
            _CANCEL, QDialogButtonBox.ButtonRole.RejectRole
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addLayout(form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.button_box)

    def show_fields(
        self,
        *,
        code: str,
        where: str,
        area: AreaKey,
        areas: Sequence[AreaKey],
        title: str,
        content: str,
        lead: str,
        cooperating: str,
        deadline: str,
        remarks: str,
    ) -> None:
        """Fill the fields; ``areas`` are offered in the 重点领域 list."""
        self.setWindowTitle(_TITLE.format(code=code))
        self.heading_label.setText(
            _HEADING.format(code=html.escape(code), where=html.escape(where or _NO_PLACE))
        )
        self.area_combo.clear()
        for key in areas:
            self.area_combo.addItem(area_label(*key), key)
        self.area_combo.setCurrentText(area_label(*area))
        self.title_edit.setText(title)
        self.title_edit.setCursorPosition(0)
        self.content_edit.setPlainText(content)
        self.lead_edit.setPlainText(lead)
        self.cooperating_edit.setPlainText(cooperating)
        self.deadline_edit.setText(deadline)
        self.remarks_edit.setText(remarks)

    def show_problems(self, messages: Sequence[str], focus: QWidget | None = None) -> None:
        """Say what is wrong (nothing: hide the message) and put the cursor where it is."""
        self.error_label.setText("\n".join(messages))
        self.error_label.setVisible(bool(messages))
        if focus is not None:
            focus.setFocus()
