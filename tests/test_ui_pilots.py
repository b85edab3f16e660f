"""The 试点 tab (offscreen): what each account sees, the two-level review driven through
the buttons — a pilot body's submit, a city DRC's approval, the coordinator's acceptance,
evaluation and confirmed correction —, a refused action shown with its message, projects
and experience records through their dialogs, the exports through the background helper,
and the main window's wiring. Every model passes qtmodeltester."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.services import experience, pilot_review, projects
from tracker.services.actor import Actor
from ui import dialogs, pilots
from ui.main_window import MainWindow
from ui.pilot_dialogs import EvaluateDialog, ProjectDialog, StageDialog, TextDialog
from ui.pilots import PilotsPanel
from ui.views import pilot_texts as t

from desk import wait_for
from pilot_world import FIRM, PARK, PilotWorld, make_pilot_world

pytest_plugins = ("conftest_ui",)
pytestmark = pytest.mark.gui

TODAY = dt.date(2025, 7, 20)  # 2025H1 has ended; its reports were due on 7月10日
H1 = "2025H1"
OVERALL = "本期建成屋顶光伏20兆瓦，节能诊断覆盖重点企业。"

OpenPanel = Callable[[Actor], PilotsPanel]


@pytest.fixture
def world(gui_db: Database, fast_hashing: None) -> PilotWorld:
    del fast_hashing
    return make_pilot_world(gui_db)


@pytest.fixture
def open_panel(qtbot: QtBot, world: PilotWorld, settings: QSettings) -> OpenPanel:
    """The 试点 tab of an account, shown and loaded, as of :data:`TODAY`."""

    def opener(actor: Actor) -> PilotsPanel:
        panel = PilotsPanel(world.db, actor, settings, today=TODAY)
        qtbot.addWidget(panel)
        panel.resize(1300, 800)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return opener


@pytest.fixture
def choices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers 关闭 (the escape button) to every question with several answers, and
    records the questions."""
    asked: list[str] = []

    def choose(_parent: QWidget | None, _title: str, text: str, *_args: Any, **_kw: Any) -> int:
        asked.append(text)
        return -1

    monkeypatch.setattr(dialogs, "choose", choose)
    return asked


def _state(panel: PilotsPanel) -> str:
    return panel.state_label.text()


def test_each_account_sees_its_pilots_and_the_actions_of_its_role(
    world: PilotWorld, open_panel: OpenPanel, qtmodeltester: Any
) -> None:
    body = open_panel(world.park_body)
    assert body.pilot_model.rowCount() == 1 and PARK in body.header_label.text()
    assert body.lists.isHidden() and body.overview_button.isHidden()  # one pilot: no list
    assert body.period_combo.currentData() == H1
    assert not body.save_button.isHidden() and not body.submit_button.isHidden()
    for button in (body.approve_button, body.accept_button, body.evaluate_button):
        assert button.isHidden()

    city = open_panel(world.yinchuan)
    names = [city.pilot_model.record(r)["name"] for r in range(city.pilot_model.rowCount())]
    assert sorted(names) == sorted([PARK, FIRM])  # its city's pilots only
    assert city.save_button.isHidden() and city.add_project_button.isHidden()
    assert not city.approve_button.isHidden() and city.accept_button.isHidden()

    boss = open_panel(world.coordinator)
    assert boss.pilot_model.rowCount() == 3
    assert not boss.evaluate_button.isHidden() and not boss.promote_button.isHidden()
    quotas = {
        boss.type_model.index(r, 0).data(): boss.type_model.index(r, 1).data()
        for r in range(boss.type_model.rowCount())
    }
    assert quotas["全部类型"] == "3 / 16" and quotas["园区"] == "1 / 3"
    boss.type_table.selectRow(boss.type_model.rowCount() - 1)  # 企业
    assert boss.pilot_proxy.rowCount() == 1
    for model in (boss.type_model, boss.pilot_model, boss.pilot_proxy, boss.task_model):
        qtmodeltester.check(model)


