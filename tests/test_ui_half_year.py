"""A half year in the real windows: a reporter signs in, fills and submits two reports (one
of them conflicting with another session), the coordinator returns one and approves the
other, sees the dashboard change, exports the ledger and the report, prints the ledger;
the reporter exports the unit's form, fills it in Excel and imports it; a broken returned
form is refused row by row; refused actions show their message; nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import docx
import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.outputs import forms
from tracker.services import reports, settings, worklist
from tracker.services.actor import Actor
from ui import outputs as outputs_module
from ui.account import SignInDialog
from ui.main_window import MainWindow, describe_database
from ui.progress_models import ProgressColumn
from ui.views.report_form_view import ConflictDialog

from desk import Answers, OutputsDriver, print_ledger_pages, select_task, wait_for
from factories import HOUSING, MIIT, NDRC, PASSWORD, World, make_plan

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui", "conftest_desk")
pytestmark = pytest.mark.gui

Opener = Callable[[Database, Actor], MainWindow]


def sign_in(qtbot: QtBot, db: Database, name: str) -> Actor:
    dialog = SignInDialog(db, describe_database(db))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText(name)
    dialog.password_edit.setText(PASSWORD)
    dialog.accept_button.click()
    assert dialog.actor is not None, dialog.message()
    return dialog.actor


def fill(window: MainWindow, status: str, progress: str, percent: int = 40) -> None:
    form = window.workbench.form
    form.status_combo.setCurrentIndex(form.status_combo.findData(status))
    form.text_edits["progress"].setPlainText(progress)
    form.text_edits["next_steps"].setPlainText("下半年完成验收。")
    form.percent_spin.setValue(percent)


def cell(window: MainWindow, task_id: int, column: int) -> str:
    row = window.task_model.row_of_task_id(task_id)
    assert row is not None
    return str(window.task_model.index(row, column).data())


def test_a_half_year_in_the_windows(
    qtbot: QtBot,
    world: World,
    current_period: dict[str, Any],
    open_window: Opener,
    answers: Answers,
    messages: Messages,
    outputs_driver: OutputsDriver,
) -> None:
    db, plan = world.db, world.plan
    period_id = int(current_period["id"])

    # -- the reporter of 市发改委 signs in and lands on the unit's tasks for the period
    reporter = sign_in(qtbot, db, "发改委填报员")
    window = open_window(db, reporter)
    form = window.workbench.form
    assert window.tabs.tabText(0) == "本单位任务"
    assert window.current_period_id() == period_id
    assert {window.task_model.task(r)["id"] for r in range(window.task_model.rowCount())} == {
        plan.task1,
        plan.task2,
    }
    assert "本单位本期应报 2 项，已报送 0 项" in window.period_label.text()
    assert f"截止 {current_period['due_date']}" in window.period_label.text()
    assert cell(window, plan.task1, ProgressColumn.REPORTS) == "未填报（牵头）"
    assert cell(window, plan.task2, ProgressColumn.REPORTS) == "未填报（配合）"

    # -- report 1 (lead of task 1): fill it, with the target's actual value, and save
    select_task(window, plan.task1)
    assert form.task_id == plan.task1 and form.unit_label() == f"{NDRC}（牵头）"
    fill(window, "序时推进", "新增光伏装机 120 万千瓦。", 45)
    target = world.plan.target_ids[plan.task1][0]
    form.actuals_model.setData(form.actuals_model.index(0, form.actuals_model.VALUE_COLUMN), "320")
    assert form.is_dirty() and window.windowTitle().endswith(" *")
    window.save_action.trigger()  # Ctrl+S
    assert not form.is_dirty()
    saved = reports.get_report(db, reporter, plan.task1, period_id)
    assert saved is not None and saved["percent"] == 45 and saved["version"] == 1
    assert [a["value"] for a in saved["actuals"] if a["target_id"] == target] == [320.0]
    assert cell(window, plan.task1, ProgressColumn.REPORTS) == "草稿（牵头）"

    # -- unsaved edits survive switching tasks, and come back
    form.text_edits["problems"].setPlainText("电网消纳能力不足。")
    select_task(window, plan.task2)
    assert form.task_id == plan.task2 and form.text_edits["problems"].toPlainText() == ""
    assert form.unsaved() == [f"任务 1（大力发展新能源）{NDRC} {current_period['name']}"]
    select_task(window, plan.task1)
    assert form.text_edits["problems"].toPlainText() == "电网消纳能力不足。"
    assert form.is_dirty() and "已恢复您尚未保存的修改" in form.notice_banner.text()

    # -- submit report 1 (saves the edits first)
    form.submit_button.click()
    assert messages.confirms and "报送" in messages.confirms[-1][0]
    stored = reports.get_report(db, reporter, plan.task1, period_id)
    assert stored is not None and stored["state"] == "submitted"
    assert stored["problems"] == "电网消纳能力不足。"
    assert cell(window, plan.task1, ProgressColumn.REPORTS) == "已报送（牵头）"
    assert not form.save_button.isEnabled()  # submitted: read-only until returned

    # -- report 2 (cooperating on task 2): another session saves it first
    select_task(window, plan.task2)
    fill(window, "进度滞后", "配合开展节能监察。")
    other_session = reports.save_report(
        db,
        world.coordinator,
        plan.task2,
        period_id,
        NDRC,
        status="序时推进",
        progress="协调员代填",
        expect_version=None,
    )
    assert other_session["version"] == 1
    answers.conflict_choice = ConflictDialog.OVERWRITE
    form.save_button.click()
    message, differences = answers.conflicts[-1]
    assert "已被“协调员甲”" in message and "本次未保存" in message
    assert ("工作进展", "配合开展节能监察。", "协调员代填") in differences
    stored = reports.get_report(db, reporter, plan.task2, period_id)
    assert stored is not None and stored["progress"] == "配合开展节能监察。"
    assert stored["version"] == 2  # written on top of the version the user compared with
    form.submit_button.click()
    assert reports.get_report(db, reporter, plan.task2, period_id)["state"] == "submitted"
    assert "已报送 2 项" in window.period_label.text()

    # -- the coordinator: the dashboard, then the review queue
    boss = open_window(db, world.coordinator)
    dashboard = boss.workbench.dashboard
    review = boss.workbench.review
    assert dashboard is not None and review is not None
    boss.tabs.setCurrentWidget(dashboard)
    wait_for(qtbot, dashboard.last_task)
    before = dashboard.summary
    assert before is not None and before["reports"]["by_state"]["已报送"] == 2
    assert "已报送 2 份" in dashboard.summary_label.text()

    boss.tabs.setCurrentWidget(review)
    queue = [(r["task_id"], r["unit"]) for r in review.model.records()]
    assert queue == [(plan.task1, NDRC), (plan.task2, NDRC)]
    assert boss.tabs.tabText(boss.tabs.indexOf(review)) == "审核（2）"
    review.select_rows([1])
    answers.texts.append("请说明节能监察的企业数量。")
    review.return_button.click()
    wait_for(qtbot, review.last_task)
    review.select_rows([0])
    review.approve_button.click()
    wait_for(qtbot, review.last_task)
    assert review.model.rowCount() == 0
    assert [m for _t, m in messages.infos][-2:] == ["已退回 1 份填报。", "已审核通过 1 份填报。"]

    # -- the dashboard changes
    boss.tabs.setCurrentWidget(dashboard)
    wait_for(qtbot, dashboard.last_task)
    after = dashboard.summary
    assert after is not None
    assert (after["reports"]["by_state"]["已审核"], after["reports"]["by_state"]["已退回"]) == (
        1,
        1,
    )
    assert after["reports"]["by_state"]["已报送"] == 0
    assert "已报送 1 份" in dashboard.summary_label.text()
    # clicking the bar of an area filters the task table on that area and status
    series = dashboard.area_series
    bar_set = series.barSets()[0]
    series.clicked.emit(len(dashboard._areas) - 1, bar_set)  # the first area, drawn on top
    assert boss.tabs.currentIndex() == 0
    assert boss.task_proxy.area == dashboard._areas[0]
    assert boss.task_proxy.status == bar_set.label()

    # -- the reporter sees the return reason on top of report 2
    window.refresh_action.trigger()  # F5
    select_task(window, plan.task2)
    assert form.return_banner.isVisibleTo(form)
    assert "请说明节能监察的企业数量。" in form.return_banner.text()
    assert form.save_button.isEnabled()  # returned: editable again
    assert cell(window, plan.task1, ProgressColumn.REPORTS) == "已审核（牵头）"

    # -- the outputs, with a second plan in the database: every call names the plan shown
    make_plan(db, title="另一个方案", start_year=2025, horizon_year=2026)
    export_ledger_and_report(qtbot, boss, outputs_driver, current_period)
    print_the_ledger(qtbot, boss, outputs_driver, messages)
    return_a_form(qtbot, window, boss, answers, outputs_driver, current_period, world)
    boss.close()
    window.close()


# ---------------------------------------------------------------- the outputs, in the windows


def export_ledger_and_report(
    qtbot: QtBot, boss: MainWindow, driver: OutputsDriver, period: dict[str, Any]
) -> None:
    """The coordinator exports the ledger and the report; the files say what was done."""
    outputs = boss.workbench.outputs
    outputs.actions.export_ledger_action.trigger()
    wait_for(qtbot, outputs.last_task)
    title, text, files = driver.finished[-1]
    assert title == "工作台账已导出" and "3 项任务" in text
    assert files[0].name == f"某市碳达峰实施方案_{period['name']}_工作台账.xlsx"
    sheet = openpyxl.load_workbook(files[0])["工作台账"]
    headers = [c.value for c in sheet[4]]
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == "1")
    assert row[headers.index("状态")] == "序时推进"
    assert "新增光伏装机 120 万千瓦。" in row[headers.index("工作进展")]

    # a filter of the dialog: only 未报送 tasks; then the report, with an addressee
    driver.scripts["ledger"] = lambda d: d.status_combo.setCurrentIndex(
        d.status_combo.findData("未报送")
    )
    outputs.actions.export_ledger_action.trigger()
    wait_for(qtbot, outputs.last_task)
    sheet = openpyxl.load_workbook(driver.finished[-1][2][0])["工作台账"]
    codes = [r[0] for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    assert codes == ["2", "3"] and "任务状态“未报送”" in str(sheet["A2"].value)
    driver.scripts["report"] = lambda d: d.to_edit.setText("市碳达峰碳中和工作领导小组")
    outputs.actions.export_report_action.trigger()
    wait_for(qtbot, outputs.last_task)
    title, _text, files = driver.finished[-1]
    assert title == "工作进展情况报告已导出" and files[0].suffix == ".docx"
    text = "\n".join(p.text for p in docx.Document(str(files[0])).paragraphs)
    assert "工作进展情况报告" in files[0].name and "市碳达峰碳中和工作领导小组：" in text
    assert "1.大力发展新能源。新增光伏装机 120 万千瓦。" in text

    # a folder that does not exist is said in the dialog, and nothing is exported
    driver.scripts["ledger"] = lambda d: d.path_edit.setText("/无此目录/台账.xlsx")
    outputs.actions.export_ledger_action.trigger()
    assert "文件夹“/无此目录”不存在" in driver.opened[-1].message()
    assert len(driver.finished) == 3


def print_the_ledger(
    qtbot: QtBot, boss: MainWindow, driver: OutputsDriver, messages: Messages
) -> None:
    """Ctrl+P in the task view: the ledger's print preview, of what the table shows."""
    assert QKeySequence("Ctrl+P") in boss.workbench.outputs.actions.print_ledger_action.shortcuts()
    boss.tabs.setCurrentIndex(0)
    boss.status_combo.setCurrentIndex(boss.status_combo.findData("已完成"))  # shows none
    boss.workbench.outputs.actions.print_ledger_action.trigger()
    assert "表中没有任务" in messages.infos[-1][1]
    boss.clear_filters()
    boss.workbench.outputs.actions.print_ledger_action.trigger()
    wait_for(qtbot, boss.workbench.outputs.last_task)
    title, table = driver.previews[-1]
    assert "工作台账" in title and len(table.rows) == boss.task_model.rowCount()
    layout, drawn = print_ledger_pages(table)
    printed = " ".join(text for page in drawn for text in page)
    assert "大力发展新能源" in printed and "推进城乡建设绿色低碳转型" in printed
    assert drawn[0][:2] == [table.title, table.subtitle]  # page 1 opens with the title
    for number, page in enumerate(drawn):  # the two header rows on top of every page
        start = 2 if number == 0 else 0
        assert page[start : start + len(table.groups) + len(table.headers)] == [
            *(name for name, _span in table.groups),
            *table.headers,
        ]
    assert sorted(row for page in range(len(layout.pages)) for row in layout.rows_on(page)) == [
        *range(len(table.rows))
    ]
    boss.status_combo.setCurrentIndex(boss.status_combo.findData("序时推进"))
    boss.workbench.outputs.actions.print_ledger_action.trigger()
    wait_for(qtbot, boss.workbench.outputs.last_task)
    title, table = driver.previews[-1]
    assert "按当前筛选，1 项任务" in title and len(table.rows) == 1
    _layout, drawn = print_ledger_pages(table)
    printed = " ".join(text for page in drawn for text in page)
    assert "大力发展新能源" in printed and "推进城乡建设绿色低碳转型" not in printed
    boss.clear_filters()


