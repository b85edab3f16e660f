"""The accounts dialog (controller): list the users, add one, change its role or unit,
disable or enable it, reset a password (coordinator). Each form checks what it can, then
lets the user service decide; a refusal is shown in the form, which stays open (and in a
message for 停用 / 启用, which the service may refuse: one's own account, the last active
coordinator)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import settings as settings_service
from tracker.services import units as unit_service
from tracker.services import users
from tracker.services.actor import ROLE_REPORTER, Actor
from ui import dialogs, errors
from ui.account import check_new_account
from ui.progress_models import bound_to
from ui.views.accounts_dialog_view import (
    AccountsDialogView,
    AddUserView,
    EditUserView,
    PasswordView,
)

_ADDED = "已添加用户“{name}”。"
_PASSWORD_SET = "已重置“{name}”的密码。"
_PASSWORD_HINT = "至少 {count} 个字符"
_UNIT_MISSING = "请选择填报员所属的单位。"
_EDITED = "已修改“{name}”：{role}{unit}。"
_DISABLED = "已停用“{name}”：该账户不能再登录，其填报和记录保留。"
_ENABLED = "已启用“{name}”。"
_DISABLE_TITLE = "停用账户"
_DISABLE_TEXT = "停用“{name}”？\n\n停用后该账户不能登录；其填报和审计记录保留，可随时重新启用。"
_DISABLE_YES = "停用"


class AddUserDialog(AddUserView):
    """Adds one account through :func:`tracker.services.users.add_user`."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        units = [u["label"] for u in unit_service.list_units(db)]
        roles = [(role, label) for role, label in users.ROLES.items()]
        super().__init__(roles, units, parent)
        self._db = db
        self._actor = actor
        self.added: str | None = None
        minimum = settings_service.get(db).password_min_length
        self.password_edit.setPlaceholderText(_PASSWORD_HINT.format(count=minimum))
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(ROLE_REPORTER), 0))
        self.role_combo.currentIndexChanged.connect(self._on_role)
        self.ok_button.clicked.connect(self._on_ok)
        self._on_role()

    def _on_role(self, *_args: object) -> None:
        self.unit_combo.setEnabled(self.role_combo.currentData() == ROLE_REPORTER)

    def _on_ok(self) -> None:
        name = self.name_edit.text()
        password = self.password_edit.text()
        problem = check_new_account(name, password, self.repeat_edit.text())
        role = str(self.role_combo.currentData())
        unit = self.unit_combo.currentText().strip() if role == ROLE_REPORTER else None
        if problem is None and role == ROLE_REPORTER and not unit:
            problem = _UNIT_MISSING
        if problem is not None:
            self.show_message(problem)
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the password is hashed
        try:
            users.add_user(self._db, self._actor, name, role, password, unit=unit)
        except TrackerError as exc:
            self.show_message(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.added = name.strip()
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor) -> str | None:
        """The name of the user added, or None (tests patch this)."""
        dialog = cls(db, actor, parent)
        dialog.exec()
        return dialog.added


def _roles_for(user: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The roles offered for ``user``: coordinator and reporter, and a pilot account's own
    role (kept with its pilot or region; the pilot roles are given with the CLI)."""
    roles = list(users.ROLES.items())
    role = str(user["role"])
    if role not in users.ROLES:
        roles.append((role, users.ALL_ROLES.get(role, role)))
    return roles


class EditUserDialog(EditUserView):
    """Changes an account's role and unit through :func:`tracker.services.users.update_user`."""

    def __init__(
        self, db: Database, actor: Actor, user: Mapping[str, Any], parent: QWidget | None = None
    ) -> None:
        units = [u["label"] for u in unit_service.list_units(db)]
        super().__init__(str(user["name"]), _roles_for(user), units, parent)
        self._db, self._actor, self._name = db, actor, str(user["name"])
        self.done_ok = False
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(user["role"]), 0))
        if user.get("unit"):
            self.unit_combo.setEditText(str(user["unit"]))
        self.role_combo.currentIndexChanged.connect(self._on_role)
        self.ok_button.clicked.connect(self._on_ok)
        self._on_role()

    def _on_role(self, *_args: object) -> None:
        self.unit_combo.setEnabled(self.role_combo.currentData() == ROLE_REPORTER)

    def _on_ok(self) -> None:
        role = str(self.role_combo.currentData())
        unit = self.unit_combo.currentText().strip() if role == ROLE_REPORTER else None
        if role == ROLE_REPORTER and not unit:
            self.show_message(_UNIT_MISSING)
            return
        try:
            users.update_user(self._db, self._actor, self._name, role=role, unit=unit)
        except TrackerError as exc:
            self.show_message(str(exc))
            return
        self.done_ok = True
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, db: Database, actor: Actor, user: Mapping[str, Any]
    ) -> bool:
        """Whether the account was changed (tests patch this)."""
        dialog = cls(db, actor, user, parent)
        dialog.exec()
        return dialog.done_ok


