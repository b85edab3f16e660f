"""Importing a plan from the UI: the preview dialog, and the whole flow through the real
services (file → background preview → confirm → background commit → tasks in the table)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.importing.result import ParsedPlan
from tracker.services import plans
from tracker.services.actor import Actor
from tracker.services.plans import ImportPreview
from ui.import_dialog import ImportFlow, ImportPreviewDialog
from ui.main_window import MainWindow
from ui.models import TaskColumn
from ui.worker import ProgressCallback

if TYPE_CHECKING:
    from conftest_ui import Messages, TaskEditor

pytest_plugins = ("conftest_ui",)
pytestmark = [
    pytest.mark.gui,
]

WAIT_MS = 30_000


class PreviewAnswers:
    """Replaces the modal preview: records what it was shown, answers yes or no."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.shown: list[ParsedPlan] = []

    def __call__(
        self, _cls: type, _parent: QWidget | None, preview: ImportPreview, _db: Database
    ) -> bool:
        self.shown.append(preview.parsed)
        return self.answer


def _answer_preview(monkeypatch: pytest.MonkeyPatch, answer: bool) -> PreviewAnswers:
    answers = PreviewAnswers(answer)
    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(answers))
    return answers


@pytest.fixture
def window(
    qtbot: QtBot, gui_db: Database, coordinator: Actor, settings: QSettings, messages: Messages
) -> MainWindow:
    del messages  # only needed active
    main = MainWindow(gui_db, coordinator, settings=settings)
    qtbot.addWidget(main)
    main.reload_plans()
    main.show()
    return main


def _import(qtbot: QtBot, window: MainWindow) -> ImportFlow:
    """Trigger 导入实施方案… and wait until the whole flow has ended."""
    assert window.import_action.isEnabled()
    with qtbot.waitSignal(window.import_finished, timeout=WAIT_MS):
        window.import_action.trigger()
    assert window.import_flow is not None
    return window.import_flow


# ---------------------------------------------------------------- the preview dialog


def test_preview_dialog_shows_the_parsed_plan(
    qtbot: QtBot, qtmodeltester: Any, fake_plan: ParsedPlan, gui_db: Database
) -> None:
    dialog = ImportPreviewDialog(fake_plan, gui_db)
    qtbot.addWidget(dialog)
    summary = dialog.summary_label.text()
    for part in (
        "测试市碳达峰实施方案",
        "正文责任分工标注",
        "重点领域 <b>2</b>",
        "任务 <b>4</b>",
        "警告 <b>2</b>",
    ):
        assert part in summary
    assert dialog.windowTitle() == "导入预览 — 测试方案.txt"
    qtmodeltester.check(dialog.task_model)
    qtmodeltester.check(dialog.warning_model)
    assert dialog.task_model.rowCount() == 4
    assert dialog.warning_model.rowCount() == 2
    assert dialog.commit_button.isEnabled()
    assert dialog.selected_row() == 0
    assert "大力发展新能源" in dialog.detail_view.text.toPlainText()
    assert dialog.detail_view.targets_model.rowCount() == 1