def return_a_form(
    qtbot: QtBot,
    window: MainWindow,
    boss: MainWindow,
    answers: Answers,
    driver: OutputsDriver,
    period: dict[str, Any],
    world: World,
) -> None:
    """The reporter exports the unit's form, fills it in Excel and imports it; a copy with
    a changed locked cell is refused row by row and changes nothing; the dashboard's 催办
    list exports the late units' forms."""
    plan = world.plan
    mine = window.workbench.outputs
    assert not mine.actions.export_report_action.isEnabled()  # the coordinator's
    mine.actions.export_forms_action.trigger()
    wait_for(qtbot, mine.last_task)
    form_path = driver.finished[-1][2][0]
    assert form_path.name == f"{NDRC}_{period['name']}_填报表.xlsx"
    book = openpyxl.load_workbook(form_path)
    sheet = book["填报表"]
    lines = {
        sheet.cell(row=r, column=forms.column("task_id").index).value: r
        for r in range(forms.FIRST_ROW, sheet.max_row + 1)
    }
    line = lines[plan.task2]
    sheet.cell(row=line, column=forms.column("progress").index).value = "补充：监察企业 12 家。"
    book.save(form_path)
    bad_path = form_path.with_name("改坏的填报表.xlsx")
    book = openpyxl.load_workbook(form_path)
    book["填报表"].cell(row=lines[plan.task1], column=forms.column("content").index).value = "改了"
    book.save(bad_path)

    answers.files.append([str(form_path)])
    mine.actions.import_forms_action.trigger()
    dialog = mine.import_dialog
    assert dialog is not None
    wait_for(qtbot, dialog.last_task)
    outcome = {(r["task"], r["outcome"], r["detail"]) for r in dialog.model.records()}
    assert ("2", "已导入", "已更新") in outcome and ("1", "已导入", "已报送过，未改动") in outcome
    assert "已导入 1 个" in dialog.summary_label.text()
    stored = reports.get_report(world.db, world.ndrc, plan.task2, int(period["id"]))
    assert stored is not None and stored["progress"] == "补充：监察企业 12 家。"
    assert cell(window, plan.task2, ProgressColumn.REPORTS) == "草稿（配合）"

    before = reports.get_report(world.db, world.ndrc, plan.task2, int(period["id"]))
    answers.files.append([str(bad_path)])
    boss.workbench.outputs.actions.import_forms_action.trigger()
    refused = boss.workbench.outputs.import_dialog
    assert refused is not None
    wait_for(qtbot, refused.last_task)
    rows = refused.model.records()
    assert [(r["row"], r["task"], r["outcome"]) for r in rows] == [
        (lines[plan.task1], "1", "未导入"),
        (lines[plan.task2], "2", "未导入"),  # imported since this copy was made
    ]
    assert "“主要工作”已被修改" in rows[0]["detail"] and rows[0]["file"] == bad_path.name
    assert "导出后这份填报已被“发改委填报员”于" in rows[1]["detail"]
    assert "未导入 1 个" in refused.summary_label.text()
    assert reports.get_report(world.db, world.ndrc, plan.task2, int(period["id"])) == before

    # the dashboard's 催办 list: a button exports the forms of every unit on it
    dashboard = boss.workbench.dashboard
    assert dashboard is not None
    boss.tabs.setCurrentWidget(dashboard)
    wait_for(qtbot, dashboard.last_task)
    late = [name for _id, name in dashboard.late_units()]
    assert late and dashboard.export_late_button.isEnabled()
    dashboard.export_late_button.click()
    wait_for(qtbot, boss.workbench.outputs.last_task)
    names = sorted(p.name for p in driver.finished[-1][2])
    assert names == sorted(f"{unit}_{period['name']}_填报表.xlsx" for unit in late)


