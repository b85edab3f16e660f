"""The one helper for long work: run a core call off the GUI thread.

:func:`run_in_background` hands a *job* (a callable taking a progress callback) to the
thread pool and delivers its outcome on the GUI thread, to exactly one of ``on_success``,
``on_error`` or ``on_cancel``. Every exception — raised by the job or by ``on_success`` —
goes to the error path (by default :func:`ui.errors.show_error`), and the progress dialog is
closed before any handler runs, so that no failure can leave it open.

A job runs on a worker thread: it must not hold a QObject (a widget, a model, ``self`` of
a controller), only the plain values it needs (the database, the actor, ids), so that no
Qt object is ever released there; the application also collects cycles on the GUI thread
only (:class:`ui.app.GarbageCollector`).

The progress dialog appears only when the job takes longer than ~0.5 s. The job reports
progress by calling ``progress(done, total)`` (the core's callback signature); once the user
pressed 取消, the next call raises :class:`Cancelled` inside the job, which unwinds it (a
service rolls its transaction back) and ends in ``on_cancel``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui import errors

log = logging.getLogger(__name__)

SHOW_PROGRESS_AFTER_MS = 500

ProgressCallback = Callable[[int, int], None]
Job = Callable[[ProgressCallback], Any]

_CANCEL_TEXT = "取消"
_CANCELLING_TEXT = "正在取消……"


class Cancelled(BaseException):
    """Raised by the progress callback of a job the user cancelled.

    A ``BaseException`` (as :class:`asyncio.CancelledError` is) so that core code which
    wraps unexpected ``Exception`` s into domain errors lets a cancellation through.
    """


class _Relay(QObject):
    """Signals emitted from the worker thread; queued to the GUI thread by Qt."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, job: Job, relay: _Relay, cancel_requested: threading.Event) -> None:
        super().__init__()
        self._job = job
        self._relay = relay
        self._cancel_requested = cancel_requested
        self._last: tuple[int, int] | None = None

    def _progress(self, done: int, total: int) -> None:
        if self._cancel_requested.is_set():
            raise Cancelled
        if (done, total) != self._last:  # the core may repeat itself; spare the event queue
            self._last = (done, total)
            self._relay.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self._job(self._progress)
        except Cancelled:
            self._relay.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure is delivered to the error path
            self._relay.failed.emit(exc)
        else:
            if self._cancel_requested.is_set():
                self._relay.cancelled.emit()
            else:
                self._relay.succeeded.emit(result)


def qobjects_held(job: Callable[..., Any]) -> list[str]:
    """The QObjects a job holds directly — bound to (``self.method``), in its closure, or
    in the arguments of a ``functools.partial`` — named for the error message."""
    found: list[str] = []
    target: Any = job
    while isinstance(target, functools.partial):
        values = [*target.args, *target.keywords.values()]
        found += [type(v).__name__ for v in values if isinstance(v, QObject)]
        target = target.func
    owner = getattr(target, "__self__", None)
    if isinstance(owner, QObject):
        found.append(f"self（{type(owner).__name__}）")
    code = getattr(target, "__code__", None)
    cells = getattr(target, "__closure__", None) or ()
    names = code.co_freevars if code is not None else ()
    for name, cell in zip(names, cells, strict=False):
        try:
            value = cell.cell_contents
        except ValueError:  # a cell not filled yet
            continue
        if isinstance(value, QObject):
            found.append(f"{name}（{type(value).__name__}）")
    return found


# Tasks are kept alive here until their outcome has been delivered.
_running: set[BackgroundTask] = set()


