"""The background helper: results on the GUI thread, every failure to the error path, the
delayed progress dialog that always closes, progress and cancel; and the error dialogs."""

from __future__ import annotations

import functools
import logging
import re
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tracker.errors import ImportFailed, InvalidInput
from ui import errors
from ui.worker import (
    BackgroundTask,
    Cancelled,
    Job,
    ProgressCallback,
    qobjects_held,
    run_in_background,
)

if TYPE_CHECKING:
    from conftest_ui import Messages

pytest_plugins = ("conftest_ui",)
pytestmark = pytest.mark.gui

WAIT_MS = 10_000
GATE_S = 10  # a job never waits longer than this, even when a test fails


class Outcome:
    """Records which handler a task called, and on which thread."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.errors: list[BaseException] = []
        self.cancelled = 0
        self.threads: list[threading.Thread] = []

    def success(self, result: Any) -> None:
        self.threads.append(threading.current_thread())
        self.results.append(result)

    def error(self, exc: BaseException) -> None:
        self.threads.append(threading.current_thread())
        self.errors.append(exc)

    def cancel(self) -> None:
        self.threads.append(threading.current_thread())
        self.cancelled += 1


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def start(parent: QWidget, job: Job, outcome: Outcome, **options: Any) -> BackgroundTask:
    options.setdefault("on_error", outcome.error)
    return run_in_background(
        parent, job, outcome.success, label="测试任务", on_cancel=outcome.cancel, **options
    )


def wait_for_dialog(qtbot: QtBot, task: BackgroundTask) -> QProgressDialog:
    qtbot.waitUntil(
        lambda: task.progress_dialog is not None and task.progress_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    dialog = task.progress_dialog
    assert dialog is not None
    return dialog


def visible_progress_dialogs() -> list[QWidget]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]


def test_result_is_delivered_on_the_gui_thread(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()

    def job(_progress: ProgressCallback) -> str:
        return threading.current_thread().name

    task = start(parent, job, outcome)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert outcome.results and outcome.results[0] != threading.main_thread().name
    assert outcome.threads == [threading.main_thread()]
    assert not outcome.errors and outcome.cancelled == 0
    assert not task.is_running
    assert not task.dialog_was_shown  # a quick job shows no progress dialog


def test_exception_goes_to_the_error_handler_and_closes_the_dialog(
    qtbot: QtBot, parent: QWidget
) -> None:
    gate = threading.Event()
    outcome = Outcome()
    failure = RuntimeError("磁盘损坏")

    def job(_progress: ProgressCallback) -> None:
        gate.wait(GATE_S)
        raise failure

    task = start(parent, job, outcome, show_after_ms=20)
    dialog = wait_for_dialog(qtbot, task)
    assert dialog.labelText().startswith("测试任务")
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        gate.set()
    assert outcome.errors == [failure]
    assert outcome.threads == [threading.main_thread()]
    assert task.progress_dialog is None
    assert not dialog.isVisible()
    assert visible_progress_dialogs() == []


def test_expected_failure_goes_to_the_error_handler(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()

    def job(_progress: ProgressCallback) -> None:
        raise ImportFailed("方案.txt", "没有找到任务分工")

    task = start(parent, job, outcome)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert len(outcome.errors) == 1
    assert "没有找到任务分工" in str(outcome.errors[0])
    assert outcome.results == []


def test_failing_result_handler_goes_to_the_error_path(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()

    def on_success(_result: object) -> None:
        raise InvalidInput("结果无法显示")

    task = run_in_background(
        parent, lambda _p: 42, on_success, label="测试任务", on_error=outcome.error
    )
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert [str(e) for e in outcome.errors] == ["结果无法显示"]


def test_progress_reaches_the_dialog(qtbot: QtBot, parent: QWidget) -> None:
    gate = threading.Event()
    outcome = Outcome()

    def job(progress: ProgressCallback) -> str:
        progress(0, 0)
        gate.wait(GATE_S)
        progress(2, 4)
        progress(2, 4)  # repeated: spared
        gate.clear()
        gate.wait(GATE_S)
        return "完成"

    task = start(parent, job, outcome, show_after_ms=20)
    dialog = wait_for_dialog(qtbot, task)
    assert (dialog.minimum(), dialog.maximum()) == (0, 0)  # busy until the job knows its size
    gate.set()
    qtbot.waitUntil(lambda: dialog.maximum() == 4 and dialog.value() == 2, timeout=WAIT_MS)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        gate.set()
    assert outcome.results == ["完成"]
    assert visible_progress_dialogs() == []


def test_cancel_button_stops_the_job(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    seen: list[BaseException] = []

    def job(progress: ProgressCallback) -> None:
        try:
            for done in range(100_000):
                progress(done, 100_000)
                time.sleep(0.005)
        except BaseException as exc:
            seen.append(exc)
            raise

    task = start(parent, job, outcome, show_after_ms=20)
    dialog = wait_for_dialog(qtbot, task)
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "取消"
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        cancel_button.click()
    assert outcome.cancelled == 1
    assert outcome.results == [] and outcome.errors == []
    assert len(seen) == 1 and isinstance(seen[0], Cancelled)
    assert task.progress_dialog is None and not dialog.isVisible()


def test_cancellation_passes_through_code_that_wraps_exceptions(
    qtbot: QtBot, parent: QWidget
) -> None:
    gate = threading.Event()
    outcome = Outcome()

    def job(progress: ProgressCallback) -> None:
        gate.wait(GATE_S)
        try:
            progress(1, 2)
        except Exception as exc:  # what a careless core function might do
            raise ImportFailed("方案.txt", "读取失败") from exc

    task = start(parent, job, outcome)
    task.cancel()
    assert task.cancel_requested
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        gate.set()
    assert outcome.cancelled == 1 and outcome.errors == []


def test_cancelled_job_that_finishes_anyway_reports_cancelled(
    qtbot: QtBot, parent: QWidget
) -> None:
    gate = threading.Event()
    outcome = Outcome()

    def job(_progress: ProgressCallback) -> str:
        gate.wait(GATE_S)
        return "晚了"

    task = start(parent, job, outcome)
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        gate.set()
    assert outcome.cancelled == 1 and outcome.results == []


def test_job_that_cannot_be_cancelled(qtbot: QtBot, parent: QWidget) -> None:
    gate = threading.Event()
    outcome = Outcome()

    def job(_progress: ProgressCallback) -> str:
        gate.wait(GATE_S)
        return "已保存"

    task = start(parent, job, outcome, cancellable=False, show_after_ms=20)
    dialog = wait_for_dialog(qtbot, task)
    assert dialog.findChild(QPushButton) is None
    task.cancel()
    assert not task.cancel_requested
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        gate.set()
    assert outcome.results == ["已保存"]


def test_a_task_runs_only_once(qtbot: QtBot, parent: QWidget) -> None:
    outcome = Outcome()
    task = start(parent, lambda _p: 1, outcome)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    with pytest.raises(RuntimeError):
        task.start()


# ---------------------------------------------------------------- the error path


def test_default_error_path_shows_the_message_of_an_expected_failure(
    qtbot: QtBot, parent: QWidget, messages: Messages
) -> None:
    def job(_progress: ProgressCallback) -> None:
        raise ImportFailed("方案.txt", "没有找到任务分工", where="第3行")

    task = run_in_background(parent, job, lambda _r: None, label="测试任务")
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert messages.warnings == [("无法完成操作", "无法导入“方案.txt”（第3行）：没有找到任务分工")]
    assert messages.crashes == []


def test_default_error_path_shows_a_bug_with_its_traceback(
    qtbot: QtBot, parent: QWidget, messages: Messages, caplog: pytest.LogCaptureFixture
) -> None:
    def job(_progress: ProgressCallback) -> float:
        return 1 / 0

    caplog.set_level(logging.ERROR, logger="ui.errors")
    task = run_in_background(parent, job, lambda _r: None, label="测试任务")
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert messages.warnings == []
    assert len(messages.crashes) == 1
    assert "ZeroDivisionError" in messages.crashes[0] and "in job" in messages.crashes[0]
    assert "ZeroDivisionError" in caplog.text


def test_excepthook_routes_uncaught_exceptions(
    messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    try:
        raise KeyError("缺少字段")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    try:
        raise InvalidInput("输入有误")
    except InvalidInput as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(messages.crashes) == 1 and "KeyError" in messages.crashes[0]
    assert messages.warnings == [("无法完成操作", "输入有误")]


def test_crash_dialog_copies_the_traceback(qtbot: QtBot) -> None:
    try:
        raise ValueError("坏数据")
    except ValueError as exc:
        details = errors.format_exception(exc)
    dialog = errors.CrashDialog(details)
    qtbot.addWidget(dialog)
    assert dialog.details.isReadOnly()
    assert "ValueError: 坏数据" in dialog.details.toPlainText()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == details
    assert dialog.copy_button.text() == "已复制"


def test_a_job_holding_a_qobject_is_refused(parent: QWidget) -> None:
    """A job runs on a worker thread and must not be the one that releases a Qt object."""

    class Panel(QWidget):
        def job(self, _progress: ProgressCallback) -> int:
            return 1

    panel = Panel(parent)

    def captures(_progress: ProgressCallback) -> str:
        return panel.objectName()

    for job, named in (
        (panel.job, "self（Panel）"),
        (captures, "panel（Panel）"),
        (functools.partial(lambda _w, _p: 1, panel), "Panel"),
    ):
        with pytest.raises(TypeError, match=re.escape(named)):
            run_in_background(parent, job, lambda _r: None, label="测试任务")
    assert qobjects_held(lambda _progress: parent.objectName() and 1) == ["parent（QWidget）"]
    name = panel.objectName()
    assert qobjects_held(lambda _progress: name) == []