def test_refused_actions_show_their_message(
    qtbot: QtBot,
    world: World,
    current_period: dict[str, Any],
    open_window: Opener,
    answers: Answers,
    messages: Messages,
    periods_dialogs: list[Any],
) -> None:
    del answers
    db, plan = world.db, world.plan
    window = open_window(db, world.ndrc)
    form = window.workbench.form

    # another unit's task (e.g. a stale link): the service refuses, the dialog says why
    form.show_task(plan.task3, int(current_period["id"]))
    assert "无权查看或填报任务" in messages.warnings[-1][1]
    assert not form.scroll_area.isVisibleTo(form)
    assert "无权" in form.placeholder.text()

    # the coordinator locks the period while the reporter is typing
    select_task(window, plan.task2)
    select_task(window, plan.task1)
    fill(window, "序时推进", "进展")
    boss = open_window(db, world.coordinator)
    boss.periods_action.trigger()
    dialog = periods_dialogs[-1]
    ids = [r["id"] for r in dialog.model.records()]
    dialog.select_row(ids.index(current_period["id"]))
    dialog.lock_button.click()
    assert dialog.model.record(ids.index(current_period["id"]))["locked"]
    assert not dialog.lock_button.isEnabled() and dialog.reopen_button.isEnabled()

    assert not form.save_draft()
    assert "已锁定" in messages.warnings[-1][1] and "不能再修改" in messages.warnings[-1][1]
    assert form.is_dirty()  # nothing typed is lost
    window.refresh_action.trigger()
    select_task(window, plan.task1)
    assert "已锁定" in form.notice_banner.text() and not form.save_button.isEnabled()
    assert form.text_edits["progress"].toPlainText() == "进展"  # the edits are still there
    assert "已锁定" in window.period_label.text()
    boss.close()


