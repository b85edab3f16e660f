"""The layouts of the export dialogs (工作台账, 填报表, 工作进展情况报告) and of the dialog
that ends an export ("打开文件 / 打开所在文件夹").

The views only build widgets; :mod:`ui.export_dialogs` fills them, checks the choices and
answers ``ask()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

_EXPORT = "导出"
_CANCEL = "取消"
_BROWSE = "浏览…"
_PERIOD = "报告期："
_SAVE_TO = "保存到："
_FOLDER = "保存到文件夹："

_LEDGER_TITLE = "导出工作台账"
_LEDGER_INTRO = (
    "工作台账（.xlsx）每项任务一行，可直接打印（A3 横向，每页重复表头）。只含已报送或已审核的"
    "填报；“汇总”工作表按任务状态、重点领域和牵头单位统计。"
)
_ALL_PERIODS = "并列截至该期的所有报告期"
_AREA = "重点领域："
_LEAD = "牵头单位："
_STATUS = "任务状态："
_ONLY_LATE = "只列逾期任务（截止日期已过仍有单位未报送，或有单位逾期报送）"
_FILTERS = "筛选（可不选）"

_FORMS_TITLE = "导出填报表"
_FORMS_INTRO = (
    "每个单位一份填报表（.xlsx）：列出该单位牵头或配合的任务，预先填入已保存的内容。"
    "各单位填好后，用“导入填报表…”导入。文件夹中同名的填报表会被替换。"
)
_ALL_UNITS = "全部单位（每个单位一份）"
_ONE_UNIT = "一个单位："
_UNITS = "单位："

_REPORT_TITLE = "导出工作进展情况报告"
_REPORT_INTRO = (
    "按公文格式（GB/T 9704-2012）生成 Word 文档（.docx）：总体进展、分领域推进情况、目标完成"
    "情况、存在的问题、下一步工作安排，附件为工作台账。上半年报告期为半年报告，全年报告期为"
    "年度报告。"
)
_KIND = "报告类型："
_TO = "主送机关："
_TO_HINT = "如 市碳达峰碳中和工作领导小组（可不填）"
_ISSUER = "署名："
_DATE = "成文日期："

_FINISHED_OPEN_FILE = "打开文件"
_FINISHED_OPEN_FOLDER = "打开所在文件夹"
_FINISHED_CLOSE = "关闭"


class ExportDialogView(QDialog):
    """What every export dialog has: an introduction, a form, a message line for what is
    missing, and 导出 / 取消."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(760)  # a path under the documents folder shows whole
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        intro_label.setStyleSheet("color:#555;")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color:#c62828;")
        self.message_label.setVisible(False)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_EXPORT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def period_row(self) -> QComboBox:
        """The period chooser, first row of every export."""
        combo = QComboBox()
        combo.setMinimumContentsLength(26)
        self.form.addRow(_PERIOD, combo)
        return combo

    def path_row(self, label: str) -> tuple[QLineEdit, QPushButton]:
        """Where to save: the path, typed or chosen with 浏览…."""
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        edit.textChanged.connect(edit.setToolTip)  # the whole path, however narrow the box
        browse = QPushButton(_BROWSE)
        browse.setAutoDefault(False)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        box.addWidget(browse)
        self.form.addRow(label, row)
        return edit, browse

    def show_message(self, text: str) -> None:
        """Say what is missing or wrong ("" hides the line)."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        """The message shown, if any."""
        return self.message_label.text() if self.message_label.isVisibleTo(self) else ""


def _searchable_combo(all_text: str) -> QComboBox:
    """An editable combo whose typed text finds entries containing it."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMaxVisibleItems(20)
    combo.addItem(all_text, None)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


class LedgerExportView(ExportDialogView):
    """工作台账: period (or every period up to it), filters, file."""

    def __init__(self, all_text: str, parent: QWidget | None = None) -> None:
        super().__init__(_LEDGER_TITLE, _LEDGER_INTRO, parent)
        self.period_combo = self.period_row()
        self.all_periods_check = QCheckBox(_ALL_PERIODS)
        self.form.addRow("", self.all_periods_check)
        filters = QLabel(f"<b>{_FILTERS}</b>")
        self.form.addRow(filters)
        self.area_combo = QComboBox()
        self.area_combo.addItem(all_text, None)
        self.form.addRow(_AREA, self.area_combo)
        self.lead_combo = _searchable_combo(all_text)
        self.form.addRow(_LEAD, self.lead_combo)
        self.status_combo = QComboBox()
        self.status_combo.addItem(all_text, None)
        self.form.addRow(_STATUS, self.status_combo)
        self.late_check = QCheckBox(_ONLY_LATE)
        self.form.addRow("", self.late_check)
        self.path_edit, self.browse_button = self.path_row(_SAVE_TO)


class FormsExportView(ExportDialogView):
    """填报表: period, all units or one (or the units of a 催办 list), folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_FORMS_TITLE, _FORMS_INTRO, parent)
        self.period_combo = self.period_row()
        self.all_units_radio = QRadioButton(_ALL_UNITS)
        self.one_unit_radio = QRadioButton(_ONE_UNIT)
        self.unit_group = QButtonGroup(self)
        self.unit_group.addButton(self.all_units_radio)
        self.unit_group.addButton(self.one_unit_radio)
        self.unit_combo = _searchable_combo("")
        self.unit_combo.removeItem(0)
        self.unit_combo.setMinimumContentsLength(20)
        one = self.one_unit_row = QWidget()
        one_box = QHBoxLayout(one)
        one_box.setContentsMargins(0, 0, 0, 0)
        one_box.addWidget(self.one_unit_radio)
        one_box.addWidget(self.unit_combo, 1)
        self.units_box = QWidget()
        units_layout = QVBoxLayout(self.units_box)
        units_layout.setContentsMargins(0, 0, 0, 0)
        units_layout.addWidget(self.all_units_radio)
        units_layout.addWidget(one)
        self.listed_label = QLabel()
        self.listed_label.setWordWrap(True)
        units_layout.addWidget(self.listed_label)
        self.form.addRow(_UNITS, self.units_box)
        self.folder_edit, self.browse_button = self.path_row(_FOLDER)


class ReportExportView(ExportDialogView):
    """工作进展情况报告: kind and period, addressee, signature, date, file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_REPORT_TITLE, _REPORT_INTRO, parent)
        self.kind_combo = QComboBox()
        self.form.addRow(_KIND, self.kind_combo)
        self.period_combo = self.period_row()
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText(_TO_HINT)
        self.form.addRow(_TO, self.to_edit)
        self.issuer_edit = QLineEdit()
        self.form.addRow(_ISSUER, self.issuer_edit)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        self.form.addRow(_DATE, self.date_edit)
        self.path_edit, self.browse_button = self.path_row(_SAVE_TO)


class ExportFinishedView(QDialog):
    """What was written, and the buttons to open it."""

    def __init__(self, title: str, text: str, files: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.files_text = QPlainTextEdit(files)
        self.files_text.setReadOnly(True)
        self.files_text.setVisible(bool(files))
        self.files_text.setMaximumHeight(160)
        buttons = QDialogButtonBox()
        self.open_file_button = buttons.addButton(
            _FINISHED_OPEN_FILE, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_folder_button = buttons.addButton(
            _FINISHED_OPEN_FOLDER, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(
            _FINISHED_CLOSE, QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.files_text)
        layout.addWidget(buttons)
