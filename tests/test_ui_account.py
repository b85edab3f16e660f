"""Signing in: the first-run coordinator account, the sign-in dialog, and the start-up of
the application up to the main window with the sample plan."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.services import plans, users
from tracker.services.actor import Actor
from ui import app
from ui.account import FirstRunDialog, SignInDialog, check_new_account

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui",)
pytestmark = [
    pytest.mark.gui,
    pytest.mark.usefixtures("fast_hashing"),
]

WHERE = "/tmp/测试.sqlite3"
NAME = "市发展改革委"
PASSWORD = "correct-horse-battery"
WAIT_MS = 30_000


@pytest.mark.parametrize(
    ("name", "password", "repeat", "problem"),
    [
        ("", "abcdefgh", "abcdefgh", "请输入用户名。"),
        ("   ", "abcdefgh", "abcdefgh", "请输入用户名。"),
        (" 张三", "abcdefgh", "abcdefgh", "用户名的首尾不能有空格。"),
        ("张三", "", "", "请输入密码。"),
        ("张三", "abcdefgh", "abcdefgx", "两次输入的密码不一致，请重新输入。"),
        ("张三", "abcdefgh", "abcdefgh", None),
    ],
)
def test_check_new_account(name: str, password: str, repeat: str, problem: str | None) -> None:
    assert check_new_account(name, password, repeat) == problem


def _fill(dialog: FirstRunDialog, name: str, password: str, repeat: str) -> None:
    dialog.name_edit.setText(name)
    dialog.password_edit.setText(password)
    dialog.repeat_edit.setText(repeat)
    dialog.accept_button.click()


def test_first_run_creates_the_coordinator(qtbot: QtBot, gui_db: Database) -> None:
    dialog = FirstRunDialog(gui_db, WHERE)
    qtbot.addWidget(dialog)
    assert users.count_users(gui_db) == 0

    _fill(dialog, NAME, PASSWORD, PASSWORD + "x")
    assert dialog.message() == "两次输入的密码不一致，请重新输入。"
    assert dialog.result() != FirstRunDialog.DialogCode.Accepted
    assert users.count_users(gui_db) == 0

    _fill(dialog, NAME, "short", "short")  # the service's own password rule
    assert "密码太短" in dialog.message()
    assert users.count_users(gui_db) == 0

    _fill(dialog, NAME, PASSWORD, PASSWORD)
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert dialog.message() == ""
    assert dialog.actor is not None
    assert (dialog.actor.name, dialog.actor.is_coordinator) == (NAME, True)
    assert users.count_users(gui_db) == 1
    assert users.authenticate(gui_db, NAME, PASSWORD).is_coordinator


def test_sign_in_failure_then_success(qtbot: QtBot, gui_db: Database, coordinator: Actor) -> None:
    dialog = SignInDialog(gui_db, WHERE, last_name=coordinator.name)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == coordinator.name

    dialog.password_edit.setText("wrong-password")
    dialog.accept_button.click()
    assert dialog.message() == "用户名或密码错误。"
    assert dialog.password_edit.text() == ""  # cleared for the retry
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert dialog.actor is None

    dialog.password_edit.setText("")
    dialog.accept_button.click()
    assert dialog.message() == "请输入用户名和密码。"

    dialog.password_edit.setText(PASSWORD)
    dialog.accept_button.click()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.actor == coordinator


def test_sign_in_with_unknown_user(qtbot: QtBot, gui_db: Database, coordinator: Actor) -> None:
    del coordinator
    dialog = SignInDialog(gui_db, WHERE)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("没有这个人")
    dialog.password_edit.setText(PASSWORD)
    dialog.accept_button.click()
    assert dialog.message() == "用户名或密码错误。"
    assert dialog.actor is None


def test_sign_in_picks_the_dialog_and_remembers_the_user(
    gui_db: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def first_run(_cls: type, db: Database, where: str, parent: object = None) -> Actor:
        asked.append("first-run")
        users.add_user(db, None, NAME, "coordinator", PASSWORD)
        return users.authenticate(db, NAME, PASSWORD)

    def sign_in(
        _cls: type, db: Database, where: str, parent: object = None, *, last_name: str = ""
    ) -> Actor:
        asked.append(f"sign-in:{last_name}")
        return users.authenticate(db, last_name, PASSWORD)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    monkeypatch.setattr(SignInDialog, "ask", classmethod(sign_in))
    first = app.sign_in(gui_db, settings)
    second = app.sign_in(gui_db, settings)
    assert asked == ["first-run", f"sign-in:{NAME}"]
    assert first == second and first is not None and first.name == NAME


def test_start_on_a_named_database_never_imports_the_sample(
    qtbot: QtBot,
    tmp_path: Path,
    settings: QSettings,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def first_run(_cls: type, db: Database, where: str, parent: object = None) -> Actor:
        assert where == str(tmp_path / "app.sqlite3")
        users.add_user(db, None, NAME, "coordinator", PASSWORD)
        return users.authenticate(db, NAME, PASSWORD)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    started = app.start(str(tmp_path / "app.sqlite3"), settings)
    assert isinstance(started, app.Started)
    window = started.window
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and not started.demo
        assert window.import_flow is None
        assert plans.list_plans(started.db, started.actor) == []  # nothing imported unasked
        assert "示例数据库" not in window.windowTitle()
        assert window.demo_action.isVisible() and not window.work_action.isVisible()
        assert messages.warnings == [] and messages.crashes == []
    finally:
        window.close()
        started.db.close()


def test_start_without_sign_in_ends_quietly(
    tmp_path: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        FirstRunDialog, "ask", classmethod(lambda _cls, db, where, parent=None: None)
    )
    assert app.start(str(tmp_path / "app.sqlite3"), settings) == app.EXIT_CANCELLED


def test_start_with_a_database_that_cannot_be_opened(
    tmp_path: Path, settings: QSettings, messages: Messages
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = app.start(str(blocker / "sub" / "x.sqlite3"), settings)
    assert code == 8  # DatabaseError.exit_code
    assert len(messages.warnings) == 1
    assert "无法打开数据库" in messages.warnings[0][1]
    assert messages.crashes == []


def test_parse_args() -> None:
    assert app.parse_args(["--db", "sqlite:///x.db"]).db == "sqlite:///x.db"
    assert app.parse_args([]).db is None
    with pytest.raises(SystemExit):
        app.parse_args(["--bogus"])


def test_start_on_an_old_database_says_where_the_backup_is(
    qtbot: QtBot,
    tmp_path: Path,
    settings: QSettings,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "tracker-0001.sqlite3", old)

    def first_run(_cls: type, db: Database, where: str, parent: object = None) -> Actor:
        users.add_user(db, None, NAME, "coordinator", PASSWORD)
        return users.authenticate(db, NAME, PASSWORD)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    started = app.start(str(old), settings)
    assert isinstance(started, app.Started)
    qtbot.addWidget(started.window)
    try:
        assert [title for title, _ in messages.infos] == ["数据库已升级"]
        assert str(started.db.backup_made) in messages.infos[0][1]
        assert started.window.import_flow is None  # nothing is imported unasked
    finally:
        started.window.close()
        started.db.close()


def test_declining_says_quit_at_start_up_and_cancel_over_a_window(
    qtbot: QtBot, gui_db: Database
) -> None:
    from PySide6.QtWidgets import QWidget

    alone = SignInDialog(gui_db, WHERE)
    qtbot.addWidget(alone)
    assert alone.reject_button.text() == "退出"
    window = QWidget()
    qtbot.addWidget(window)
    over = FirstRunDialog(gui_db, WHERE, window)  # switching databases from a window
    assert over.reject_button.text() == "取消"