def test_unsaved_edits_are_asked_about_on_close(
    world: World, open_window: Opener, answers: Answers, current_period: dict[str, Any]
) -> None:
    window = open_window(world.db, world.ndrc)
    select_task(window, world.plan.task1)
    fill(window, "未启动", "调研中")
    answers.choices.append(-1)  # 取消: the window stays open
    assert not window.close()
    assert "任务 1（大力发展新能源）" in answers.choose_prompts[-1]
    assert window.isVisible()
    answers.choices.append(0)  # 全部保存
    assert window.close()
    stored = reports.get_report(world.db, world.ndrc, world.plan.task1, int(current_period["id"]))
    assert stored is not None and stored["progress"] == "调研中"


def test_conflict_reload_shows_the_other_text(
    world: World, open_window: Opener, answers: Answers, current_period: dict[str, Any]
) -> None:
    period_id = int(current_period["id"])
    reports.save_report(
        world.db, world.miit, world.plan.task2, period_id, status="未启动", expect_version=None
    )
    window = open_window(world.db, world.miit)
    form = window.workbench.form
    select_task(window, world.plan.task2)
    form.text_edits["results"].setPlainText("我的文字")
    reports.save_report(
        world.db,
        world.miit,
        world.plan.task2,
        period_id,
        results="另一窗口的文字",
        expect_version=None,
    )
    answers.conflict_choice = ConflictDialog.RELOAD
    assert not form.save_draft()
    assert form.text_edits["results"].toPlainText() == "另一窗口的文字"
    assert not form.is_dirty() and form.unsaved() == []


