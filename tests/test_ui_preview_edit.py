"""Correcting the task breakdown in the import preview before it is stored: the task editor
(canonical units, validation, moving a measure to another area), excluding tasks, undo and
redo, cancelling with changes — on a plan of our own with a 任务分工 table, through the real services."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.importing.result import ParsedPlan, ParsedTask, task_json
from tracker.services import plans
from tracker.services.actor import Actor
from ui.import_dialog import ImportFlow, ImportPreviewDialog, place_moved_tasks
from ui.models import EDITED_MARK, AreaKey, TaskColumn, area_label
from ui.task_edit_dialog import TaskEditDialog, parse_area, task_problems

if TYPE_CHECKING:
    from conftest_ui import Messages, PreviewDriver, TaskEditor

pytest_plugins = ("conftest_ui",)
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("messages")]

WAIT_MS = 30_000
NDRC = "市发展改革委"  # what the importer's rules make of 市发改委


def _preview(qtbot: QtBot, parsed: ParsedPlan, db: Database) -> ImportPreviewDialog:
    dialog = ImportPreviewDialog(parsed, db)
    qtbot.addWidget(dialog)
    return dialog


def _shown_active(qtbot: QtBot, dialog: ImportPreviewDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # shortcuts work in the active window only
    dialog.task_view.setFocus()


def _row_not_led_by_ndrc(parsed: ParsedPlan) -> int:
    return next(i for i, t in enumerate(parsed.tasks) if t.lead_units and NDRC not in t.lead_units)


def _editor(db: Database, task: ParsedTask, areas: list[AreaKey]) -> TaskEditDialog:
    return TaskEditDialog(
        task, areas, lambda lead, coop: plans.canonical_task_units(db, lead, coop)
    )


def _stored(db: Database, actor: Actor, plan_id: int) -> list[dict[str, Any]]:
    return plans.list_tasks(db, actor, plan_id=plan_id)


def _by_place(tasks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(t["where"]) + "|" + str(t["code"]): t for t in tasks}


def _key(task: ParsedTask | dict[str, Any]) -> str:
    if isinstance(task, ParsedTask):
        return f"{task.where}|{task.code}"
    return f"{task['where']}|{task['code']}"


def _import_with(
    qtbot: QtBot,
    db: Database,
    actor: Actor,
    seed: Path,
    driver: PreviewDriver,
    script: Callable[[ImportPreviewDialog], None],
) -> int:
    """Run the whole import flow with the real preview, corrected by ``script``."""
    driver.script = script
    parent = QWidget()
    qtbot.addWidget(parent)
    flow = ImportFlow(parent, db, actor, show_after_ms=10)
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        flow.start(seed)
    assert len(driver.shown) == 1
    assert flow.result is not None and flow.result.created
    return flow.result.plan_id


# ---------------------------------------------------------------- editing, end to end


def test_edited_lead_unit_is_canonical_in_the_preview_and_stored(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    table_plan: Path,
    task_editor: TaskEditor,
    preview_driver: PreviewDriver,
) -> None:
    seen: dict[str, Any] = {}

    def fill(editor: TaskEditDialog) -> None:
        editor.lead_edit.setPlainText("市发改委")
        editor.cooperating_edit.setPlainText("工信局、市商务局")  # 工信局 takes the lead's 市

    def script(dialog: ImportPreviewDialog) -> None:
        row = _row_not_led_by_ndrc(dialog.parsed)
        seen["key"] = _key(dialog.parsed.tasks[row])
        seen["count"] = len(dialog.parsed.tasks)
        dialog.task_view.selectRow(row)
        task_editor.fill = fill
        dialog.edit_action.trigger()
        editor = task_editor.opened[-1]
        assert editor.lead_edit.toPlainText() == NDRC  # shown back, canonical
        assert editor.cooperating_edit.toPlainText() == "市工业和信息化局、市商务局"
        model = dialog.task_model
        assert model.task(row)["lead_units"] == [NDRC]
        assert model.index(row, TaskColumn.LEAD).data() == NDRC
        assert model.index(row, TaskColumn.COOPERATING).data() == "市工业和信息化局、市商务局"
        code = model.index(row, TaskColumn.CODE)
        assert code.data().endswith(EDITED_MARK)
        assert "已手工修改" in code.data(Qt.ItemDataRole.ToolTipRole)
        assert model.index(row, TaskColumn.LEAD).data(Qt.ItemDataRole.FontRole).bold()
        assert not model.index(row, TaskColumn.MEASURE).data(Qt.ItemDataRole.FontRole).bold()
        assert "已修改 <b>1</b> 项" in dialog.summary_label.text()
        assert dialog.windowTitle().endswith("（已修改）")
        assert NDRC in dialog.detail_view.text.toPlainText()

    plan_id = _import_with(qtbot, gui_db, coordinator, table_plan, preview_driver, script)
    stored = _stored(gui_db, coordinator, plan_id)
    assert len(stored) == seen["count"]
    task = _by_place(stored)[seen["key"]]
    assert task["lead_units"] == [NDRC]
    assert task["cooperating_units"] == ["市工业和信息化局", "市商务局"]


def test_moving_a_measure_to_another_area_changes_the_stored_area(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    table_plan: Path,
    task_editor: TaskEditor,
    preview_driver: PreviewDriver,
) -> None:
    seen: dict[str, Any] = {}

    def script(dialog: ImportPreviewDialog) -> None:
        areas = dialog.parsed.areas
        assert len(areas) >= 3
        target = areas[2]
        seen["target"] = target
        moved = dialog.parsed.tasks[0]
        seen["moved"] = _key(moved)
        seen["last_of_target"] = _key(
            [t for t in dialog.parsed.tasks if (t.area_code, t.area_title) == target][-1]
        )

        def fill(editor: TaskEditDialog) -> None:
            labels = [editor.area_combo.itemText(i) for i in range(editor.area_combo.count())]
            assert labels == [area_label(*a) for a in areas]  # every area of the plan
            editor.area_combo.setCurrentText(area_label(*target))

        task_editor.fill = fill
        dialog.edit_row(0)
        assert (dialog.parsed.tasks[0].area_code, dialog.parsed.tasks[0].area_title) == target
        assert dialog.task_model.index(0, TaskColumn.AREA).data() == area_label(*target)

        # a new area typed with its number, for the second task
        def new_area(editor: TaskEditDialog) -> None:
            editor.area_combo.setCurrentText("十三、新增测试领域行动")

        task_editor.fill = new_area
        seen["to_new"] = _key(dialog.parsed.tasks[1])
        dialog.edit_row(1)
        assert dialog.parsed.tasks[1].area_code == "十三"

    plan_id = _import_with(qtbot, gui_db, coordinator, table_plan, preview_driver, script)
    stored = _stored(gui_db, coordinator, plan_id)
    keys = [_key(t) for t in stored]
    moved = _by_place(stored)[seen["moved"]]
    assert (moved["area_code"], moved["area"]) == seen["target"]
    # stored with the tasks of its new area, right after the last of them
    assert keys.index(seen["moved"]) == keys.index(seen["last_of_target"]) + 1
    new = _by_place(stored)[seen["to_new"]]
    assert (new["area_code"], new["area"]) == ("十三", "新增测试领域行动")
    assert keys[-1] == seen["to_new"]  # a new area comes after the plan's areas
    # every area is one block of rows
    blocks = [(t["area_code"], t["area"]) for t in stored]
    starts = [a for i, a in enumerate(blocks) if i == 0 or blocks[i - 1] != a]
    assert len(starts) == len(set(starts))


def test_excluded_tasks_are_not_stored_and_can_be_taken_back(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    table_plan: Path,
    preview_driver: PreviewDriver,
) -> None:
    seen: dict[str, Any] = {}

    def script(dialog: ImportPreviewDialog) -> None:
        model = dialog.task_model
        seen["count"] = len(dialog.parsed.tasks)
        seen["left_out"] = _key(dialog.parsed.tasks[3])
        seen["taken_back"] = _key(dialog.parsed.tasks[5])
        # the check box in the 序号 column
        assert model.setData(
            model.index(3, TaskColumn.CODE),
            Qt.CheckState.Unchecked.value,
            Qt.ItemDataRole.CheckStateRole,
        )
        dialog.task_view.selectRow(5)
        dialog.exclude_action.trigger()  # 不导入此项
        assert model.excluded_rows() == [3, 5]
        assert len(dialog.parsed.tasks) == seen["count"]  # nothing removed before 确认导入
        dialog.exclude_action.trigger()  # changed their mind
        assert model.excluded_rows() == [3]

    plan_id = _import_with(qtbot, gui_db, coordinator, table_plan, preview_driver, script)
    stored = [_key(t) for t in _stored(gui_db, coordinator, plan_id)]
    assert len(stored) == seen["count"] - 1
    assert seen["left_out"] not in stored
    assert seen["taken_back"] in stored


# ---------------------------------------------------------------- the preview's table


def test_excluded_row_is_grey_and_unchecked_and_counts_update(
    qtbot: QtBot, qtmodeltester: Any, table_preview: ParsedPlan, gui_db: Database
) -> None:
    dialog = _preview(qtbot, table_preview, gui_db)
    model = dialog.task_model
    total, areas = len(table_preview.tasks), len(table_preview.areas)
    assert f"重点领域 <b>{areas}</b>" in dialog.summary_label.text()
    # leave out every task of the last area: one area fewer
    last_area = table_preview.areas[-1]
    rows = [
        i for i, t in enumerate(table_preview.tasks) if (t.area_code, t.area_title) == last_area
    ]
    for row in rows:
        dialog.exclude_row(row)
    code = model.index(rows[0], TaskColumn.CODE)
    assert code.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert code.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert model.index(rows[0], TaskColumn.CONTENT).data(Qt.ItemDataRole.ForegroundRole) == (
        Qt.GlobalColor.gray
    )
    assert "不导入此项" in code.data(Qt.ItemDataRole.ToolTipRole)
    kept = model.index(0, TaskColumn.CODE)
    assert kept.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert kept.data(Qt.ItemDataRole.ForegroundRole) is None
    summary = dialog.summary_label.text()
    assert f"重点领域 <b>{areas - 1}</b>" in summary
    assert f"将导入任务 <b>{total - len(rows)}</b> 项" in summary
    assert f"不导入 <b>{len(rows)}</b> 项" in summary
    assert f"警告 <b>{len(table_preview.warnings)}</b>" in summary  # the warnings stay
    assert dialog.warning_model.rowCount() == len(table_preview.warnings)
    qtmodeltester.check(model)


def test_model_passes_modeltester_after_edits(
    qtbot: QtBot,
    qtmodeltester: Any,
    table_preview: ParsedPlan,
    gui_db: Database,
    task_editor: TaskEditor,
) -> None:
    dialog = _preview(qtbot, table_preview, gui_db)
    task_editor.fill = lambda e: e.remarks_edit.setText("已与市发展改革委核对")
    assert dialog.edit_row(2)
    dialog.exclude_row(4)
    qtmodeltester.check(dialog.task_model)
    assert dialog.task_model.edited_rows() == [2]
    assert dialog.changed_rows() == [2, 4]


def test_keys_and_double_click_edit_and_exclude(
    qtbot: QtBot, table_preview: ParsedPlan, gui_db: Database, task_editor: TaskEditor
) -> None:
    dialog = _preview(qtbot, table_preview, gui_db)
    _shown_active(qtbot, dialog)
    view = dialog.task_view
    for key in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(view, key)
    rect = view.visualRect(dialog.task_model.index(1, TaskColumn.MEASURE))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    codes = [table_preview.tasks[0].code] * 3 + [table_preview.tasks[1].code]
    assert [e.windowTitle() for e in task_editor.opened] == [f"编辑任务 {c}" for c in codes]
    assert not dialog.task_model.edited_rows()  # every editor was cancelled

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert dialog.task_model.excluded_rows() == [1]
    assert dialog.exclude_action.isChecked()
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # Delete again takes it back
    assert dialog.task_model.excluded_rows() == []


# ---------------------------------------------------------------- undo and redo


def test_undo_restores_the_previous_values_exactly_and_redo_reapplies(
    qtbot: QtBot, table_preview: ParsedPlan, gui_db: Database, task_editor: TaskEditor
) -> None:
    dialog = _preview(qtbot, table_preview, gui_db)
    row = 0
    before = copy.deepcopy(table_preview.tasks[row])
    other_area = table_preview.areas[1]
    added = "到2025年，光伏发电装机规模达到100万千瓦。"

    def fill(editor: TaskEditDialog) -> None:
        editor.area_combo.setCurrentText(area_label(*other_area))
        editor.title_edit.setText("修改后的行动措施")
        editor.content_edit.setPlainText(before.content + "\n" + added)
        editor.lead_edit.setPlainText("工信局")
        editor.cooperating_edit.setPlainText("市财政局")
        editor.deadline_edit.setText("2025年底前")
        editor.remarks_edit.setText("按会议意见调整")

    task_editor.fill = fill
    assert not dialog.undo_action.isEnabled()
    assert dialog.edit_row(row)
    after = copy.deepcopy(table_preview.tasks[row])
    assert after.title == "修改后的行动措施" and after.deadline == "2025年底前"
    assert (after.area_code, after.area_title) == other_area
    assert len(after.targets) == len(before.targets) + 1  # extracted again from the text
    assert after.targets[-1].value == 100.0
    assert dialog.undo_action.isEnabled() and "修改任务" in dialog.undo_action.toolTip()

    dialog.undo_action.trigger()
    assert table_preview.tasks[row] == before
    assert dialog.task_model.task(row) == task_json(before)
    assert dialog.task_model.index(row, TaskColumn.CODE).data() == before.code
    assert dialog.task_model.edited_rows() == []
    assert "已修改" not in dialog.summary_label.text()
    assert dialog.redo_action.isEnabled()

    dialog.redo_action.trigger()
    assert table_preview.tasks[row] == after
    assert dialog.task_model.task(row) == task_json(after)

    # with the keys, excluding counts as one step as well
    _shown_active(qtbot, dialog)
    dialog.exclude_row(3)
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.task_model.excluded_rows() == []
    assert table_preview.tasks[row] == after  # only the last step was undone
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert table_preview.tasks[row] == before
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ctrl_shift)
    qtbot.keyClick(dialog, Qt.Key.Key_Z, ctrl_shift)
    assert table_preview.tasks[row] == after
    assert dialog.task_model.excluded_rows() == [3]
    assert dialog.undo_stack.count() == 2


def test_an_editor_that_changes_nothing_adds_no_step(
    qtbot: QtBot, table_preview: ParsedPlan, gui_db: Database, task_editor: TaskEditor
) -> None:
    dialog = _preview(qtbot, table_preview, gui_db)
    before = copy.deepcopy(table_preview.tasks[0])
    task_editor.fill = lambda _editor: None  # 确定 without touching anything
    assert not dialog.edit_row(0)
    assert table_preview.tasks[0] == before
    assert dialog.undo_stack.count() == 0


# ---------------------------------------------------------------- the editor's checks


@pytest.fixture
def editor(qtbot: QtBot, table_preview: ParsedPlan, gui_db: Database) -> TaskEditDialog:
    task = table_preview.tasks[_row_not_led_by_ndrc(table_preview)]
    dialog = _editor(gui_db, task, table_preview.areas)
    qtbot.addWidget(dialog)
    return dialog


def test_validation_needs_a_lead_unit(editor: TaskEditDialog) -> None:
    editor.lead_edit.setPlainText("")
    editor.ok_button.click()
    assert editor.edited_task is None
    assert editor.result() != TaskEditDialog.DialogCode.Accepted
    assert not editor.error_label.isHidden()
    assert editor.error_label.text() == "请至少填写一个牵头单位。"


def test_validation_names_a_unit_both_lead_and_cooperating(editor: TaskEditDialog) -> None:
    editor.lead_edit.setPlainText("市发改委")
    editor.cooperating_edit.setPlainText("市商务局、市发展和改革委员会")
    editor.ok_button.click()
    assert editor.edited_task is None
    assert editor.error_label.text() == (
        "“市发展改革委”不能既是牵头单位又是配合单位，请从其中一栏删去。"
    )
    # the lists were made canonical and shown back
    assert editor.lead_edit.toPlainText() == NDRC
    assert editor.cooperating_edit.toPlainText() == f"市商务局、{NDRC}"
    # fixed: accepted, the message gone
    editor.cooperating_edit.setPlainText("市商务局")
    editor.ok_button.click()
    assert editor.result() == TaskEditDialog.DialogCode.Accepted
    assert editor.error_label.isHidden()
    assert editor.edited_task is not None
    assert editor.edited_task.lead_units == [NDRC]
    assert editor.edited_task.cooperating_units == ["市商务局"]


def test_validation_needs_a_measure_and_its_work(editor: TaskEditDialog) -> None:
    editor.title_edit.setText("  ")
    editor.content_edit.setPlainText("\n")
    editor.ok_button.click()
    assert editor.edited_task is None
    assert editor.error_label.text().splitlines() == ["行动措施不能为空。", "主要工作不能为空。"]


def test_task_problems_as_data() -> None:
    task = ParsedTask("三", "", "1", "", "", [], [], where="第1行")
    assert [p.field for p in task_problems(task)] == ["area", "title", "content", "lead"]
    assert "三" in task_problems(task)[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三、工业领域碳达峰行动", ("三", "工业领域碳达峰行动")),
        ("（十一）对外合作", ("（十一）", "对外合作")),
        ("(4) 城乡建设", ("（4）", "城乡建设")),
        ("5.交通运输", ("5.", "交通运输")),
        ("  组织实施  ", ("", "组织实施")),
    ],
)
def test_parse_a_typed_area(text: str, expected: AreaKey) -> None:
    assert parse_area(text) == expected


def test_parse_area_finds_a_known_area() -> None:
    known = [("（一）", "能源绿色低碳转型行动"), ("二", "节能降碳增效行动")]
    assert parse_area("二、节能降碳增效行动", known) == known[1]
    assert parse_area("节能降碳增效行动", known) == known[1]
    assert parse_area("一、能源绿色低碳转型行动", known) == known[0]  # same number, other style
    assert parse_area("三、能源绿色低碳转型行动", known) == ("三", "能源绿色低碳转型行动")


def test_place_moved_tasks_keeps_areas_in_blocks() -> None:
    a, b, c = ("一", "甲"), ("二", "乙"), ("三", "丙")

    def task(code: str, area: AreaKey) -> ParsedTask:
        return ParsedTask(area[0], area[1], code, code, code, ["市财政局"], [])

    tasks = [task("1", a), task("2", c), task("3", b), task("4", c), task("5", ("四", "丁"))]
    moved = [False, True, False, False, True]  # 2 moved from 甲 to 丙; 5 to a new area
    order = [a, b, c]
    assert [t.code for t in place_moved_tasks(tasks, moved, order)] == ["1", "3", "4", "2", "5"]
    # into an area that has no other task: where that area stands
    tasks = [task("1", a), task("2", b), task("3", c)]
    assert [t.code for t in place_moved_tasks(tasks, [False, False, True], [a, c, b])] == [
        "1",
        "3",
        "2",
    ]


# ---------------------------------------------------------------- confirm and cancel


def test_confirming_with_every_task_excluded_says_so(
    qtbot: QtBot, fake_plan: ParsedPlan, gui_db: Database, messages: Messages
) -> None:
    dialog = _preview(qtbot, fake_plan, gui_db)
    for row in range(len(fake_plan.tasks)):
        dialog.exclude_row(row)
    dialog.commit_button.click()
    assert dialog.result() != ImportPreviewDialog.DialogCode.Accepted
    assert len(messages.warnings) == 1
    assert "请至少勾选一项任务" in messages.warnings[0][1]
    assert len(fake_plan.tasks) == 4  # nothing taken out
    dialog.undo_action.trigger()
    dialog.commit_button.click()
    assert dialog.result() == ImportPreviewDialog.DialogCode.Accepted
    assert [t.code for t in fake_plan.tasks] == ["4"]


def test_cancel_with_changes_asks_first(
    qtbot: QtBot,
    fake_plan: ParsedPlan,
    gui_db: Database,
    messages: Messages,
    task_editor: TaskEditor,
) -> None:
    dialog = _preview(qtbot, fake_plan, gui_db)
    _shown_active(qtbot, dialog)
    task_editor.fill = lambda e: e.deadline_edit.setText("2026年")
    dialog.edit_row(0)
    dialog.exclude_row(2)
    messages.confirm_answer = False
    dialog.cancel_button.click()
    assert messages.confirms == [("放弃修改", messages.confirms[0][1])]
    assert messages.confirms[0][1].startswith("放弃对 2 项任务的修改？")
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc asks as well
    assert len(messages.confirms) == 2 and dialog.isVisible()
    messages.confirm_answer = True
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert dialog.result() == ImportPreviewDialog.DialogCode.Rejected


def test_cancel_without_changes_does_not_ask(
    qtbot: QtBot,
    fake_plan: ParsedPlan,
    gui_db: Database,
    messages: Messages,
    task_editor: TaskEditor,
) -> None:
    dialog = _preview(qtbot, fake_plan, gui_db)
    dialog.show()
    task_editor.fill = lambda e: e.deadline_edit.setText("2026年")
    dialog.edit_row(0)
    dialog.undo_action.trigger()  # undone: nothing left to lose
    dialog.cancel_button.click()
    assert messages.confirms == []
    assert dialog.result() == ImportPreviewDialog.DialogCode.Rejected


def test_warning_still_selects_its_task_after_edits(
    qtbot: QtBot, fake_plan: ParsedPlan, gui_db: Database, task_editor: TaskEditor
) -> None:
    dialog = _preview(qtbot, fake_plan, gui_db)
    task_editor.fill = lambda e: e.title_edit.setText("推动钢铁行业碳达峰（已核对）")
    dialog.edit_row(2)
    dialog.exclude_row(2)
    dialog.task_view.selectRow(0)
    dialog.warning_view.activated.emit(dialog.warning_model.index(0, 1))  # 第22行 → task 3
    assert dialog.selected_row() == 2
    assert "推动钢铁行业碳达峰（已核对）" in dialog.detail_view.text.toPlainText()
    assert dialog.exclude_action.isChecked()