class BackgroundTask(QObject):
    """One job running in the thread pool, with its (delayed) progress dialog.

    Create it with :func:`run_in_background`. ``finished`` is emitted once the outcome
    handler has run and the progress dialog is gone; tests wait on it.
    """

    finished = Signal()

    def __init__(
        self,
        job: Job,
        *,
        parent: QWidget | None,
        label: str,
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        cancellable: bool = True,
        show_after_ms: int = SHOW_PROGRESS_AFTER_MS,
    ) -> None:
        super().__init__()
        held = qobjects_held(job)
        if held:  # a programming error, caught the first time the code path runs
            raise TypeError(f"a background job must not hold a QObject: {', '.join(held)}")
        self._job = job
        self._parent = parent
        self._label = label
        self._on_success = on_success
        self._on_error = on_error
        self._on_cancel = on_cancel
        self._cancellable = cancellable
        self._show_after_ms = show_after_ms
        self._cancel_requested = threading.Event()
        # Owned by the task (Qt parent), not by its Python wrapper: the worker thread drops
        # its reference to the relay when the job ends, and that must never delete a
        # QObject there. For the same reason a job must not hold a QObject (a widget, a
        # model): bind the plain values it needs (database, actor, ids) before starting.
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progressed)
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self._relay.cancelled.connect(self._on_cancelled)
        self._dialog: QProgressDialog | None = None
        self._dialog_shown = False
        self._progress: tuple[int, int] = (0, 0)
        self._running = False
        self._done = False

    # ------------------------------------------------------------ public

    def start(self) -> BackgroundTask:
        """Hand the job to the thread pool; the progress dialog follows after the delay."""
        if self._running or self._done:
            raise RuntimeError("a BackgroundTask runs only once")
        self._running = True
        _running.add(self)
        QTimer.singleShot(self._show_after_ms, self, self._show_dialog)
        QThreadPool.globalInstance().start(
            _Runnable(self._job, self._relay, self._cancel_requested)
        )
        return self

    def cancel(self) -> None:
        """Ask the job to stop: its next progress call raises :class:`Cancelled`."""
        if not self._cancellable or self._done:
            return
        self._cancel_requested.set()
        if self._dialog is not None:
            self._dialog.setLabelText(_CANCELLING_TEXT)

    @property
    def is_running(self) -> bool:
        """True until the outcome has been delivered."""
        return self._running

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancel_requested.is_set()

    @property
    def dialog_was_shown(self) -> bool:
        """Whether the job took long enough for the progress dialog to appear."""
        return self._dialog_shown

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress dialog while it is shown (None before the delay and after the end)."""
        return self._dialog

    # ------------------------------------------------------------ progress dialog

    def _show_dialog(self) -> None:
        if not self._running or self._dialog is not None:
            return
        dialog = QProgressDialog(self._parent)
        dialog.setWindowTitle(self._label)
        dialog.setLabelText(self._label + "……")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        if self._cancellable:
            dialog.setCancelButtonText(_CANCEL_TEXT)
            # QProgressDialog hides itself on cancel; keep it up until the job has unwound.
            dialog.canceled.disconnect(dialog.cancel)
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog = dialog
        self._dialog_shown = True
        self._apply_progress()
        dialog.show()

    def _apply_progress(self) -> None:
        if self._dialog is None:
            return
        done, total = self._progress
        if total > 0:
            self._dialog.setRange(0, total)
            self._dialog.setValue(min(done, total))
        else:
            self._dialog.setRange(0, 0)  # busy indicator until the job knows its size

    def _close_dialog(self) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()

    # ------------------------------------------------------------ outcome (GUI thread)

    def _on_progressed(self, done: int, total: int) -> None:
        self._progress = (done, total)
        self._apply_progress()

    def _on_succeeded(self, result: object) -> None:
        self._finish(lambda: self._on_success(result))

    def _on_failed(self, exc: BaseException) -> None:
        self._finish(lambda: self._report_error(exc))

    def _on_cancelled(self) -> None:
        self._finish(self._on_cancel or (lambda: None))

    def _report_error(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)
        else:
            errors.show_error(exc, self._parent)

    def _finish(self, deliver: Callable[[], None]) -> None:
        self._running = False
        self._done = True
        self._close_dialog()
        try:
            try:
                deliver()
            except Exception as exc:
                log.debug("result handler of %r failed", self._label, exc_info=exc)
                self._report_error(exc)
        finally:
            _running.discard(self)
            self.finished.emit()


def run_in_background(
    parent: QWidget | None,
    job: Job,
    on_success: Callable[[Any], None],
    *,
    label: str,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    cancellable: bool = True,
    show_after_ms: int = SHOW_PROGRESS_AFTER_MS,
) -> BackgroundTask:
    """Run ``job(progress)`` in the thread pool and deliver its outcome on the GUI thread.

    ``on_success(result)`` gets the job's return value; ``on_error(exc)`` (default: the
    error dialog of :mod:`ui.errors`) every exception of the job or of ``on_success``;
    ``on_cancel()`` runs when the user cancelled. ``label`` titles the progress dialog,
    which appears after ``show_after_ms``; without ``cancellable`` it has no 取消 button.
    """
    task = BackgroundTask(
        job,
        parent=parent,
        label=label,
        on_success=on_success,
        on_error=on_error,
        on_cancel=on_cancel,
        cancellable=cancellable,
        show_after_ms=show_after_ms,
    )
    return task.start()


def running_tasks() -> list[BackgroundTask]:
    """The tasks whose outcome has not been delivered yet."""
    return list(_running)


def cancel_all_and_wait(timeout_ms: int = 10_000) -> bool:
    """At shutdown: cancel every running task and wait for the pool's threads to end."""
    for task in list(_running):
        task.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