def test_consolidate_evidence_and_a_bug_that_loses_nothing(
    qtbot: QtBot,
    world: World,
    open_window: Opener,
    answers: Answers,
    messages: Messages,
    current_period: dict[str, Any],
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    period_id = int(current_period["id"])
    reports.save_report(
        world.db,
        world.miit,
        world.plan.task1,
        period_id,
        status="序时推进",
        progress="工信进展",
        expect_version=None,
    )
    reports.submit_report(world.db, world.miit, world.plan.task1, period_id, expect_version=None)
    window = open_window(world.db, world.ndrc)
    form = window.workbench.form
    select_task(window, world.plan.task1)
    assert f"{MIIT}（配合）· 已报送" in form.others_text.toPlainText()
    assert "工信进展" in form.others_text.toPlainText()
    fill(window, "序时推进", "发改进展")
    form.consolidate_button.click()  # saves the edits, then 汇总
    stored = reports.get_report(world.db, world.ndrc, world.plan.task1, period_id)
    assert stored is not None and stored["progress"] == f"发改进展\n【{MIIT}】工信进展"
    assert form.text_edits["progress"].toPlainText() == stored["progress"]
    assert "尚未报送：市自然资源局" in messages.infos[-1][1]

    # evidence: add (in the background), size shown, open, remove
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 " + b"x" * 3000)
    answers.files.append([str(evidence)])
    form.add_evidence_button.click()
    wait_for(qtbot, form.last_task)
    assert form.evidence_model.rowCount() == 1
    assert form.evidence_model.index(0, 1).data() == "2.9 KB"
    assert form.side_tabs.tabText(2) == "佐证材料（1）"
    form.select_evidence(0)
    opened = form.open_evidence()
    assert opened is not None and opened.read_bytes() == evidence.read_bytes()
    assert answers.opened == [str(opened)]
    form.select_evidence(0)
    form.remove_evidence_button.click()
    assert form.evidence_model.rowCount() == 0

    # a bug while saving in the background: the crash dialog, and the edits stay
    form.text_edits["problems"].setPlainText("还没保存的问题")
    answers.files.append([str(evidence)])

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(reports, "save_report", broken)
    form.add_evidence_button.click()
    wait_for(qtbot, form.last_task)
    assert messages.crashes and "simulated bug" in messages.crashes[-1]
    assert form.is_dirty() and form.text_edits["problems"].toPlainText() == "还没保存的问题"


def test_coordinator_form_reviews_and_instructs(
    world: World, open_window: Opener, answers: Answers, current_period: dict[str, Any]
) -> None:
    period_id = int(current_period["id"])
    reports.save_report(
        world.db, world.housing, world.plan.task3, period_id, status="已完成", expect_version=None
    )
    reports.submit_report(world.db, world.housing, world.plan.task3, period_id, expect_version=None)
    window = open_window(world.db, world.coordinator)
    form = window.workbench.form
    select_task(window, world.plan.task3)
    assert form.unit_label() == f"{HOUSING}（牵头）"
    assert form.approve_button.isEnabled()
    answers.texts.append("请加快推进。")
    form.instruct_button.click()
    assert "请加快推进。" in form.instruction_banner.text()
    form.approve_button.click()
    stored = reports.get_report(world.db, world.coordinator, world.plan.task3, period_id, HOUSING)
    assert stored is not None and stored["state"] == "approved"
    assert cell(window, world.plan.task3, ProgressColumn.STATUS) == "已完成"
    assert cell(window, world.plan.task3, ProgressColumn.LIGHT) == "已报齐"
    window.print_action.trigger()  # Ctrl+P
    assert answers.printed and "碳达峰任务进展填报单" in answers.printed[-1]
    assert "已完成" in answers.printed[-1]


def test_status_and_late_filters(
    world: World, open_window: Opener, current_period: dict[str, Any]
) -> None:
    period_id = int(current_period["id"])
    reports.save_report(
        world.db, world.ndrc, world.plan.task1, period_id, status="已完成", expect_version=None
    )
    reports.submit_report(world.db, world.ndrc, world.plan.task1, period_id, expect_version=None)
    window = open_window(world.db, world.coordinator)
    window.status_combo.setCurrentIndex(window.status_combo.findData("已完成"))
    assert window.task_proxy.rowCount() == 1
    window.status_combo.setCurrentIndex(window.status_combo.findData("未报送"))
    assert window.task_proxy.rowCount() == 2
    window.late_check.setChecked(True)
    rows = worklist.period_tasks(world.db, world.coordinator, world.plan.plan_id, period_id)
    late = [t for t, r in rows["tasks"].items() if r["light"] == "red" and r["status"] is None]
    assert window.task_proxy.rowCount() == len(late)
    window.clear_filters()
    assert not window.late_check.isChecked() and window.current_status() is None
    assert window.task_proxy.rowCount() == 3


def test_a_large_ledger_is_asked_about_before_its_print_preview(
    qtbot: QtBot,
    world: World,
    open_window: Opener,
    outputs_driver: OutputsDriver,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outputs_module, "LARGE_PRINT_TASKS", 2)  # the plan has 3 tasks
    boss = open_window(world.db, world.coordinator)
    printing = boss.workbench.outputs.actions.print_ledger_action
    messages.confirm_answer = False
    printing.trigger()
    title, text = messages.confirms[-1]
    assert title == "打印工作台账" and "有 3 项任务（约 1 页 A3）" in text
    assert outputs_driver.previews == []  # declined: nothing laid out
    boss.search_edit.setText("新能源")  # a filter brings it under the limit: no question
    asked = len(messages.confirms)
    printing.trigger()
    wait_for(qtbot, boss.workbench.outputs.last_task)
    assert len(messages.confirms) == asked and len(outputs_driver.previews) == 1
    boss.clear_filters()
    messages.confirm_answer = True
    printing.trigger()
    wait_for(qtbot, boss.workbench.outputs.last_task)
    printed = outputs_driver.previews[-1][1]
    assert any("推进城乡建设绿色低碳转型" in cell for row in printed.rows for cell in row)


def test_a_status_renamed_at_another_desk_is_offered_after_a_refresh(
    world: World, open_window: Opener, current_period: dict[str, Any]
) -> None:
    period_id = int(current_period["id"])
    window = open_window(world.db, world.ndrc)
    form = window.workbench.form
    select_task(window, world.plan.task1)
    fill(window, "序时推进", "我还没保存的文字")
    # another desk of the same database renames a status (shared settings)
    settings.rename_status(world.db, world.coordinator, "序时推进", "按计划推进")
    assert window.status_combo.findData("按计划推进") < 0  # read when the plan was loaded
    window.refresh_action.trigger()  # F5
    assert window.status_combo.findData("按计划推进") > 0
    assert window.status_combo.findData("序时推进") < 0
    select_task(window, world.plan.task1)
    # the unsaved edit kept the status it was written with; the vocabulary is the new one
    assert form.text_edits["progress"].toPlainText() == "我还没保存的文字"
    assert form.status_combo.currentData() == "序时推进"
    statuses = [form.status_combo.itemData(i) for i in range(form.status_combo.count())]
    assert "按计划推进" in statuses
    form.status_combo.setCurrentIndex(form.status_combo.findData("按计划推进"))
    assert form.save_draft()
    stored = reports.get_report(world.db, world.ndrc, world.plan.task1, period_id)
    assert stored is not None and stored["status"] == "按计划推进"


def test_shortcuts_and_dropping_a_plan(
    world: World, open_window: Opener, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(world.db, world.coordinator)
    keys = {
        window.find_action: "Ctrl+F",
        window.save_action: "Ctrl+S",
        window.workbench.outputs.actions.print_ledger_action: "Ctrl+P",  # the task view's
        window.print_action: "Ctrl+Shift+P",  # the report form's
        window.import_action: "Ctrl+I",
        window.refresh_action: "F5",
    }
    for action, key in keys.items():
        assert QKeySequence(key) in action.shortcuts(), action.text()
    dropped: list[str] = []
    monkeypatch.setattr(window, "import_file", dropped.append)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile("/tmp/某市碳达峰实施方案.docx")])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert dropped == ["/tmp/某市碳达峰实施方案.docx"]
    data.setUrls([QUrl.fromLocalFile("/tmp/照片.png")])
    window.dropEvent(event)
    assert dropped == ["/tmp/某市碳达峰实施方案.docx"]  # not a plan document

    reporter_window = open_window(world.db, world.ndrc)
    data.setUrls([QUrl.fromLocalFile("/tmp/方案.txt")])
    reporter_window.dropEvent(event)
    assert messages.warnings[-1][1] == "仅协调员可以导入实施方案。"


def test_tab_order_follows_the_screen(world: World, open_window: Opener) -> None:
    window = open_window(world.db, world.coordinator)
    wanted = [
        window.period_combo,
        window.search_edit,
        window.role_combo,
        window.status_combo,
        window.late_check,
        window.area_view,
        window.task_view,
    ]
    seen: list[Any] = []
    widget = window.plan_combo.nextInFocusChain()
    for _ in range(500):
        if widget in wanted and widget not in seen:
            seen.append(widget)
        if widget is window.plan_combo:
            break
        widget = widget.nextInFocusChain()
    assert seen == wanted
