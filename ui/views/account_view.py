"""The sign-in dialogs: the first-run account creation and the ordinary sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.common import APP_TITLE

_FIRST_RUN_TITLE = f"创建协调员账户 — {APP_TITLE}"
_FIRST_RUN_INTRO = (
    "<b>欢迎使用碳达峰任务台账。</b><br/>"
    "数据库中还没有用户。请先为领导小组办公室创建协调员账户："
    "协调员可以导入实施方案、维护单位与别名、管理报告期。"
)
_SIGN_IN_TITLE = f"登录 — {APP_TITLE}"
_SIGN_IN_INTRO = "请输入用户名和密码。"
_NAME = "用户名："
_PASSWORD = "密码："
_REPEAT = "确认密码："
_NAME_HINT = "例如：市发展改革委"
_CREATE = "创建账户"
_SIGN_IN = "登录"
_QUIT = "退出"
_CANCEL_SWITCH = "取消"
_DATABASE = "数据库：{where}"


class _AccountView(QDialog):
    """Shared layout: an introduction, a form, a message line, the buttons."""

    def __init__(
        self, title: str, intro: str, accept_text: str, where: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_NAME_HINT)
        self.name_edit.setMaxLength(100)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form = QFormLayout()
        self.form.addRow(_NAME, self.name_edit)
        self.form.addRow(_PASSWORD, self.password_edit)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setVisible(False)
        where_label = QLabel(_DATABASE.format(where=where))
        where_label.setWordWrap(True)
        where_label.setStyleSheet("color: #666;")
        self.buttons = QDialogButtonBox()
        self.accept_button = QPushButton(accept_text)
        self.accept_button.setDefault(True)
        # At start-up declining ends the program; over an open window it only cancels.
        self.reject_button = QPushButton(_QUIT if parent is None else _CANCEL_SWITCH)
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(where_label)
        layout.addWidget(self.buttons)

    def show_message(self, text: str) -> None:
        """Show a validation or sign-in message (empty text hides it)."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        """The message shown, "" when none."""
        return "" if self.message_label.isHidden() else self.message_label.text()


class FirstRunView(_AccountView):
    """Creates the first coordinator account: name, password, password again."""

    def __init__(self, where: str, parent: QWidget | None = None) -> None:
        super().__init__(_FIRST_RUN_TITLE, _FIRST_RUN_INTRO, _CREATE, where, parent)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(_REPEAT, self.repeat_edit)


class SignInView(_AccountView):
    """Name and password of an existing user."""

    def __init__(self, where: str, parent: QWidget | None = None) -> None:
        super().__init__(_SIGN_IN_TITLE, _SIGN_IN_INTRO, _SIGN_IN, where, parent)


_CHANGE_TITLE = f"修改密码 — {APP_TITLE}"
_CHANGE_INTRO = "修改用户“{name}”的密码：先输入当前密码，再输入两次新密码。"
_CURRENT = "当前密码："
_NEW = "新密码："
_CHANGE = "修改密码"
_CANCEL = "取消"


class ChangePasswordView(QDialog):
    """The signed-in user's current password, and the new one twice."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_CHANGE_TITLE)
        self.setMinimumWidth(420)
        intro = QLabel(_CHANGE_INTRO.format(name=name))
        intro.setWordWrap(True)
        self.current_edit = QLineEdit()
        self.new_edit = QLineEdit()
        self.repeat_edit = QLineEdit()
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_CURRENT, self.current_edit)
        form.addRow(_NEW, self.new_edit)
        form.addRow(_REPEAT, self.repeat_edit)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.accept_button = QPushButton(_CHANGE)
        self.accept_button.setDefault(True)
        self.reject_button = QPushButton(_CANCEL)
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)

    def show_message(self, text: str) -> None:
        """Show what is wrong (empty text hides it)."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        """The message shown, "" when none."""
        return "" if self.message_label.isHidden() else self.message_label.text()