def test_double_click_on_a_warning_selects_its_task(
    qtbot: QtBot, fake_plan: ParsedPlan, gui_db: Database
) -> None:
    dialog = ImportPreviewDialog(fake_plan, gui_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.warning_view
    first = dialog.warning_model.index(0, 1)  # 第22行: inside task 3 (line 20)
    rect = view.visualRect(first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.selected_row() == 2
    assert dialog.task_model.index(2, TaskColumn.CODE).data() == "3"
    assert "推动钢铁行业碳达峰" in dialog.detail_view.text.toPlainText()
    # a warning before the first task selects nothing new
    assert dialog.select_task_at("第3行") is None
    assert dialog.selected_row() == 2


def test_enter_in_the_preview_edits_and_does_not_import(
    qtbot: QtBot, fake_plan: ParsedPlan, gui_db: Database, task_editor: TaskEditor
) -> None:
    dialog = ImportPreviewDialog(fake_plan, gui_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # shortcuts work in the active window only
    dialog.task_view.setFocus()
    qtbot.keyClick(dialog.task_view, Qt.Key.Key_Return)  # opens the editor, cancelled
    assert [e.windowTitle() for e in task_editor.opened] == ["编辑任务 1"]
    assert dialog.isVisible()
    assert dialog.result() != ImportPreviewDialog.DialogCode.Accepted
    dialog.commit_button.click()
    assert dialog.result() == ImportPreviewDialog.DialogCode.Accepted


def test_preview_without_tasks_cannot_be_committed(
    qtbot: QtBot, fake_plan: ParsedPlan, gui_db: Database
) -> None:
    fake_plan.tasks.clear()
    dialog = ImportPreviewDialog(fake_plan, gui_db)
    qtbot.addWidget(dialog)
    assert not dialog.commit_button.isEnabled()
    assert "没有识别出任何任务" in dialog.hint_label.text()


# ---------------------------------------------------------------- the flow


def test_import_seed_ends_with_its_tasks_in_the_table(
    qtbot: QtBot,
    window: MainWindow,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    settings: QSettings,
    table_plan: Path,
) -> None:
    answers = _answer_preview(monkeypatch, True)
    messages.chosen_files.append(str(table_plan))
    flow = _import(qtbot, window)

    assert messages.warnings == [] and messages.crashes == [] and messages.infos == []
    assert len(answers.shown) == 1
    parsed = answers.shown[0]
    assert parsed.source_name == table_plan.name and parsed.tasks
    assert flow.result is not None and flow.result.created
    stored = plans.list_plans(gui_db, coordinator)
    assert [p["id"] for p in stored] == [flow.result.plan_id]
    assert window.current_plan_id() == flow.result.plan_id
    assert window.task_model.rowCount() == len(parsed.tasks) == stored[0]["task_count"]
    codes = [window.task_model.index(r, TaskColumn.CODE).data() for r in range(3)]
    assert codes == [t.code for t in parsed.tasks[:3]]
    assert window.import_action.isEnabled()
    assert settings.value("import/last_dir") == str(table_plan.parent)


def test_importing_the_same_file_again_names_the_existing_plan(
    qtbot: QtBot,
    window: MainWindow,
    table_plan_id: int,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    table_plan: Path,
) -> None:
    window.reload_plans()
    _answer_preview(monkeypatch, True)
    messages.chosen_files.append(str(table_plan))
    flow = _import(qtbot, window)
    assert flow.result is not None
    assert (flow.result.plan_id, flow.result.created) == (table_plan_id, False)
    assert len(messages.infos) == 1
    title, text = messages.infos[0]
    assert title == "已导入过"
    assert "云岭市碳达峰实施方案" in text and f"编号 {table_plan_id}" in text
    assert len(plans.list_plans(gui_db, coordinator)) == 1
    assert window.current_plan_id() == table_plan_id


def test_preview_declined_stores_nothing(
    qtbot: QtBot,
    window: MainWindow,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    table_plan: Path,
) -> None:
    answers = _answer_preview(monkeypatch, False)
    messages.chosen_files.append(str(table_plan))
    flow = _import(qtbot, window)
    assert len(answers.shown) == 1
    assert flow.result is None
    assert plans.list_plans(gui_db, coordinator) == []
    assert window.task_model.rowCount() == 0
    assert window.import_action.isEnabled()


@pytest.mark.parametrize("bad", ["no_breakdown", "broken_docx", "missing"])
def test_bad_file_goes_to_the_error_path_and_stores_nothing(
    qtbot: QtBot,
    window: MainWindow,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    plan_without_breakdown: Path,
    bad: str,
) -> None:
    answers = _answer_preview(monkeypatch, True)
    if bad == "no_breakdown":
        path = plan_without_breakdown
    elif bad == "broken_docx":
        path = tmp_path / "方案.docx"
        path.write_bytes(b"this is not a zip archive at all")
    else:
        path = tmp_path / "不存在.txt"
    messages.chosen_files.append(str(path))
    flow = _import(qtbot, window)
    assert answers.shown == []  # no preview of a file that cannot be read
    assert messages.crashes == []
    assert len(messages.warnings) == 1
    title, text = messages.warnings[0]
    assert title == "无法完成操作"
    assert "无法导入" in text and path.name in text
    assert flow.result is None
    assert plans.list_plans(gui_db, coordinator) == []
    assert window.import_action.isEnabled()


def test_choosing_no_file_does_nothing(
    window: MainWindow, gui_db: Database, coordinator: Actor, messages: Messages
) -> None:
    window.import_action.trigger()  # the chooser returns "" (cancelled)
    assert window.import_flow is not None and window.import_flow.task is None
    assert messages.warnings == []
    assert plans.list_plans(gui_db, coordinator) == []
    assert window.import_action.isEnabled()


def test_cancelling_the_preview_ends_the_flow(
    qtbot: QtBot,
    gui_db: Database,
    coordinator: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
    table_plan: Path,
) -> None:
    answers = _answer_preview(monkeypatch, True)
    steps: list[int] = []

    def slow_preview(
        db: Database, path: object, progress: ProgressCallback | None = None, **_kw: object
    ) -> None:
        assert progress is not None
        for done in range(10_000):
            steps.append(done)
            progress(done, 10_000)
            time.sleep(0.002)

    monkeypatch.setattr(plans, "prepare_import", slow_preview)
    parent = QWidget()
    qtbot.addWidget(parent)
    flow = ImportFlow(parent, gui_db, coordinator, show_after_ms=10)
    flow.start(table_plan)
    assert flow.task is not None
    qtbot.waitUntil(
        lambda: flow.task is not None and flow.task.progress_dialog is not None, timeout=WAIT_MS
    )
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS):
        flow.task.cancel()
    assert 0 < len(steps) < 10_000
    assert answers.shown == [] and messages.warnings == [] and messages.crashes == []
    assert plans.list_plans(gui_db, coordinator) == []
