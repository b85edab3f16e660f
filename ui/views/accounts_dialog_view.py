"""The accounts dialog's layout, and the forms to add a user and to set a password."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
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

from ui.progress_models import UserModel
from ui.views.common import record_table

_TITLE = "用户账户"
_INTRO = (
    "协调员可以做一切操作；填报员绑定一个单位，只能看到并填报本单位牵头或配合的任务。"
    "试点主体（绑定一个试点）和地级市发展改革委（绑定一个地区）的账户用命令行 "
    "tracker user add 添加。"
)
_ADD = "添加用户…"
_EDIT = "修改角色或单位…"
_DISABLE = "停用"
_ENABLE = "启用"
_PASSWORD = "重置密码…"
_CLOSE = "关闭"
_ADD_TITLE = "添加用户"
_PASSWORD_TITLE = "重置密码 — {name}"
_EDIT_TITLE = "修改角色或单位 — {name}"
_NAME = "用户名："
_ROLE = "角色："
_UNIT = "单位："
_NEW_PASSWORD = "密码："
_REPEAT = "确认密码："
_UNIT_HINT = "填报员所属单位（输入可筛选）"
_OK = "确定"
_CANCEL = "取消"


class AccountsDialogView(QDialog):
    """The accounts and the buttons acting on them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE)
        self.resize(720, 460)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        self.model = UserModel(self)
        self.table = record_table(self.model, stretch_column=2)
        header = self.table.horizontalHeader()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(_ADD)
        self.edit_button = QPushButton(_EDIT)
        self.disable_button = QPushButton(_DISABLE)
        self.password_button = QPushButton(_PASSWORD)
        self.close_button = QPushButton(_CLOSE)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.edit_button)
        self.buttons.addWidget(self.disable_button)
        self.buttons.addWidget(self.password_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.close_button)
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color:#2e7d32;")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(self.buttons)

    def show_disabled(self, disabled: bool | None) -> None:
        """The 停用 button says 启用 for a disabled account (None: nothing selected)."""
        self.disable_button.setText(_ENABLE if disabled else _DISABLE)
        self.disable_button.setEnabled(disabled is not None)


class _FormDialog(QDialog):
    """A form with a message line and 确定 / 取消."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color:#b00020;")
        self.message_label.setVisible(False)
        box = QDialogButtonBox()
        self.ok_button = box.addButton(_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = box.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(box)

    def show_message(self, text: str) -> None:
        """Say what is wrong (empty: nothing)."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _password_edit(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _role_combo(self, roles: Sequence[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for role, label in roles:
            combo.addItem(label, role)
        return combo

    def _unit_combo(self, units: Sequence[str]) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(list(units))
        combo.setCurrentIndex(-1)
        combo.setMinimumContentsLength(20)
        edit = combo.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(_UNIT_HINT)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        return combo


class AddUserView(_FormDialog):
    """Name, role, unit (reporters), password twice."""

    def __init__(
        self, roles: Sequence[tuple[str, str]], units: Sequence[str], parent: QWidget | None
    ) -> None:
        super().__init__(_ADD_TITLE, parent)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(100)
        self.role_combo = self._role_combo(roles)
        self.unit_combo = self._unit_combo(units)
        self.password_edit = self._password_edit()
        self.repeat_edit = self._password_edit()
        self.form.addRow(_NAME, self.name_edit)
        self.form.addRow(_ROLE, self.role_combo)
        self.form.addRow(_UNIT, self.unit_combo)
        self.form.addRow(_NEW_PASSWORD, self.password_edit)
        self.form.addRow(_REPEAT, self.repeat_edit)


class PasswordView(_FormDialog):
    """A new password, twice."""

    def __init__(self, name: str, parent: QWidget | None) -> None:
        super().__init__(_PASSWORD_TITLE.format(name=name), parent)
        self.password_edit = self._password_edit()
        self.repeat_edit = self._password_edit()
        self.form.addRow(_NEW_PASSWORD, self.password_edit)
        self.form.addRow(_REPEAT, self.repeat_edit)


class EditUserView(_FormDialog):
    """An account's role and unit (reporters)."""

    def __init__(
        self,
        name: str,
        roles: Sequence[tuple[str, str]],
        units: Sequence[str],
        parent: QWidget | None,
    ) -> None:
        super().__init__(_EDIT_TITLE.format(name=name), parent)
        self.role_combo = self._role_combo(roles)
        self.unit_combo = self._unit_combo(units)
        self.form.addRow(_ROLE, self.role_combo)
        self.form.addRow(_UNIT, self.unit_combo)
