"""The import preview's region bar and revision diff, the units dialog's regions, and a
plan's lifecycle in the main window (archive, unarchive, delete)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from test_revisions import V1, V2

from tracker.db import Database
from tracker.services import plans, reports, units
from tracker.services.actor import Actor
from ui.import_dialog import ImportFlow, ImportPreviewDialog
from ui.main_window import MainWindow
from ui.models import DiffColumn
from ui.units_dialog import UnitsDialog

if TYPE_CHECKING:
    from conftest_ui import Messages, PreviewDriver
    from pytestqt.qtbot import QtBot

pytest_plugins = ("conftest_ui",)
pytestmark = pytest.mark.gui

WAIT_MS = 30_000
FIXTURES = Path(__file__).parent / "fixtures" / "regions"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(db: Database, actor: Actor, path: Path) -> int:
    return plans.commit_import(db, plans.preview_import(db, path), actor).plan_id


# ---------------------------------------------------------------- the region bar


def test_the_preview_shows_the_region_and_its_province(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, tmp_path: Path
) -> None:
    preview = plans.prepare_import(gui_db, FIXTURES / "石嘴山市碳达峰实施方案.txt")
    dialog = ImportPreviewDialog(preview, gui_db)
    qtbot.addWidget(dialog)
    assert dialog.chosen_region() == ("石嘴山市", "宁夏回族自治区")
    assert dialog.province_combo.isEnabled()  # a new region: its province can be set
    assert "新地区" in dialog.region_status_label.text()
    assert not dialog.reread_button.isEnabled()
    assert not dialog.tabs.isTabVisible(1)  # no revision: no diff
    assert dialog.commit_button.text() == "确认导入"
    _import(gui_db, coordinator, FIXTURES / "石嘴山市碳达峰实施方案.txt")
    again = ImportPreviewDialog(
        plans.prepare_import(gui_db, FIXTURES / "吴忠市碳达峰实施方案.txt"), gui_db
    )
    qtbot.addWidget(again)
    assert again.chosen_region() == ("吴忠市", "宁夏回族自治区")
    assert "石嘴山市" in [again.region_combo.itemText(i) for i in range(again.region_combo.count())]


def test_a_region_the_title_does_not_give_is_asked_for_and_read_again(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, tmp_path: Path, messages: Messages
) -> None:
    _import(gui_db, coordinator, FIXTURES / "吴忠市碳达峰实施方案.txt")
    units.add_alias(gui_db, coordinator, "市发改局", "市发展改革委")
    doc = _write(
        tmp_path,
        "plan.txt",
        "碳达峰重点任务分工\n（一）能源\n1.建设氢能项目。推进绿氢制备。"
        "（市发改局牵头，市工信局等按职责分工负责）\n",
    )
    preview = plans.prepare_import(gui_db, doc)
    assert preview.parsed.region is None
    dialog = ImportPreviewDialog(preview, gui_db)
    qtbot.addWidget(dialog)
    assert "未能从标题判断发文地区" in dialog.region_status_label.text()
    assert not dialog.commit_button.isEnabled()
    assert preview.parsed.tasks[0].lead_units == ["市发展改革局"]  # no region, no alias
    dialog.region_combo.setEditText("吴忠市")
    assert dialog.reread_button.isEnabled()
    dialog.reread_button.click()
    task = dialog.reread_task
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    # the same ParsedPlan object, read again for 吴忠市: its alias applies now
    assert preview.parsed.region is not None and preview.parsed.region.name == "吴忠市"
    assert preview.parsed.tasks[0].lead_units == ["市发展改革委"]
    assert dialog.commit_button.isEnabled()
    assert "已有地区" in dialog.region_status_label.text()
    assert messages.crashes == []


# ---------------------------------------------------------------- the revision diff


def test_a_revision_shows_its_diff_and_updates_the_plan_in_place(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    tmp_path: Path,
    preview_driver: PreviewDriver,
    messages: Messages,
) -> None:
    plan_id = _import(gui_db, coordinator, _write(tmp_path, "v1.txt", V1))
    tasks = {t["title"]: t for t in plans.list_tasks(gui_db, coordinator)}
    dropped = tasks["推动冶金和建材行业节能改造"]
    reports.save_report(
        gui_db,
        coordinator,
        dropped["id"],
        "2025H1",
        "市工业和信息化局",
        status="序时推进",
        expect_version=None,
    )
    seen: dict[str, Any] = {}

    def check(dialog: ImportPreviewDialog) -> None:
        seen["banner"] = dialog.revision_label.text()
        seen["tab"] = dialog.tabs.tabText(1)
        seen["visible"] = dialog.tabs.isTabVisible(1)
        seen["button"] = dialog.commit_button.text()
        model = dialog.diff_model
        seen["rows"] = [
            (model.index(r, DiffColumn.KIND).data(), model.index(r, DiffColumn.MEASURE).data())
            for r in range(model.rowCount())
        ]
        seen["note"] = model.index(1, DiffColumn.WHAT).data()
        dialog.diff_view.selectRow(0)
        seen["detail"] = dialog.diff_text.toPlainText()
        # leaving a task out of the new version shows it as removed at once
        dialog.exclude_row(0)
        seen["after_exclude"] = [
            (model.index(r, DiffColumn.KIND).data(), model.index(r, DiffColumn.MEASURE).data())
            for r in range(model.rowCount())
        ]
        dialog.undo_stack.undo()

    preview_driver.script = check
    parent = QWidget()
    qtbot.addWidget(parent)
    flow = ImportFlow(parent, gui_db, coordinator, show_after_ms=10)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        flow.start(_write(tmp_path, "v2.txt", V2))

    assert seen["visible"]
    assert "修订版" in seen["banner"] and f"编号 {plan_id}，第 1 版" in seen["banner"]
    assert seen["tab"].startswith("修订对比（新增 1 项、撤销 1 项")
    assert seen["button"] == "确认更新为第 2 版"
    assert seen["rows"] == [
        ("变动", "壮大光伏和风电产业"),
        ("撤销", "推动冶金和建材行业节能改造"),
        ("变动", "培育循环经济园区"),
        ("新增", "开展碳排放统计核算"),
    ]
    assert seen["note"] == "将归档（保留已有填报 1 份）"
    assert "配套建设储能设施" in seen["detail"] and "市生态环境局" in seen["detail"]
    assert seen["after_exclude"] == [
        ("撤销", "壮大光伏和风电产业"),  # left out of the new version: it would be archived
        ("撤销", "推动冶金和建材行业节能改造"),
        ("变动", "培育循环经济园区"),
        ("新增", "开展碳排放统计核算"),
    ]
    assert flow.result is not None and flow.result.revised and flow.result.revision == 2
    assert messages.infos and messages.infos[-1][0] == "已更新实施方案"
    assert "第 2 版" in messages.infos[-1][1]
    after = {t["title"]: t["id"] for t in plans.list_tasks(gui_db, coordinator)}
    assert after["壮大光伏和风电产业"] == tasks["壮大光伏和风电产业"]["id"]
    assert "推动冶金和建材行业节能改造" not in after


# ---------------------------------------------------------------- the main window


@pytest.fixture
def window(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings, messages: Messages
) -> MainWindow:
    del messages
    for name in ("石嘴山市碳达峰实施方案.txt", "吴忠市碳达峰实施方案.txt"):
        _import(gui_db, coordinator, FIXTURES / name)
    main = MainWindow(gui_db, coordinator, settings=settings)
    qtbot.addWidget(main)
    main.reload_plans()
    main.show()
    return main


def test_the_plan_selector_and_unit_filter_show_regions(window: MainWindow) -> None:
    labels = [window.plan_combo.itemText(i) for i in range(window.plan_combo.count())]
    assert labels == [
        "石嘴山市碳达峰实施方案（石嘴山市，第 1 版，4 项任务）",
        "吴忠市碳达峰实施方案（吴忠市，第 1 版，3 项任务）",
    ]
    units_shown = [window.unit_combo.itemData(i) for i in range(window.unit_combo.count())]
    assert "吴忠市·市发展改革委" in units_shown


def test_units_dialog_shows_regions(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, window: MainWindow
) -> None:
    dialog = UnitsDialog(gui_db, coordinator, window)
    qtbot.addWidget(dialog)
    model = dialog.model
    rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert rows["石嘴山市·市发展改革委"] == "石嘴山市（市级）"
    assert rows["吴忠市·市发展改革委"] == "吴忠市（市级）"
    assert rows["国网宁夏电力公司"] == "宁夏回族自治区（省级）"
    assert dialog.select_unit("吴忠市·市发展改革委")
    assert dialog.selected_unit() == "吴忠市·市发展改革委"


def test_archive_unarchive_and_delete_from_the_main_window(
    window: MainWindow,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = window.current_plan_id()
    assert first is not None and window.archive_action.isEnabled()
    window.archive_action.trigger()
    assert messages.confirms and "归档" in messages.confirms[-1][0]
    assert first not in [p["id"] for p in plans.list_plans(gui_db, coordinator)]
    assert window.current_plan_id() != first
    window.show_archived_action.setChecked(True)
    ids = [window.plan_combo.itemData(i) for i in range(window.plan_combo.count())]
    assert first in ids
    window.plan_combo.setCurrentIndex(ids.index(first))
    assert "【已归档】" in window.plan_combo.currentText()
    assert window.unarchive_action.isEnabled() and not window.archive_action.isEnabled()
    window.unarchive_action.trigger()
    assert first in [p["id"] for p in plans.list_plans(gui_db, coordinator)]
    # delete: a plan without reports goes after one confirmation
    window.delete_action.trigger()
    assert "删除" in messages.confirms[-1][0]
    assert first not in [
        p["id"] for p in plans.list_plans(gui_db, coordinator, include_archived=True)
    ]
