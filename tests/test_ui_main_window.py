"""The main window on a real imported plan: plan selector, areas, search and unit filters,
detail pane, keyboard, remembered settings, warnings, and the units dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from tracker import config
from tracker.db import Database
from tracker.services import plans, units, users
from tracker.services.actor import ROLE_REPORTER, Actor
from ui.main_window import MainWindow, describe_database
from ui.models import TaskColumn, UnitRole, parse_place
from ui.units_dialog import UnitsDialog
from ui.views.units_dialog_view import AliasDialog, MergeUnitDialog

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui",)
pytestmark = [
    pytest.mark.gui,
    pytest.mark.usefixtures("messages"),
]


def open_window(qtbot: QtBot, db: Database, actor: Actor, settings: QSettings) -> MainWindow:
    window = MainWindow(db, actor, settings=settings)
    qtbot.addWidget(window)
    window.reload_plans()
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings, table_plan_id: int
) -> MainWindow:
    del table_plan_id
    return open_window(qtbot, gui_db, coordinator, settings)


def shown_tasks(window: MainWindow) -> list[dict[str, Any]]:
    proxy, model = window.task_proxy, window.task_model
    return [
        dict(model.task(proxy.mapToSource(proxy.index(r, 0)).row()))
        for r in range(proxy.rowCount())
    ]


def busiest_unit(window: MainWindow) -> str:
    counts = window.task_model.unit_counts()
    return max(counts, key=lambda name: counts[name])


# ---------------------------------------------------------------- showing a plan


def test_shows_the_plan_with_areas_counts_and_detail(
    window: MainWindow, gui_db: Database, coordinator: Actor, table_plan_id: int
) -> None:
    stored = plans.list_tasks(gui_db, coordinator, plan_id=table_plan_id)
    assert window.current_plan_id() == table_plan_id
    assert "云岭市碳达峰实施方案" in window.plan_combo.currentText()
    assert window.task_model.rowCount() == window.task_proxy.rowCount() == len(stored)
    areas = list(dict.fromkeys((t["area_code"], t["area"]) for t in stored))
    assert window.area_model.rowCount() == len(areas) + 1
    assert window.area_model.index(0, 1).data() == str(len(stored))
    assert window.count_label.text().startswith(
        f"共 {len(stored)} 项任务，当前显示 {len(stored)} 项"
    )
    assert "导入警告" in window.count_label.text()
    assert describe_database(gui_db) in window.database_label.text()
    assert coordinator.name in window.user_label.text()
    # the first task is selected and shown in the detail pane
    selected = window.selected_task()
    assert selected is not None and selected["id"] == stored[0]["id"]
    detail = window.detail_view.text.toPlainText()
    assert stored[0]["title"] in detail and stored[0]["lead_units"][0] in detail
    assert window.detail_view.targets_model.rowCount() == len(stored[0]["targets"])


def test_empty_database_shows_how_to_start(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings
) -> None:
    window = open_window(qtbot, gui_db, coordinator, settings)
    assert window.current_plan_id() is None
    assert window.task_model.rowCount() == 0
    assert "尚未导入实施方案" in window.count_label.text()
    assert not window.warnings_action.isEnabled()
    assert window.detail_view.text.toPlainText() == ""


def test_search_box_filters_the_table_and_the_area_counts(window: MainWindow) -> None:
    total = window.task_model.rowCount()
    word = "光伏"
    expected = [
        t["id"] for t in window.task_model.tasks() if word in str(t["content"]) + str(t["title"])
    ]
    assert 0 < len(expected) < total
    window.search_edit.setText(word)
    assert [t["id"] for t in shown_tasks(window)] == expected
    assert window.count_label.text().startswith(f"共 {total} 项任务，当前显示 {len(expected)} 项")
    assert window.area_model.index(0, 1).data() == f"{len(expected)}/{total}"
    window.search_edit.setText("没有任何任务包含这句话")
    assert window.task_proxy.rowCount() == 0
    assert window.detail_view.text.toPlainText() == ""


def test_unit_filter_and_role(window: MainWindow) -> None:
    unit = busiest_unit(window)
    index = window.unit_combo.findData(unit)
    assert index > 0 and window.unit_combo.itemText(index).startswith(unit)
    window.unit_combo.setCurrentIndex(index)
    tasks = shown_tasks(window)
    assert tasks and all(unit in t["lead_units"] + t["cooperating_units"] for t in tasks)
    assert len(tasks) == window.task_model.unit_counts()[unit]

    window.role_combo.setCurrentIndex(window.role_combo.findData(UnitRole.LEAD))
    lead_only = shown_tasks(window)
    assert all(unit in t["lead_units"] for t in lead_only)
    window.role_combo.setCurrentIndex(window.role_combo.findData(UnitRole.COOPERATING))
    coop_only = shown_tasks(window)
    assert all(unit in t["cooperating_units"] for t in coop_only)
    assert len(lead_only) + len(coop_only) == len(tasks)

    window.clear_filters()
    assert window.current_unit() is None
    assert window.task_proxy.rowCount() == window.task_model.rowCount()


def test_typing_a_unit_name_that_does_not_exist(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.unit_edit.setFocus()
    window.unit_edit.selectAll()
    qtbot.keyClicks(window.unit_edit, "no such unit")  # QTest types ASCII only
    qtbot.keyClick(window.unit_edit, Qt.Key.Key_Return)
    assert window.unit_combo.currentText() == "全部单位"  # not left looking like a filter
    assert window.current_unit() is None
    assert window.task_proxy.rowCount() == window.task_model.rowCount()


def test_clicking_an_area_shows_its_tasks(qtbot: QtBot, window: MainWindow) -> None:
    view = window.area_view
    index = window.area_model.index(2, 0)
    area = window.area_model.area(2)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    tasks = shown_tasks(window)
    assert tasks and all((t["area_code"], t["area"]) == area for t in tasks)
    assert len(tasks) == int(window.area_model.index(2, 1).data())
    window.clear_filters()
    assert window.task_proxy.rowCount() == window.task_model.rowCount()


def test_sorting_by_a_column_and_back_to_document_order(window: MainWindow) -> None:
    original = [t["id"] for t in shown_tasks(window)]
    window.task_view.sortByColumn(TaskColumn.LEAD, Qt.SortOrder.AscendingOrder)
    leads = [
        window.task_proxy.index(r, TaskColumn.LEAD).data()
        for r in range(window.task_proxy.rowCount())
    ]
    assert leads == sorted(leads)
    window.task_view.sortByColumn(TaskColumn.CODE, Qt.SortOrder.AscendingOrder)
    assert [t["id"] for t in shown_tasks(window)] == original


# ---------------------------------------------------------------- keyboard


def test_ctrl_f_focuses_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.task_view.setFocus()
    window.search_edit.setText("旧的搜索")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_edit.hasFocus, timeout=5000)
    assert window.search_edit.selectedText() == "旧的搜索"


def test_enter_on_a_row_shows_its_details(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.task_view.setFocus()
    qtbot.keyClick(window.task_view, Qt.Key.Key_Down)
    selected = window.selected_task()
    assert selected is not None and selected["id"] == window.task_model.task(1)["id"]
    qtbot.keyClick(window.task_view, Qt.Key.Key_Return)
    dialog = window.detail_dialog
    assert dialog is not None and dialog.isVisible()
    assert selected["title"] in dialog.windowTitle()
    assert selected["title"] in dialog.detail_view.text.toPlainText()


# ---------------------------------------------------------------- settings


def test_remembers_geometry_and_last_plan(
    qtbot: QtBot,
    window: MainWindow,
    gui_db: Database,
    coordinator: Actor,
    settings: QSettings,
    table_plan_id: int,
) -> None:
    sample = plans.commit_import(
        gui_db, plans.preview_import(gui_db, config.SAMPLE_PLAN), coordinator
    )
    window.reload_plans()
    assert window.plan_combo.count() == 2
    window.plan_combo.setCurrentIndex(window.plan_combo.findData(table_plan_id))
    assert window.current_plan_id() == table_plan_id
    window.resize(window.minimumSizeHint().width() + 10, 560)  # fits the offscreen screen
    size = window.size()
    assert size.width() < 1440  # not the default size
    window.close()

    again = open_window(qtbot, gui_db, coordinator, settings)
    assert again.current_plan_id() == table_plan_id
    assert again.size() == size
    again.plan_combo.setCurrentIndex(again.plan_combo.findData(sample.plan_id))
    assert again.task_model.rowCount() == len(
        plans.list_tasks(gui_db, coordinator, plan_id=sample.plan_id)
    )
    again.close()
    third = open_window(qtbot, gui_db, coordinator, settings)
    assert third.current_plan_id() == sample.plan_id


# ---------------------------------------------------------------- warnings, units, about


def test_warnings_window_locates_the_task(
    qtbot: QtBot, window: MainWindow, gui_db: Database, table_plan_id: int
) -> None:
    stored = plans.plan_warnings(gui_db, table_plan_id)
    assert stored
    window.search_edit.setText("没有任何任务包含这句话")  # the located task is hidden at first
    window.warnings_action.trigger()
    dialog = window.warnings_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.model.rowCount() == len(stored)
    qtbot.waitExposed(dialog)
    view = dialog.table
    center = view.visualRect(dialog.model.index(0, 1)).center()
    with qtbot.waitSignal(dialog.place_activated, timeout=5000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert blocker.args == [stored[0]["where"]]
    selected = window.selected_task()
    assert selected is not None
    assert window.search_edit.text() == ""  # the filter that hid it was cleared
    wanted, selected_place = parse_place(stored[0]["where"]), parse_place(selected["where"])
    assert wanted is not None and selected_place is not None
    assert selected_place[0] == wanted[0] and selected_place[1] <= wanted[1]


def test_plan_without_warnings_says_so(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings, messages: Messages
) -> None:
    parsed = plans.preview_import(gui_db, config.SAMPLE_PLAN)
    plans.commit_import(gui_db, parsed, coordinator)
    window = open_window(qtbot, gui_db, coordinator, settings)
    if parsed.warnings:
        pytest.fail("the sample plan is expected to import without warnings")
    window.warnings_action.trigger()
    assert window.warnings_dialog is None
    assert len(messages.infos) == 1 and "没有产生警告" in messages.infos[0][1]


def test_about_names_the_database(window: MainWindow, gui_db: Database, messages: Messages) -> None:
    window.about_action.trigger()
    assert len(messages.infos) == 1
    assert describe_database(gui_db) in messages.infos[0][1]


def test_units_menu_refreshes_after_a_change(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []

    def show_dialog(_cls: type, parent: object, db: Database, actor: Actor) -> bool:
        calls.append(True)
        return True

    monkeypatch.setattr(UnitsDialog, "show_dialog", classmethod(show_dialog))
    area = window.area_model.area(1)
    window.area_view.setCurrentIndex(window.area_model.index(1, 0))
    window.search_edit.setText("能源")
    shown = [t["id"] for t in shown_tasks(window)]
    assert shown
    window.task_view.selectRow(len(shown) - 1)
    selected = window.selected_task()
    window.units_action.trigger()
    assert calls == [True]
    # the filters and the selection survive the refresh
    assert window.search_edit.text() == "能源" and window.task_proxy.area == area
    assert [t["id"] for t in shown_tasks(window)] == shown
    assert window.selected_task() == selected


def test_reporter_sees_only_the_tasks_of_the_unit(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings, table_plan_id: int
) -> None:
    everything = plans.list_tasks(gui_db, coordinator, plan_id=table_plan_id)
    unit = everything[0]["lead_units"][0]
    users.add_user(gui_db, coordinator, "填报员甲", ROLE_REPORTER, "reporter-password", unit=unit)
    reporter = users.authenticate(gui_db, "填报员甲", "reporter-password")
    window = open_window(qtbot, gui_db, reporter, settings)
    assert not window.import_action.isEnabled()
    tasks = window.task_model.tasks()
    assert 0 < len(tasks) < len(everything)
    assert all(unit in t["lead_units"] + t["cooperating_units"] for t in tasks)
    assert "填报员" in window.user_label.text()


# ---------------------------------------------------------------- the units dialog


@pytest.fixture
def units_dialog(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, table_plan_id: int
) -> UnitsDialog:
    del table_plan_id
    dialog = UnitsDialog(gui_db, coordinator)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_units_dialog_lists_units(
    units_dialog: UnitsDialog, qtmodeltester: Any, gui_db: Database
) -> None:
    qtmodeltester.check(units_dialog.model)
    qtmodeltester.check(units_dialog.proxy)
    listed = units.list_units(gui_db)
    assert units_dialog.model.rowCount() == len(listed)
    assert units_dialog.count_label.text() == f"共 {len(listed)} 个单位"
    assert not units_dialog.add_alias_button.isEnabled()  # nothing selected yet
    name = listed[0]["name"]
    units_dialog.search_edit.setText(name)
    assert 1 <= units_dialog.proxy.rowCount() < len(listed)
    assert units_dialog.select_unit(name)
    assert units_dialog.add_alias_button.isEnabled() and units_dialog.merge_button.isEnabled()


def test_add_alias(
    units_dialog: UnitsDialog, gui_db: Database, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    unit = str(units_dialog.model.record(0)["name"])
    monkeypatch.setattr(
        AliasDialog, "ask", classmethod(lambda _cls, parent, name: f"{name}（简称）")
    )
    assert units_dialog.select_unit(unit)
    with qtbot.waitSignal(units_dialog.units_changed, timeout=5000):
        units_dialog.add_alias_button.click()
    stored = {u["name"]: u["aliases"] for u in units.list_units(gui_db)}
    assert stored[unit] == [f"{unit}（简称）"]
    row = units_dialog.model.row_of_unit(unit)
    assert row is not None and units_dialog.model.index(row, 2).data() == f"{unit}（简称）"
    assert units_dialog.changed
    assert units_dialog.selected_unit() == unit


def test_add_existing_alias_shows_the_message(
    units_dialog: UnitsDialog, gui_db: Database, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    first, second = (str(units_dialog.model.record(i)["name"]) for i in range(2))
    monkeypatch.setattr(AliasDialog, "ask", classmethod(lambda _cls, parent, name: second))
    assert units_dialog.select_unit(first)
    units_dialog.add_alias_button.click()
    assert len(messages.warnings) == 1 and second in messages.warnings[0][1]
    assert not units_dialog.changed


@pytest.mark.parametrize("confirmed", [True, False])
def test_merge_units_asks_for_confirmation(
    units_dialog: UnitsDialog,
    gui_db: Database,
    coordinator: Actor,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
    confirmed: bool,
) -> None:
    before = {u["name"]: u for u in units.list_units(gui_db)}
    source, target = sorted(before, key=lambda n: before[n]["task_count"])[:2]
    offered: list[list[str]] = []

    def choose(_cls: type, parent: object, unit: str, targets: list[str]) -> str:
        offered.append(targets)
        return target

    monkeypatch.setattr(MergeUnitDialog, "ask", classmethod(choose))
    messages.confirm_answer = confirmed
    assert units_dialog.select_unit(source)
    units_dialog.merge_button.click()
    assert source not in offered[0] and target in offered[0]
    assert len(messages.confirms) == 1
    assert source in messages.confirms[0][1] and target in messages.confirms[0][1]
    after = {u["name"]: u for u in units.list_units(gui_db)}
    if confirmed:
        assert source not in after
        assert source in after[target]["aliases"]
        assert units_dialog.changed and units_dialog.selected_unit() == target
        assert units_dialog.model.rowCount() == len(before) - 1
    else:
        assert after == before
        assert not units_dialog.changed


def test_units_dialog_is_read_only_for_a_reporter(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, table_plan_id: int
) -> None:
    del table_plan_id
    unit = units.list_units(gui_db)[0]["name"]
    users.add_user(gui_db, coordinator, "填报员乙", ROLE_REPORTER, "reporter-password", unit=unit)
    reporter = users.authenticate(gui_db, "填报员乙", "reporter-password")
    dialog = UnitsDialog(gui_db, reporter)
    qtbot.addWidget(dialog)
    assert dialog.select_unit(unit)
    assert not dialog.add_alias_button.isEnabled() and not dialog.merge_button.isEnabled()
    assert "只有协调员" in dialog.count_label.text()
