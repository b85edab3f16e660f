"""The demo database in the application: shown on a first start, signed in as its demo
coordinator and said to be the demo everywhere; 文件 → 返回工作数据库 / 打开示例数据库 switch
between it and the working database, which never gets the sample. Also the sign-in of a
disabled account and 修改密码."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tracker import config, demo
from tracker.db import Database
from tracker.services import plans, users
from tracker.services.actor import Actor
from ui import app
from ui.account import ChangePasswordDialog, FirstRunDialog, SignInDialog
from ui.main_window import MainWindow

from factories import make_plan

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui",)
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("fast_hashing")]

NAME = "市发展改革委"
PASSWORD = "correct-horse-battery"
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def prebuilt_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built once for the module (building takes a few seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    demo.open_demo(path, today=TODAY).close()
    return path


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user data directory of the test's own; no database named by the environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(config.ENV_DB, raising=False)
    return tmp_path / "data"


@pytest.fixture
def demo_copy(prebuilt_demo: Path, data_home: Path) -> Path:
    """The prebuilt demo, where the program keeps its demo database."""
    path = config.demo_db_path()
    shutil.copyfile(prebuilt_demo, path)
    del data_home
    return path


@pytest.fixture
def started_app(settings: QSettings, demo_copy: Path) -> Iterator[app.Started]:
    """The application after a first start (it shows the demo)."""
    started = app.start(None, settings)
    assert isinstance(started, app.Started)
    # Not handed to qtbot: a switch closes and deletes the window; the current one is
    # closed here.
    try:
        yield started
    finally:
        current = started.controller.current if started.controller else started
        assert current is not None
        current.window.close()
        current.db.close()
        del demo_copy


def _first_run(monkeypatch: pytest.MonkeyPatch, calls: list[str]) -> None:
    def first_run(_cls: type, db: Database, where: str, parent: object = None) -> Actor:
        calls.append(where)
        users.add_user(db, None, NAME, "coordinator", PASSWORD)
        return users.authenticate(db, NAME, PASSWORD)

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))


def test_first_start_builds_and_shows_the_demo_signed_in(
    qtbot: QtBot,
    settings: QSettings,
    data_home: Path,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    _first_run(monkeypatch, asked)
    started = app.start(None, settings)  # builds the demo in the background, with progress
    assert isinstance(started, app.Started)
    window = started.window
    qtbot.addWidget(window)
    try:
        assert started.demo and asked == []  # nobody had to create an account
        assert started.actor.name == demo.coordinator_name()
        assert window.windowTitle() == "碳达峰任务台账 — 示例数据库 — 示例协调员"
        assert window.demo_label.isVisibleTo(window)
        assert demo.password() in window.demo_label.text()
        assert window.work_action.isVisible() and not window.demo_action.isVisible()
        assert not window.password_action.isEnabled()
        assert "示例市碳达峰实施方案" in window.plan_combo.currentText()
        assert window.task_model.rowCount() == 39
        assert str(config.demo_db_path()) in window.database_label.text()
        assert config.demo_db_path().parent == data_home / "tanda-tracker"
        assert messages.warnings == [] and messages.crashes == []
        # the working database exists, and is still empty: the sample never went there
        work = Database.open(str(config.default_db_path()))
        try:
            assert users.count_users(work) == 0
            assert plans.list_plans(work, users.local_actor()) == []
        finally:
            work.close()
    finally:
        window.close()
        started.db.close()


def test_return_to_the_working_database_and_back(
    started_app: app.Started,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    _first_run(monkeypatch, asked)
    demo_window = started_app.window
    controller = started_app.controller
    assert controller is not None

    demo_window.work_action.trigger()  # 文件 → 返回工作数据库
    work = controller.current
    assert work is not None and work.window is not demo_window
    assert asked == [str(config.default_db_path())]  # its first coordinator is created
    assert not work.demo and work.actor.name == NAME
    assert work.window.windowTitle() == f"碳达峰任务台账 — {NAME}"
    assert not work.window.demo_label.isVisibleTo(work.window)
    assert plans.list_plans(work.db, work.actor) == []
    assert not demo_window.isVisible()

    work.window.demo_action.trigger()  # 文件 → 打开示例数据库
    back = controller.current
    assert back is not None and back.demo and back.window is not work.window
    assert back.actor.name == demo.coordinator_name()
    assert messages.warnings == [] and messages.crashes == []


def test_second_start_goes_to_the_working_database(
    qtbot: QtBot, settings: QSettings, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = Database.open(str(config.default_db_path()))
    users.add_user(work, None, NAME, "coordinator", PASSWORD)
    work.close()
    monkeypatch.setattr(
        SignInDialog,
        "ask",
        classmethod(
            lambda _cls, db, where, parent=None, last_name="": users.authenticate(
                db, NAME, PASSWORD
            )
        ),
    )
    started = app.start(None, settings)
    assert isinstance(started, app.Started)
    qtbot.addWidget(started.window)
    try:
        assert not started.demo and started.actor.name == NAME
    finally:
        started.window.close()
        started.db.close()
        del demo_copy


def test_a_database_used_from_the_command_line_is_not_a_first_start(
    qtbot: QtBot, settings: QSettings, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # plans imported with the CLI before any account existed
    work = Database.open(str(config.default_db_path()))
    make_plan(work)
    work.close()
    asked: list[str] = []
    _first_run(monkeypatch, asked)
    started = app.start(None, settings)
    assert isinstance(started, app.Started)
    qtbot.addWidget(started.window)
    try:
        assert not started.demo and asked == [str(config.default_db_path())]
        assert len(plans.list_plans(started.db, started.actor)) == 1
    finally:
        started.window.close()
        started.db.close()
        del demo_copy


def test_a_failed_demo_leaves_the_working_database_to_set_up(
    qtbot: QtBot,
    settings: QSettings,
    data_home: Path,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config.demo_db_path().write_text("这不是示例数据库", encoding="utf-8")
    asked: list[str] = []
    _first_run(monkeypatch, asked)
    started = app.start(None, settings)
    assert isinstance(started, app.Started)
    qtbot.addWidget(started.window)
    try:
        assert len(messages.warnings) == 1  # said why the demo could not be opened
        assert not started.demo and asked == [str(config.default_db_path())]
    finally:
        started.window.close()
        started.db.close()
        del data_home


# ---------------------------------------------------------------- accounts in the UI


def test_sign_in_refuses_a_disabled_account(
    qtbot: QtBot, gui_db: Database, coordinator: Actor
) -> None:
    users.add_user(gui_db, coordinator, "老账户", "coordinator", PASSWORD)
    users.set_disabled(gui_db, coordinator, "老账户", True)
    dialog = SignInDialog(gui_db, "/tmp/x.sqlite3", last_name="老账户")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText(PASSWORD)
    dialog.accept_button.click()
    assert dialog.actor is None
    assert "账户“老账户”已停用，不能登录" in dialog.message()
    assert dialog.result() != dialog.DialogCode.Accepted


def test_change_password_dialog(qtbot: QtBot, gui_db: Database, coordinator: Actor) -> None:
    dialog = ChangePasswordDialog(gui_db, coordinator)
    qtbot.addWidget(dialog)
    dialog.accept_button.click()
    assert dialog.message() == "请输入当前密码。"
    dialog.current_edit.setText("wrong-password")
    dialog.new_edit.setText("new-password-1")
    dialog.repeat_edit.setText("new-password-2")
    dialog.accept_button.click()
    assert "两次输入的密码不一致" in dialog.message()
    dialog.repeat_edit.setText("new-password-1")
    dialog.accept_button.click()
    assert dialog.message() == "用户名或密码错误。"
    dialog.current_edit.setText(PASSWORD)
    dialog.accept_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert users.authenticate(gui_db, coordinator.name, "new-password-1").name == coordinator.name


def test_the_menu_offers_change_password(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    settings: QSettings,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []

    def ask(_cls: type, parent: object, db: Database, actor: Actor) -> bool:
        shown.append(actor.name)
        return True

    monkeypatch.setattr(ChangePasswordDialog, "ask", classmethod(ask))
    window = MainWindow(gui_db, coordinator, settings=settings)
    qtbot.addWidget(window)
    assert window.password_action.isEnabled()
    window.password_action.trigger()
    assert shown == [coordinator.name]
    assert messages.infos == [("修改密码", "密码已修改，下次登录请使用新密码。")]
