"""The desktop app and the pilot accounts (试点主体, 地级市发展改革委), which are added with
the CLI: the accounts dialog names their role and binding and keeps them when edited, and
such an account signs in to its pilots' plans with the rights it has — no more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.services import users
from tracker.services.actor import Actor
from ui.accounts_dialog import AccountsDialog, EditUserDialog
from ui.main_window import MainWindow

from factories import MIIT, PASSWORD, make_plan
from pilot_world import PARK, PilotWorld, make_pilot_world

pytest_plugins = ("conftest_ui", "conftest_desk")
pytestmark = pytest.mark.gui

OpenWindow = Callable[[Database, Actor], MainWindow]


@pytest.fixture
def world(gui_db: Database, fast_hashing: None) -> PilotWorld:
    """An ordinary plan first, then the pilots (the park's plan is the newest plan)."""
    del fast_hashing
    year = dt.date.today().year
    make_plan(gui_db, start_year=year, horizon_year=year + 1)
    return make_pilot_world(gui_db)


def test_the_accounts_dialog_names_pilot_roles_and_keeps_them_when_edited(
    qtbot: QtBot, world: PilotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = AccountsDialog(world.db, world.coordinator)
    qtbot.addWidget(dialog)
    rows = {r["name"]: row for row, r in enumerate(dialog.model.records())}
    cells = {
        name: [dialog.model.index(row, column).data() for column in (1, 2)]
        for name, row in rows.items()
    }
    assert cells["园区账户"] == ["试点主体", f"试点：{PARK}"]
    assert cells["银川发改委"] == ["地级市发展改革委", "地区：银川市"]
    assert cells["协调员甲"] == ["协调员", "—"]

    seen: dict[str, Any] = {}

    def edit(_cls: type, parent: Any, db: Database, actor: Any, user: Any) -> bool:
        form = EditUserDialog(db, actor, user, parent)
        seen["role"] = (form.role_combo.currentData(), form.role_combo.currentText())
        seen["unit_enabled"] = form.unit_combo.isEnabled()
        form.ok_button.click()  # nothing changed: the role and the pilot stay
        return form.done_ok

    monkeypatch.setattr(EditUserDialog, "ask", classmethod(edit))
    dialog.reload(select="园区账户")
    dialog.edit_button.click()
    assert seen == {"role": ("pilot_body", "试点主体"), "unit_enabled": False}
    assert f"已修改“园区账户”：试点主体，试点：{PARK}" in dialog.message_label.text()
    kept = users.authenticate(world.db, "园区账户", PASSWORD)
    assert (kept.role, kept.pilot_id) == ("pilot_body", world.park)


def test_a_pilot_account_made_a_reporter_in_the_dialog_needs_a_unit(
    qtbot: QtBot, world: PilotWorld
) -> None:
    listed = next(
        u for u in users.list_users(world.db, world.coordinator) if u["name"] == "银川发改委"
    )
    form = EditUserDialog(world.db, world.coordinator, listed)
    qtbot.addWidget(form)
    form.role_combo.setCurrentIndex(form.role_combo.findData("reporter"))
    assert form.unit_combo.isEnabled()
    form.unit_combo.setEditText("")
    form.ok_button.click()
    assert "请选择填报员所属的单位" in form.message_label.text() and not form.done_ok
    form.unit_combo.setEditText("银川市·市发展改革委")
    form.ok_button.click()
    assert form.done_ok
    changed = next(
        u for u in users.list_users(world.db, world.coordinator) if u["name"] == "银川发改委"
    )
    assert (changed["role"], changed["region"], changed["unit"]) == (
        "reporter",
        None,
        "银川市·市发展改革委",
    )


def test_pilot_accounts_open_their_pilots_plan_with_their_rights(
    world: PilotWorld, open_window: OpenWindow
) -> None:
    coordinator = open_window(world.db, world.coordinator)
    assert "某市碳达峰实施方案" in coordinator.plan_combo.currentText()  # not the pilot's
    assert "（协调员）" in coordinator.user_label.text()

    body = open_window(world.db, world.park_body)
    assert body.user_label.text() == "用户：园区账户（试点主体）"
    assert "绿谷园区" in body.plan_combo.currentText()
    assert body.task_model.rowCount() == 2
    assert body.workbench.review is None and body.workbench.dashboard is None
    assert not body.import_action.isEnabled()
    body.select_task_row(0)
    form = body.workbench.form
    assert form.unit_id is not None  # the pilot body reports on its tasks
    assert body.tabs.tabText(0) == "本试点任务"
    assert "本试点本期应报 2 项" in body.period_label.text()
    assert "本单位" not in body.period_label.text()

    city = open_window(world.db, world.yinchuan)
    assert city.user_label.text() == "用户：银川发改委（地级市发展改革委）"
    assert "绿谷园区" in city.plan_combo.currentText()
    assert city.task_model.rowCount() == 2  # read only: no unit to report for
    assert city.workbench.review is None and not city.accounts_action.isVisible()
    city.select_task_row(0)
    form = city.workbench.form
    assert form.unit_id is not None and not form.save_button.isEnabled()  # reads, no writing
    assert "只能查看" in form.notice_banner.text()
    assert city.tabs.tabText(0) == "辖区试点任务"
    assert "辖区试点的任务 2 项" in city.period_label.text()

    # the ordinary plan shows none of its tasks to a pilot account
    index = city.plan_combo.findText("某市碳达峰实施方案", flags=Qt.MatchFlag.MatchContains)
    city.plan_combo.setCurrentIndex(index)
    assert city.task_model.rowCount() == 0
    assert MIIT not in city.task_model.unit_counts()