def test_the_two_level_review_through_the_buttons(
    world: PilotWorld, open_panel: OpenPanel, messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = open_panel(world.park_body)
    assert "未报送" in _state(body) and "已逾期 10 天" in _state(body)
    body.submit_button.click()  # nothing written yet: refused, with its message
    assert messages.warnings[-1][1].endswith("还没有填写“总体进展”，不能报送。")
    assert "草稿" in _state(body)
    body.section_edits["overall"].setPlainText(OVERALL)
    assert body.save_button.isEnabled() and body.is_dirty()
    body.save_button.click()
    assert not body.is_dirty() and messages.infos[-1][1].startswith("已保存")
    body.submit_button.click()
    assert messages.confirms[-1][0] == t.SUBMIT_CONFIRM_TITLE
    assert "已报送，待市级审核（逾期报送）" in _state(body)
    assert body.section_edits["overall"].isReadOnly() and not body.submit_button.isEnabled()

    city = open_panel(world.yinchuan)
    city.select_pilot(world.park)
    assert city.section_edits["overall"].toPlainText() == OVERALL
    assert city.approve_button.isEnabled()
    city.approve_button.click()
    assert "市级已审核，待自治区审核" in _state(city) and "市级审核：银川发改委" in _state(city)

    boss = open_panel(world.coordinator)
    boss.select_pilot(world.park)
    boss.accept_button.click()
    assert "自治区已审核" in _state(boss)
    report = pilot_review.get_pilot_report(world.db, world.coordinator, world.park, H1)
    assert (report["state"], report["sections"]["overall"]["text"]) == ("accepted", OVERALL)

    def evaluate(_cls: type, parent: Any, *args: Any) -> Any:
        dialog = EvaluateDialog(*args, parent=parent)
        dialog.verdict_combo.setCurrentIndex(dialog.verdict_combo.findData("lagging"))
        dialog.deadline_edit.setDate(dialog.deadline_edit.date().addDays(10))
        dialog.comment_edit.setPlainText("项目开工滞后。")
        dialog.ok_button.click()
        return dialog.result_

    monkeypatch.setattr(EvaluateDialog, "ask", classmethod(evaluate))
    boss.evaluate_button.click()
    assert (
        "进度滞后" in boss.evaluation_label.text()
        and "项目开工滞后" in boss.evaluation_label.text()
    )
    row = boss.pilot_model.row_of(world.park)
    assert row is not None and boss.pilot_model.index(row, 8).data().startswith("限 ")
    assert boss.rectify_button.isEnabled()
    monkeypatch.setattr(TextDialog, "ask", classmethod(lambda _cls, *a, **k: "已开工。"))
    boss.rectify_button.click()
    assert "确认整改：已开工。" in boss.evaluation_label.text()
    assert boss.pilot_model.index(row, 8).data().startswith("已整改")


def test_a_stale_action_is_refused_with_its_message(
    world: PilotWorld, open_panel: OpenPanel, messages: Any
) -> None:
    pilot_review.save_pilot_report(
        world.db, world.park_body, world.park, H1, expect_version=0, overall=OVERALL
    )
    pilot_review.submit_pilot_report(world.db, world.park_body, world.park, H1, expect_version=None)
    city = open_panel(world.yinchuan)
    city.select_pilot(world.park)
    # another desk returned the report meanwhile: this window's approval is refused
    pilot_review.return_pilot_report(
        world.db, world.coordinator, world.park, H1, reason="数据有误", expect_version=None
    )
    city.approve_button.click()
    title, text = messages.warnings[-1]
    assert title == "无法完成操作"
    assert title == "无法完成操作" and "已被“协调员甲”于" in text
    assert "已退回" in _state(city) and "理由：数据有误" in _state(city)  # read again
    assert not city.approve_button.isEnabled() and not city.return_button.isEnabled()


def test_unsaved_texts_are_not_lost_when_leaving(
    world: PilotWorld, open_panel: OpenPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = open_panel(world.coordinator)
    boss.select_pilot(world.park)
    boss.section_edits["problems"].setPlainText("资金缺口较大。")
    answers = [-1, 0]  # first 取消 (stay), then 保存
    monkeypatch.setattr(dialogs, "choose", lambda *_a, **_k: answers.pop(0))
    firm_row = boss.pilot_proxy.mapFromSource(
        boss.pilot_model.index(boss.pilot_model.row_of(world.firm) or 0, 0)
    ).row()
    boss.pilot_table.selectRow(firm_row)
    assert PARK in boss.header_label.text() and boss.is_dirty()  # stayed, text kept
    boss.pilot_table.selectRow(firm_row)
    assert FIRM in boss.header_label.text()
    saved = pilot_review.get_pilot_report(world.db, world.coordinator, world.park, H1)
    assert saved["sections"]["problems"]["text"] == "资金缺口较大。"


def test_projects_through_their_dialogs(
    world: PilotWorld, open_panel: OpenPanel, messages: Any, monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: Any,
) -> None:  # fmt: skip
    body = open_panel(world.park_body)
    body.detail_tabs.setCurrentWidget(body.projects_page)

    def add(_cls: type, parent: Any, *args: Any) -> Any:
        dialog = ProjectDialog(*args, parent=parent)
        dialog.edits["name"].setText("屋顶光伏")
        dialog.edits["total_investment"].setText("-5")
        dialog.ok_button.click()  # refused in the dialog, which stays open
        assert "不能为负数" in dialog.message_label.text() and dialog.result_ is None
        dialog.edits["total_investment"].setText("1200.5")
        dialog.planned_edit.setText("800")
        dialog.ok_button.click()
        return dialog.result_

    monkeypatch.setattr(ProjectDialog, "ask", classmethod(add))
    body.add_project_button.click()
    assert body.project_model.rowCount() == 1
    assert [body.project_model.index(0, c).data() for c in (1, 3, 5, 6)] == [
        "屋顶光伏", "谋划", "1200.5", "800"
    ]  # fmt: skip
    qtmodeltester.check(body.project_model)

    def stage(_cls: type, parent: Any, db: Database, actor: Actor, project: Any) -> Any:
        dialog = StageDialog(db, actor, project, TODAY, parent)
        dialog.stage_combo.setCurrentIndex(dialog.stage_combo.findText("投产"))
        assert not dialog.passed_edits["开工"].isHidden()  # passed over: its date is asked
        dialog.passed_edits["开工"].setDate(dialog.date_edit.date().addDays(-30))
        dialog.ok_button.click()
        return dialog.result_

    monkeypatch.setattr(StageDialog, "ask", classmethod(stage))
    body.project_table.selectRow(0)
    body.stage_button.click()
    assert body.project_model.index(0, 3).data() == "投产"
    project = projects.list_projects(world.db, world.coordinator, pilot=world.park)[0]
    assert project["stage_dates"]["开工"] == "2025-06-20"


def test_experience_records_chosen_and_promoted(
    world: PilotWorld, open_panel: OpenPanel, messages: Any, qtmodeltester: Any
) -> None:
    record = experience.add_experience(
        world.db, world.park_body, world.park, title="整园推进", summary="统一规划。", period=H1
    )
    body = open_panel(world.park_body)
    body.detail_tabs.setCurrentWidget(body.experience_page)
    body.experience_table.selectRow(0)
    assert "统一规划。" in body.experience_preview.toPlainText()
    assert body.choose_button.text() == t.CHOOSE
    body.choose_button.click()
    assert experience.list_experience(world.db, world.coordinator)[0]["chosen"] is True
    assert body.promote_button.isHidden()
    qtmodeltester.check(body.experience_model)

    boss = open_panel(world.coordinator)
    boss.select_pilot(world.park)
    boss.experience_table.selectRow(0)
    boss.promote_button.click()
    assert messages.infos[-1][1] == t.PROMOTED.format(title=record["title"])
    assert boss.experience_model.index(0, 5).data() == "✓"


def test_exports_run_in_the_background_and_offer_the_file(
    world: PilotWorld,
    open_panel: OpenPanel,
    qtbot: QtBot,
    tmp_path: Path,
    choices: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    paths = iter([out / "报告.docx", out / "总览.xlsx"])
    monkeypatch.setattr(pilots, "choose_save_file", lambda *_a: str(next(paths)))
    boss = open_panel(world.coordinator)
    boss.select_pilot(world.park)
    boss.export_report_button.click()
    wait_for(qtbot, boss.last_task)
    assert choices[-1] == t.EXPORT_DONE.format(path=out / "报告.docx")
    headings = [p.text for p in docx.Document(str(out / "报告.docx")).paragraphs]
    assert "一、总体进展" in headings and "七、下一步工作计划" in headings
    boss.overview_button.click()
    wait_for(qtbot, boss.last_task)
    assert (out / "总览.xlsx").is_file() and len(choices) == 2


def test_the_main_window_has_the_tab_for_pilot_accounts_only(
    world: PilotWorld, qtbot: QtBot, settings: QSettings, messages: Any
) -> None:
    def window_of(actor: Actor) -> MainWindow:
        window = MainWindow(world.db, actor, settings=settings)
        qtbot.addWidget(window)
        window.reload_plans()
        return window

    assert window_of(world.stranger).pilots_panel is None
    body = window_of(world.park_body)
    panel = body.pilots_panel
    assert panel is not None and body.tabs.indexOf(panel) > 0
    assert body.tabs.tabText(body.tabs.indexOf(panel)) == t.TAB
    body.tabs.setCurrentWidget(panel)
    body.show()
    qtbot.waitExposed(body)
    assert PARK in panel.header_label.text()  # a pilot body opens on its pilot
    panel.detail_tabs.setCurrentWidget(panel.tasks_page)
    assert panel.task_model.rowCount() == 2
    panel.open_plan_button.click()
    assert body.tabs.currentIndex() == 0 and "绿谷园区" in body.plan_combo.currentText()


def test_the_project_sheet_out_and_back_through_the_panel(
    world: PilotWorld,
    open_panel: OpenPanel,
    qtbot: QtBot,
    tmp_path: Path,
    messages: Any,
    choices: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    projects.add_project(world.db, world.park_body, world.park, fields={"name": "储能电站"})
    sheet = tmp_path / "项目表.xlsx"
    monkeypatch.setattr(pilots, "choose_save_file", lambda *_a: str(sheet))
    body = open_panel(world.park_body)
    body.detail_tabs.setCurrentWidget(body.projects_page)
    body.export_sheet_button.click()
    wait_for(qtbot, body.last_task)
    assert sheet.is_file() and choices == [t.EXPORT_DONE.format(path=sheet)]

    book = openpyxl.load_workbook(sheet)
    book["重大项目"]["H4"] = -3  # 总投资: refused, nothing imported
    book.save(sheet)
    messages.chosen_files.append(str(sheet))
    body.import_sheet_button.click()
    wait_for(qtbot, body.last_task)
    title, text = messages.warnings[-1]
    assert title == "无法完成操作"
    assert "未导入，数据库未作任何修改" in text and "第 4 行 H 列" in text
    book["重大项目"]["H4"] = 2500
    book.save(sheet)
    messages.chosen_files.append(str(sheet))
    body.import_sheet_button.click()
    wait_for(qtbot, body.last_task)
    assert messages.infos[-1][1] == "已导入“项目表.xlsx”（绿谷园区）：已更新 1。"
    assert body.project_model.index(0, 5).data() == "2500"
