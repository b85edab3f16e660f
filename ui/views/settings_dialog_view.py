"""The layout of 共享设置 (the settings every desk of the database shares), the status
editor and the question for a replacement status."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.progress_models import StatusModel, color_icon
from ui.views.common import record_table

_TITLE = "共享设置"
_INTRO = (
    "这些设置保存在数据库中，连接同一数据库的每台电脑都使用同一份；修改后其他电脑在下一次"
    "操作（或刷新）时生效，每次修改都记入审计日志。"
)
_STATUSES = "状态词表"
_STATUSES_NOTE = (
    "推进程度决定多个牵头单位的任务取哪个状态（取最低的）；推进程度最高的状态表示“已完成”，"
    "只能有一个。已有填报使用的状态，删除时须指定替代状态，重命名时这些填报随之改名。"
)
_ADD = "添加…"
_EDIT = "修改…"
_RENAME = "重命名…"
_UP = "上移"
_DOWN = "下移"
_REMOVE = "删除…"
_OTHER = "其他设置"
_SAVE = "保存设置"
_CLOSE = "关闭"
_NEXT_YEAR = "次年"
_MONTH_ITEM = "{month}月"
_DAY_SUFFIX = " 日"
_DAYS_SUFFIX = " 天"
_CHARS_SUFFIX = " 个字符"
_SIZE_SUFFIX = " MB"

_STATUS_TITLE_ADD = "添加状态"
_STATUS_TITLE_EDIT = "修改状态“{name}”"
_NAME = "名称："
_DESCRIPTION = "说明："
_COLOR = "颜色："
_CHOOSE_COLOR = "选择…"
_COLOR_HINT = "#RRGGBB，如 #2e7d32（可不填）"
_RANK = "推进程度："
_RANK_NOTE = "整数，越大表示越接近完成；推进程度最高的状态表示“已完成”，只能有一个。"
_OK = "确定"
_CANCEL = "取消"

_REPLACE_TITLE = "删除状态“{name}”"
_REPLACE_TEXT = "状态“{name}”已有 {count} 份填报使用。删除后，这些填报改用："
_REPLACE = "删除并替换"


class DueDateEdit(QWidget):
    """A default due date as month and day, in the period's year or (``next_year``) the
    next: 7月10日, 次年1月10日."""

    def __init__(self, *, next_year: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.next_year_check = QCheckBox(_NEXT_YEAR)
        self.next_year_check.setChecked(next_year)
        self.month_combo = QComboBox()
        for month in range(1, 13):
            self.month_combo.addItem(_MONTH_ITEM.format(month=month), month)
        self.day_spin = QSpinBox()
        self.day_spin.setRange(1, 31)
        self.day_spin.setSuffix(_DAY_SUFFIX)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.next_year_check)
        layout.addWidget(self.month_combo)
        layout.addWidget(self.day_spin)
        layout.addStretch(1)

    def set_value(self, month: int, day: int, next_year: bool) -> None:
        """Show a stored due date."""
        self.month_combo.setCurrentIndex(month - 1)
        self.day_spin.setValue(day)
        self.next_year_check.setChecked(next_year)

    def text(self) -> str:
        """The date as the settings service reads it: 7月10日, 次年1月10日."""
        prefix = _NEXT_YEAR if self.next_year_check.isChecked() else ""
        return f"{prefix}{self.month_combo.currentData()}月{self.day_spin.value()}日"


class SettingsDialogView(QDialog):
    """The status vocabulary with its buttons, and the other shared settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE)
        self.resize(900, 640)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet("color:#555;")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._status_box(), 1)
        layout.addWidget(self._other_box())
        buttons = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        buttons.addWidget(self.message_label, 1)
        self.close_button = QPushButton(_CLOSE)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def _status_box(self) -> QGroupBox:
        box = QGroupBox(_STATUSES)
        self.status_model = StatusModel(self)
        self.status_table = record_table(self.status_model, stretch_column=2)
        header = self.status_table.horizontalHeader()
        for column in (0, 1, 3, 4, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(_STATUSES_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        self.add_button = QPushButton(_ADD)
        self.edit_button = QPushButton(_EDIT)
        self.rename_button = QPushButton(_RENAME)
        self.up_button = QPushButton(_UP)
        self.down_button = QPushButton(_DOWN)
        self.remove_button = QPushButton(_REMOVE)
        buttons = QVBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.rename_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        ):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.status_table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(box)
        layout.addLayout(row, 1)
        layout.addWidget(note)
        return box

    def _other_box(self) -> QGroupBox:
        box = QGroupBox(_OTHER)
        form = QFormLayout()
        self.due_h1_edit = DueDateEdit(next_year=False)
        # the first half is due that year; its month stays under the second half's month
        h1_check = self.due_h1_edit.next_year_check
        policy = h1_check.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        h1_check.setSizePolicy(policy)
        h1_check.setVisible(False)
        self.due_h2_edit = DueDateEdit(next_year=True)
        self.warning_spin = QSpinBox()
        self.warning_spin.setRange(0, 365)
        self.warning_spin.setSuffix(_DAYS_SUFFIX)
        self.password_spin = QSpinBox()
        self.password_spin.setRange(6, 128)
        self.password_spin.setSuffix(_CHARS_SUFFIX)
        self.evidence_spin = QDoubleSpinBox()
        self.evidence_spin.setRange(0.1, 512.0)
        self.evidence_spin.setDecimals(1)
        self.evidence_spin.setSuffix(_SIZE_SUFFIX)
        self.fields: dict[str, QWidget] = {
            "due_dates.H1": self.due_h1_edit,
            "due_dates.H2": self.due_h2_edit,
            "reminder_warning_days": self.warning_spin,
            "evidence_max_bytes": self.evidence_spin,
            "password_min_length": self.password_spin,
        }
        self.field_labels: dict[str, QLabel] = {}
        self.field_hints: dict[str, QLabel] = {}
        for key, widget in self.fields.items():
            label, hint = QLabel(), QLabel()
            hint.setStyleSheet("color:#666;")
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(widget)
            row_layout.addWidget(hint, 1)
            form.addRow(label, row)
            self.field_labels[key], self.field_hints[key] = label, hint
        self.save_button = QPushButton(_SAVE)
        self.save_button.setAutoDefault(False)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(save_row)
        return box


class StatusEditView(QDialog):
    """Name (only when adding), description, colour and rank of a status."""

    def __init__(self, name: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            _STATUS_TITLE_ADD if name is None else _STATUS_TITLE_EDIT.format(name=name)
        )
        self.setMinimumWidth(480)
        self.name_edit = QLineEdit(name or "")
        self.name_edit.setEnabled(name is None)
        self.description_edit = QLineEdit()
        self.color_edit = QLineEdit()
        self.color_edit.setPlaceholderText(_COLOR_HINT)
        self.color_button = QPushButton(_CHOOSE_COLOR)
        self.color_button.setAutoDefault(False)
        self.color_button.clicked.connect(self._on_choose_color)
        self.color_edit.textChanged.connect(self._show_swatch)
        color_row = QWidget()
        color_layout = QHBoxLayout(color_row)
        color_layout.setContentsMargins(0, 0, 0, 0)
        color_layout.addWidget(self.color_edit, 1)
        color_layout.addWidget(self.color_button)
        self.rank_spin = QSpinBox()
        self.rank_spin.setRange(-1000, 1000)
        rank_note = QLabel(_RANK_NOTE)
        rank_note.setWordWrap(True)
        rank_note.setStyleSheet("color:#666;")
        form = QFormLayout()
        form.addRow(_NAME, self.name_edit)
        form.addRow(_DESCRIPTION, self.description_edit)
        form.addRow(_COLOR, color_row)
        form.addRow(_RANK, self.rank_spin)
        form.addRow("", rank_note)
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color:#c62828;")
        self.message_label.setWordWrap(True)
        box = QDialogButtonBox()
        self.ok_button = box.addButton(_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = box.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(box)

    def _on_choose_color(self) -> None:
        current = QColor(self.color_edit.text().strip() or "#ffffff")
        chosen = QColorDialog.getColor(current, self, _COLOR)
        if chosen.isValid():
            self.color_edit.setText(chosen.name())

    def _show_swatch(self, text: str) -> None:
        valid = QColor.isValidColorName(text.strip()) if text.strip() else False
        self.color_button.setIcon(color_icon(text.strip() if valid else ""))


class ReplacementView(QDialog):
    """Which status the reports of a removed status take instead."""

    def __init__(self, name: str, count: int, others: list[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_REPLACE_TITLE.format(name=name))
        label = QLabel(_REPLACE_TEXT.format(name=name, count=count))
        label.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.addItems(others)
        box = QDialogButtonBox()
        ok = box.addButton(_REPLACE, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = box.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(box)
