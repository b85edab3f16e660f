"""The dialogs of the 管理 and 文件 menus: periods, accounts, preferences; and Qt's own
texts in Chinese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.errors import AuthenticationFailed
from tracker.services import periods, users
from tracker.services import settings as settings_service
from ui import preferences
from ui.accounts_dialog import AccountsDialog, AddUserDialog, EditUserDialog, PasswordDialog
from ui.app import create_application
from ui.periods_dialog import PeriodsDialog
from ui.preferences import PreferencesDialog
from ui.settings_dialog import SettingsDialog, StatusEditDialog, StatusValues

from desk import Answers, wait_for
from factories import MIIT, NDRC, PASSWORD, World

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui", "conftest_desk")
pytestmark = pytest.mark.gui


# ---------------------------------------------------------------- periods


def test_periods_dialog_due_date_lock_and_reopen(
    qtbot: QtBot, world: World, answers: Answers, messages: Messages
) -> None:
    dialog = PeriodsDialog(world.db, world.coordinator, world.plan.plan_id)
    qtbot.addWidget(dialog)
    first = dialog.model.record(0)
    assert dialog.model.rowCount() == 4 and first["state"] == "开放"
    dialog.select_row(0)
    new_due = dt.date(first["year"], 7, 20)
    answers.due_dates.append(new_due)
    dialog.due_button.click()
    assert dialog.model.record(0)["due_date"] == new_due.isoformat()
    answers.due_dates.append(dt.date(first["year"] + 5, 1, 1))  # refused by the service
    dialog.due_button.click()
    assert "与报告期" in messages.warnings[-1][1]
    dialog.lock_button.click()
    assert "确定锁定吗" in messages.confirms[-1][1]
    assert dialog.model.record(0)["locked"] and dialog.changed
    answers.texts.append("补报遗漏的数据")
    dialog.reopen_button.click()
    record = dialog.model.record(0)
    assert not record["locked"] and record["reopen_reason"] == "补报遗漏的数据"
    assert "重新开放：补报遗漏的数据" in dialog.model.index(0, 4).data()
    stored = periods.list_periods(world.db, world.coordinator, world.plan.plan_id)["periods"][0]
    assert stored["due_date"] == new_due.isoformat() and not stored["locked"]


# ---------------------------------------------------------------- accounts


def test_accounts_dialog_adds_a_reporter_and_resets_a_password(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    del messages
    added: list[AddUserDialog] = []

    def add(_cls: type, parent: Any, db: Database, actor: Any) -> str | None:
        dialog = AddUserDialog(db, actor, parent)
        added.append(dialog)
        dialog.name_edit.setText("工信局新填报员")
        dialog.password_edit.setText("short")
        dialog.repeat_edit.setText("short")
        dialog.ok_button.click()  # refused: too short, and no unit chosen yet
        dialog.unit_combo.setEditText(MIIT)
        dialog.ok_button.click()
        assert "密码太短" in dialog.message_label.text()
        dialog.password_edit.setText("long-enough-1")
        dialog.repeat_edit.setText("long-enough-1")
        dialog.ok_button.click()
        return dialog.added

    def reset(_cls: type, parent: Any, db: Database, actor: Any, name: str) -> bool:
        dialog = PasswordDialog(db, actor, name, parent)
        dialog.password_edit.setText("brand-new-pass")
        dialog.repeat_edit.setText("brand-new-pass")
        dialog.ok_button.click()
        return dialog.done_ok

    monkeypatch.setattr(AddUserDialog, "ask", classmethod(add))
    monkeypatch.setattr(PasswordDialog, "ask", classmethod(reset))
    dialog = AccountsDialog(world.db, world.coordinator)
    qtbot.addWidget(dialog)
    before = dialog.model.rowCount()
    assert not dialog.password_button.isEnabled()
    dialog.add_button.click()
    assert dialog.model.rowCount() == before + 1
    assert dialog.selected() is not None and dialog.selected()["unit"] == MIIT
    assert "已添加用户“工信局新填报员”" in dialog.message_label.text()
    actor = users.authenticate(world.db, "工信局新填报员", "long-enough-1")
    assert actor.unit_name == MIIT and not actor.is_coordinator
    dialog.password_button.click()
    assert users.authenticate(world.db, "工信局新填报员", "brand-new-pass").name == actor.name
    with pytest.raises(AuthenticationFailed):
        users.authenticate(world.db, "工信局新填报员", "long-enough-1")


def test_accounts_dialog_changes_a_unit_and_disables_then_enables_an_account(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    def edit(_cls: type, parent: Any, db: Database, actor: Any, user: Any) -> bool:
        dialog = EditUserDialog(db, actor, user, parent)
        assert dialog.unit_combo.currentText() == NDRC  # what the account has now
        dialog.unit_combo.setEditText("")
        dialog.ok_button.click()
        assert "请选择填报员所属的单位" in dialog.message_label.text()
        dialog.unit_combo.setEditText(MIIT)
        dialog.ok_button.click()
        return dialog.done_ok

    monkeypatch.setattr(EditUserDialog, "ask", classmethod(edit))
    dialog = AccountsDialog(world.db, world.coordinator)
    qtbot.addWidget(dialog)
    assert not dialog.edit_button.isEnabled() and not dialog.disable_button.isEnabled()
    name = world.ndrc.name
    dialog.reload(select=name)
    dialog.edit_button.click()
    assert dialog.selected() is not None and dialog.selected()["unit"] == MIIT
    assert f"已修改“{name}”：填报员，{MIIT}" in dialog.message_label.text()
    assert users.authenticate(world.db, name, PASSWORD).unit_name == MIIT

    assert dialog.disable_button.text() == "停用"
    messages.confirm_answer = False  # 取消: nothing changes
    dialog.disable_button.click()
    assert "停用“发改委填报员”" in messages.confirms[-1][1]
    assert not dialog.selected()["disabled"]
    messages.confirm_answer = True
    dialog.disable_button.click()
    row = [r["name"] for r in dialog.model.records()].index(name)
    assert dialog.selected()["disabled"] and dialog.model.index(row, 3).data() == "已停用"
    assert dialog.disable_button.text() == "启用"
    with pytest.raises(AuthenticationFailed, match="已停用"):
        users.authenticate(world.db, name, PASSWORD)
    confirms = len(messages.confirms)
    dialog.disable_button.click()  # 启用 asks nothing
    assert len(messages.confirms) == confirms and not dialog.selected()["disabled"]
    assert users.authenticate(world.db, name, PASSWORD).name == name

    dialog.reload(select=world.coordinator.name)  # one's own account: refused, shown
    dialog.disable_button.click()
    assert "不能停用自己的账户" in messages.warnings[-1][1]
    assert not dialog.selected()["disabled"]


def test_accounts_dialog_is_refused_to_a_reporter(
    qapp: QApplication, world: World, messages: Messages
) -> None:
    # qapp: run first in a worker, the dialog would be the process's first widget
    AccountsDialog.ask(None, world.db, world.ndrc)
    assert "仅协调员" in messages.warnings[-1][1]


# ---------------------------------------------------------------- shared settings


def _edit_status(
    monkeypatch: pytest.MonkeyPatch, description: str, color: str, rank: int | None = None
) -> list[StatusEditDialog]:
    """Replace the status editor by the real one, filled in and confirmed."""
    opened: list[StatusEditDialog] = []

    def ask(_cls: type, parent: Any, status: Any, default_rank: int) -> StatusValues | None:
        dialog = StatusEditDialog(status, default_rank, parent)
        opened.append(dialog)
        dialog.description_edit.setText(description)
        dialog.color_edit.setText(color)
        if rank is not None:
            dialog.rank_spin.setValue(rank)
        dialog.ok_button.click()
        return dialog.values

    monkeypatch.setattr(StatusEditDialog, "ask", classmethod(ask))
    return opened


def _stored(db: Database) -> tuple[dict[str, str], list[dict[str, Any]]]:
    shown = settings_service.show(db)
    return {e["key"]: e["text"] for e in shown["settings"]}, shown["statuses"]


def test_settings_dialog_edits_statuses_and_saves_due_dates_and_password_length(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    dialog = SettingsDialog(world.db, world.coordinator)
    qtbot.addWidget(dialog)
    names = [dialog.status_model.index(r, 1).data() for r in range(5)]
    assert names == settings_service.get(world.db).status_names
    assert dialog.password_spin.value() == 8 and dialog.due_h1_edit.text() == "7月10日"
    assert dialog.field_labels["password_min_length"].text() == "密码最少字符数："

    dialog.select_status("序时推进")
    _edit_status(monkeypatch, "按年度计划推进", "#1e88e5")
    dialog.edit_button.click()
    dialog.down_button.click()
    statuses = settings_service.get(world.db).statuses
    moved = [s.name for s in statuses]
    assert moved[1:3] == ["进度滞后", "序时推进"]
    assert statuses[2].description == "按年度计划推进" and statuses[2].color == "#1e88e5"
    assert dialog.selected()["name"] == "序时推进"  # the selection follows the move

    dialog.due_h1_edit.month_combo.setCurrentIndex(6)  # 7月
    dialog.due_h1_edit.day_spin.setValue(20)
    dialog.due_h2_edit.day_spin.setValue(15)
    dialog.password_spin.setValue(10)
    assert dialog.save_settings()
    values = settings_service.get(world.db)
    assert (values.due_h1.month, values.due_h1.day) == (7, 20)
    assert (values.due_h2.month, values.due_h2.day, values.due_h2.next_year) == (1, 15, True)
    assert values.password_min_length == 10
    saved = dialog.message_label.text()
    assert "上半年报告默认截止日期" in saved and "密码最少字符数" in saved
    assert "催办黄灯提前天数" not in saved  # only what changed
    assert dialog.changed and not messages.warnings
    dialog.save_button.click()
    assert dialog.message_label.text() == "设置没有改动。"


def test_settings_dialog_refuses_a_bad_value_and_changes_nothing(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    dialog = SettingsDialog(world.db, world.coordinator)
    qtbot.addWidget(dialog)
    before = _stored(world.db)

    dialog.password_spin.setValue(12)
    dialog.due_h1_edit.month_combo.setCurrentIndex(1)  # 2月
    dialog.due_h1_edit.day_spin.setValue(30)  # no such day: the whole save is refused
    dialog.save_button.click()
    assert messages.warnings[-1][1] == "截止日期“2月30日”不存在。"
    assert _stored(world.db) == before and not dialog.changed

    dialog.select_status("未启动")
    opened = _edit_status(monkeypatch, "尚未开始", "绿色")
    dialog.edit_button.click()
    assert "颜色“绿色”格式不对" in messages.warnings[-1][1]
    _edit_status(monkeypatch, "尚未开始", "#757575", rank=4)  # a second top rank
    dialog.edit_button.click()
    assert "只能有一个状态的推进程度最高" in messages.warnings[-1][1]
    assert opened[0].windowTitle() == "修改状态“未启动”"
    assert _stored(world.db) == before and not dialog.changed
    assert dialog.status_model.records() == before[1]  # the table shows the database


def test_settings_dialog_is_refused_to_a_reporter(
    world: World, messages: Messages, open_window: Any
) -> None:
    SettingsDialog.ask(None, world.db, world.ndrc)
    assert "无权修改共享设置" in messages.warnings[-1][1]
    window = open_window(world.db, world.ndrc)
    assert not window.settings_action.isVisible()
    window.settings_action.trigger()  # a shortcut or a stale menu: still refused
    assert "仅协调员" in messages.infos[-1][1]


# ---------------------------------------------------------------- preferences


def test_preferences_test_the_database_before_saving(
    qtbot: QtBot, tmp_path: Path, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_DB", raising=False)
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.file_radio.isChecked()
    # a server that cannot be reached: said in the dialog, nothing saved
    dialog.server_radio.setChecked(True)
    dialog.server_edit.setText("postgresql+psycopg://u:secret@127.0.0.1:1/tracker")
    dialog.ok_button.click()
    wait_for(qtbot, dialog.last_task)
    assert (
        "无法连接数据库" in dialog.result_label.text()
        and "secret" not in dialog.result_label.text()
    )
    assert preferences.saved_database(settings) is None
    assert not dialog.saved
    # a new file: tested, then saved, with the font size
    dialog.file_radio.setChecked(True)
    target = tmp_path / "台账" / "新.sqlite3"
    dialog.file_edit.setText(str(target))
    dialog.font_spin.setValue(13)
    dialog.ok_button.click()
    wait_for(qtbot, dialog.last_task)
    assert dialog.saved
    assert preferences.saved_database(settings) == f"sqlite:///{target}"
    assert preferences.saved_font_size(settings) == 13
    assert QApplication.font().pointSize() == 13
    assert "下次启动" in messages.infos[-1][1]
    preferences.apply_font_size(0)  # back to the default for the other tests
    # the dialog opens on what was saved
    again = PreferencesDialog(settings)
    qtbot.addWidget(again)
    assert again.file_edit.text() == str(target) and again.font_spin.value() == 13


# ---------------------------------------------------------------- Qt's own texts


def test_qt_dialogs_speak_chinese(qtbot: QtBot) -> None:
    create_application()
    translate = QCoreApplication.translate
    assert translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert translate("QFileDialog", "File &name:") == "文件名称(&N)："  # Qt's own catalogue
    assert translate("NoSuchContext", "untouched") == "untouched"
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"].startswith("查找范围")
    assert labels["fileTypeLabel"].startswith("文件类型")


def test_print_preview_of_a_report(qtbot: QtBot) -> None:
    from ui.printing import PrintPreview, report_html
    from ui.report_form import FormValues

    values = FormValues(
        "序时推进",
        "45",
        (("progress", "新增装机"), ("results", ""), ("problems", ""), ("next_steps", "")),
        (),
    )
    task = {"code": "1", "title": "大力发展新能源", "lead_units": ["市发改委"], "content": "x"}
    period = {"name": "2026年上半年", "due_date": "2026-07-10"}
    preview = PrintPreview("大力发展新能源", report_html(task, period, values, "市发改委（牵头）"))
    qtbot.addWidget(preview)
    text = preview.document.toPlainText()
    assert "碳达峰任务进展填报单" in text and "新增装机" in text and "45%" in text
    assert "2026年上半年（截止 2026-07-10）" in text


def test_the_app_opens_the_database_chosen_in_the_preferences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import app

    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    settings.setValue(preferences.SETTINGS_DATABASE, "sqlite:///chosen.sqlite3")
    monkeypatch.setattr(app, "QSettings", lambda: settings)
    monkeypatch.setattr(app, "configure_logging", lambda: None)
    monkeypatch.setattr(app.errors, "install_excepthook", lambda: None)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    opened: list[str | None] = []

    def start(url: str | None, _settings: QSettings | None = None) -> int:
        opened.append(url)
        return 0

    monkeypatch.setattr(app, "start", start)
    assert app.main([]) == 0
    assert app.main(["--db", "sqlite:///given.sqlite3"]) == 0
    monkeypatch.setenv("TRACKER_DB", "sqlite:///env.sqlite3")
    assert app.main([]) == 0
    assert opened == [
        "sqlite:///chosen.sqlite3",
        "sqlite:///given.sqlite3",
        "sqlite:///env.sqlite3",
    ]
