"""Units and their aliases: the list, and the small dialogs to add an alias or merge."""

from __future__ import annotations

import html

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.models import SORT_ROLE, UnitTableModel
from ui.views.common import record_table

_TITLE = "单位与别名"
_INTRO = (
    "常见简称（如“市发改委”“住建局”）导入时已自动归并；程序不认识的写法（如本地的“市发改局”）"
    "会被当作新单位。为单位添加别名，以后的导入会自动识别；已经分开的两个单位可以合并。"
    "单位按地区区分：银川市和广元市的“市发展改革委”是两个单位（同名时显示为“地区·名称”），"
    "别名只在该单位所在地区及其下级地区生效。"
)
_SEARCH_HINT = "搜索单位名称、地区或别名"
_ADD_ALIAS = "添加别名…"
_MERGE = "合并到…"
_CLOSE = "关闭"
_COUNT = "共 {count} 个单位"
_READ_ONLY = "只有协调员可以修改单位与别名。"

_ALIAS_TITLE = "添加别名"
_ALIAS_TEXT = "为单位 <b>{unit}</b> 添加一个别名（同一单位的另一种写法）："
_ALIAS_LABEL = "别名："
_MERGE_TITLE = "合并单位"
_MERGE_TEXT = (
    "把单位 <b>{unit}</b> 并入下面选择的单位：它的全部任务、填报和用户都转到目标单位，"
    "它的名称成为目标单位的别名。"
)
_MERGE_LABEL = "并入："
_OK = "确定"
_CANCEL = "取消"


class UnitsDialogView(QDialog):
    """The units table with a search box and the edit buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE)
        self.resize(900, 620)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_SEARCH_HINT)
        self.search_edit.setClearButtonEnabled(True)
        self.model = UnitTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = record_table(self.proxy, self, stretch_column=2)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 300)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            UnitTableModel.COUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents
        )
        self.count_label = QLabel()
        self.add_alias_button = QPushButton(_ADD_ALIAS)
        self.merge_button = QPushButton(_MERGE)
        self.close_button = QPushButton(_CLOSE)
        for button in (self.add_alias_button, self.merge_button, self.close_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.add_alias_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_count(self, count: int, editable: bool) -> None:
        """The line under the table."""
        text = _COUNT.format(count=count)
        self.count_label.setText(text if editable else f"{text}。{_READ_ONLY}")


class AliasDialog(QDialog):
    """Asks for a new alias of one unit."""

    def __init__(self, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_ALIAS_TITLE)
        self.setMinimumWidth(420)
        text = QLabel(_ALIAS_TEXT.format(unit=html.escape(unit)))
        text.setWordWrap(True)
        self.alias_edit = QLineEdit()
        self.alias_edit.setMaxLength(200)
        form = QFormLayout()
        form.addRow(_ALIAS_LABEL, self.alias_edit)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.alias_edit.textChanged.connect(
            lambda value: self.ok_button.setEnabled(bool(value.strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, unit: str) -> str | None:
        """The alias typed, or None when cancelled."""
        dialog = cls(unit, parent)
        if dialog.exec() != cls.DialogCode.Accepted:
            return None
        return dialog.alias_edit.text().strip() or None


class MergeUnitDialog(QDialog):
    """Asks which unit another one is to be merged into."""

    def __init__(self, unit: str, targets: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_MERGE_TITLE)
        self.setMinimumWidth(480)
        text = QLabel(_MERGE_TEXT.format(unit=html.escape(unit)))
        text.setWordWrap(True)
        self.target_combo = QComboBox()
        self.target_combo.setEditable(True)
        self.target_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_combo.addItems(targets)
        self.target_combo.setCurrentIndex(-1)
        completer = QCompleter(self.target_combo.model(), self.target_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.target_combo.setCompleter(completer)
        form = QFormLayout()
        form.addRow(_MERGE_LABEL, self.target_combo)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._targets = set(targets)
        self.ok_button.setEnabled(False)
        self.target_combo.currentTextChanged.connect(
            lambda value: self.ok_button.setEnabled(value in self._targets)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, unit: str, targets: list[str]) -> str | None:
        """The unit chosen to merge into, or None when cancelled."""
        dialog = cls(unit, targets, parent)
        if dialog.exec() != cls.DialogCode.Accepted:
            return None
        chosen = dialog.target_combo.currentText()
        return chosen if chosen in dialog._targets else None