class PasswordDialog(PasswordView):
    """Sets a user's password through :func:`tracker.services.users.set_password`."""

    def __init__(self, db: Database, actor: Actor, name: str, parent: QWidget | None = None):
        super().__init__(name, parent)
        self._db, self._actor, self._name = db, actor, name
        self.done_ok = False
        minimum = settings_service.get(db).password_min_length
        self.password_edit.setPlaceholderText(_PASSWORD_HINT.format(count=minimum))
        self.ok_button.clicked.connect(self._on_ok)

    def _on_ok(self) -> None:
        password = self.password_edit.text()
        problem = check_new_account(self._name, password, self.repeat_edit.text())
        if problem is not None:
            self.show_message(problem)
            return
        try:
            users.set_password(self._db, self._actor, self._name, password)
        except TrackerError as exc:
            self.show_message(str(exc))
            return
        self.done_ok = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor, name: str) -> bool:
        """Whether the password was set (tests patch this)."""
        dialog = cls(db, actor, name, parent)
        dialog.exec()
        return dialog.done_ok


class AccountsDialog(AccountsDialogView):
    """See the module docstring."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.add_button.clicked.connect(self._on_add)
        self.edit_button.clicked.connect(self._on_edit)
        self.disable_button.clicked.connect(self._on_disable)
        self.password_button.clicked.connect(self._on_password)
        self.close_button.clicked.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the accounts again and select ``select``."""
        self.model.set_records(users.list_users(self._db, self._actor))
        names = [r["name"] for r in self.model.records()]
        if select in names:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(names.index(select), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_buttons()

    def selected(self) -> Mapping[str, Any] | None:
        """The account selected."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        user = self.selected()
        self.password_button.setEnabled(user is not None)
        self.edit_button.setEnabled(user is not None)
        self.show_disabled(bool(user["disabled"]) if user is not None else None)

    def _on_add(self) -> None:
        name = AddUserDialog.ask(self, self._db, self._actor)
        if name:
            self.reload(select=name)
            self.message_label.setText(_ADDED.format(name=name))

    def _on_edit(self) -> None:
        user = self.selected()
        if user is None or not EditUserDialog.ask(self, self._db, self._actor, user):
            return
        self.reload(select=str(user["name"]))
        changed = self.selected() or user
        unit = f"，{bound_to(changed)}" if bound_to(changed) else ""
        self.message_label.setText(
            _EDITED.format(name=changed["name"], role=changed["role_label"], unit=unit)
        )

    def _on_disable(self) -> None:
        user = self.selected()
        if user is None:
            return
        name, disable = str(user["name"]), not user["disabled"]
        if disable and not dialogs.confirm(
            self, _DISABLE_TITLE, _DISABLE_TEXT.format(name=name), yes=_DISABLE_YES
        ):
            return
        try:
            users.set_disabled(self._db, self._actor, name, disable)
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self.reload(select=name)
        self.message_label.setText((_DISABLED if disable else _ENABLED).format(name=name))

    def _on_password(self) -> None:
        user = self.selected()
        if user is not None and PasswordDialog.ask(self, self._db, self._actor, user["name"]):
            self.message_label.setText(_PASSWORD_SET.format(name=user["name"]))

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor) -> None:
        """Show the dialog modally (tests patch this)."""
        try:
            dialog = cls(db, actor, parent)
        except TrackerError as exc:
            errors.show_error(exc, parent)
            return
        dialog.exec()
