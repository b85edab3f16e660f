"""Who is using the program: the first-run account and the sign-in (controllers).

Both dialogs call the user services themselves and close only with a signed-in
:class:`~tracker.services.actor.Actor`; a wrong password or an invalid account shows its
message in the dialog and lets the user try again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import settings as settings_service
from tracker.services import users
from tracker.services.actor import ROLE_COORDINATOR, Actor
from ui.views.account_view import ChangePasswordView, FirstRunView, SignInView

_NAME_MISSING = "请输入用户名。"
_NAME_SPACES = "用户名的首尾不能有空格。"
_PASSWORD_MISSING = "请输入密码。"
_REPEAT_MISMATCH = "两次输入的密码不一致，请重新输入。"
_SIGN_IN_MISSING = "请输入用户名和密码。"
_PASSWORD_HINT = "至少 {count} 个字符"
_CURRENT_MISSING = "请输入当前密码。"
_NEW_MISSING = "请输入新密码。"


def check_new_account(name: str, password: str, repeat: str) -> str | None:
    """What is wrong with a new account's form, as a message; None when it can be created.

    Rules the user service enforces itself (length, strength, uniqueness) come back from
    it as a :class:`TrackerError` message.
    """
    if not name.strip():
        return _NAME_MISSING
    if name != name.strip():
        return _NAME_SPACES
    if not password:
        return _PASSWORD_MISSING
    if password != repeat:
        return _REPEAT_MISMATCH
    return None


class _BusyCursor:
    """A wait cursor while the (short) password hashing runs."""

    def __enter__(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *_exc: object) -> None:
        QApplication.restoreOverrideCursor()


class FirstRunDialog(FirstRunView):
    """Creates the first coordinator and signs them in."""

    def __init__(self, db: Database, where: str, parent: QWidget | None = None) -> None:
        super().__init__(where, parent)
        self._db = db
        self.actor: Actor | None = None
        minimum = settings_service.get(db).password_min_length
        self.password_edit.setPlaceholderText(_PASSWORD_HINT.format(count=minimum))
        self.accept_button.clicked.connect(self._on_create)
        self.reject_button.clicked.connect(self.reject)

    def _on_create(self) -> None:
        name = self.name_edit.text()
        password = self.password_edit.text()
        problem = check_new_account(name, password, self.repeat_edit.text())
        if problem is not None:
            self.show_message(problem)
            return
        try:
            with _BusyCursor():
                users.add_user(self._db, None, name, ROLE_COORDINATOR, password)
                self.actor = users.authenticate(self._db, name, password)
        except TrackerError as exc:
            self.show_message(str(exc))
            return
        self.show_message("")
        self.accept()

    @classmethod
    def ask(cls, db: Database, where: str, parent: QWidget | None = None) -> Actor | None:
        """Show the dialog; the new coordinator, or None when the user quit."""
        dialog = cls(db, where, parent)
        if dialog.exec() != cls.DialogCode.Accepted:
            return None
        return dialog.actor


class SignInDialog(SignInView):
    """Signs an existing user in; a wrong name or password shows a message, then retry."""

    def __init__(
        self, db: Database, where: str, parent: QWidget | None = None, *, last_name: str = ""
    ) -> None:
        super().__init__(where, parent)
        self._db = db
        self.actor: Actor | None = None
        self.name_edit.setText(last_name)
        if last_name:
            self.password_edit.setFocus()
        self.accept_button.clicked.connect(self._on_sign_in)
        self.reject_button.clicked.connect(self.reject)

    def _on_sign_in(self) -> None:
        name = self.name_edit.text().strip()
        password = self.password_edit.text()
        if not name or not password:
            self.show_message(_SIGN_IN_MISSING)
            return
        try:
            with _BusyCursor():
                self.actor = users.authenticate(self._db, name, password)
        except TrackerError as exc:
            self.show_message(str(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.show_message("")
        self.accept()

    @classmethod
    def ask(
        cls, db: Database, where: str, parent: QWidget | None = None, *, last_name: str = ""
    ) -> Actor | None:
        """Show the dialog; the signed-in user, or None when the user quit."""
        dialog = cls(db, where, parent, last_name=last_name)
        if dialog.exec() != cls.DialogCode.Accepted:
            return None
        return dialog.actor


class ChangePasswordDialog(ChangePasswordView):
    """Changes the signed-in user's own password (the current one is checked)."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor.name, parent)
        self._db = db
        self._actor = actor
        minimum = settings_service.get(db).password_min_length
        self.new_edit.setPlaceholderText(_PASSWORD_HINT.format(count=minimum))
        self.accept_button.clicked.connect(self._on_change)
        self.reject_button.clicked.connect(self.reject)

    def _on_change(self) -> None:
        current, new = self.current_edit.text(), self.new_edit.text()
        if not current:
            self.show_message(_CURRENT_MISSING)
            return
        if not new:
            self.show_message(_NEW_MISSING)
            return
        if new != self.repeat_edit.text():
            self.show_message(_REPEAT_MISMATCH)
            return
        try:
            with _BusyCursor():
                users.change_own_password(self._db, self._actor, current, new)
        except TrackerError as exc:
            self.show_message(str(exc))
            return
        self.show_message("")
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor) -> bool:
        """Show the dialog; True when the password was changed."""
        dialog = cls(db, actor, parent)
        return dialog.exec() == cls.DialogCode.Accepted
