"""The outputs in the app (controller): export the 工作台账, the 填报表 and the Word report,
import returned forms, print the ledger — the app's side of ``tracker export …`` and
``tracker import-forms`` (:mod:`tracker.cli.outputs`).

Every run goes through :func:`ui.worker.run_in_background` with a cancellable progress
dialog; a cancelled export writes nothing (the core writes to a temporary file and renames
it at the end). At the end of an export the user may open the file or its folder. Every
call names the plan shown, so a database of several plans never asks which one.

Who may do what is the core's rule; the menu only greys out what a role can never do: the
report is the coordinator's, and an account without a unit (a city DRC) has no form.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.outputs.common import ExportResult
from tracker.outputs.forms import export_forms
from tracker.outputs.ledger import LedgerTable, export_ledger, ledger_table, read_ledger
from tracker.outputs.report import export_report
from tracker.services import settings as settings_service
from tracker.services import worklist
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.export_dialogs import (
    ExportFinishedDialog,
    FormsExportDialog,
    LedgerExportDialog,
    OutputContext,
    ReportExportDialog,
)
from ui.forms_import_dialog import CHOOSE_TITLE, FILE_FILTER, FormsImportDialog
from ui.ledger_print import LedgerPrintPreview
from ui.progress_models import NOT_SUBMITTED
from ui.views.outputs_view import OutputActions
from ui.worker import BackgroundTask, ProgressCallback, run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SETTINGS_FOLDER = "outputs/folder"

_NO_PLAN_TITLE = "导出"
_NO_PLAN = "请先选择实施方案。"
_NO_PERIOD_TITLE = "打印工作台账"
_NO_PERIOD = "请先选择报告期。"
_NOTHING_SHOWN = "表中没有任务（当前的筛选条件下）：请先清除筛选。"
_COORDINATOR_ONLY = "仅协调员可以导出工作进展情况报告"
_NO_UNIT = "没有绑定单位的账户不能导出或导入填报表"
_EXPORTING_LEDGER = "正在导出工作台账"
_EXPORTING_FORMS = "正在导出填报表"
_EXPORTING_REPORT = "正在生成工作进展情况报告"
_READING_LEDGER = "正在准备打印工作台账"
_CANCELLED = "已取消导出，没有写入任何文件。"
_LEDGER_DONE_TITLE = "工作台账已导出"
_LEDGER_DONE = "已导出工作台账（{tasks} 项任务）：\n{path}"
_FORMS_DONE_TITLE = "填报表已导出"
_FORMS_DONE = "已导出 {units} 个单位的填报表（共 {tasks} 行）到文件夹：\n{path}"
_REPORT_DONE_TITLE = "工作进展情况报告已导出"
_REPORT_DONE = "已生成工作进展情况报告（{tasks} 项任务，{targets} 个量化目标）：\n{path}"
_OPEN_FAILED_TITLE = "打开文件"
_OPEN_FAILED = "没有程序可以打开“{path}”。"
_PRINT_TITLE = "{plan} — {period}工作台账"
# The preview lays out and paints every page at once, on the GUI thread: 5,000 tasks (626
# A3 pages) take about 3 s (bench/print_bench.py), so only a ledger far larger than a
# province's, which would keep the window busy for more than some 5 s, is asked about.
LARGE_PRINT_TASKS = 8000
_LARGE_PRINT_TITLE = "打印工作台账"
_LARGE_PRINT = (
    "要打印的工作台账有 {count} 项任务（约 {pages} 页 A3）。生成打印预览需要较长时间，"
    "其间程序不能操作。\n\n建议先在任务表中筛选（预览只含表中显示的任务），"
    "或用“导出工作台账”在 Excel 中打印。仍要生成预览吗？"
)
_LARGE_PRINT_YES = "仍要预览"
_TASKS_PER_PAGE = 8.0
_PRINT_FILTERED = "（按当前筛选，{count} 项任务）"


def default_folder(settings: QSettings) -> Path:
    """Where exports go: the folder used last, else the user's documents folder."""
    saved = settings.value(SETTINGS_FOLDER)
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


class Outputs(QObject):
    """See the module docstring. ``reports_changed`` is emitted when imported forms wrote
    reports; ``exported`` carries each :class:`ExportResult` (tests wait on it)."""

    reports_changed = Signal()
    exported = Signal(object)

    def __init__(self, window: MainWindow, db: Database, actor: Actor, settings: QSettings) -> None:
        super().__init__(window)
        self._window = window
        self._db = db
        self._actor = actor
        self._settings = settings
        self.last_task: BackgroundTask | None = None
        self.last_result: ExportResult | None = None
        self.import_dialog: FormsImportDialog | None = None
        self.actions = OutputActions(window, own_forms=not actor.is_coordinator)
        self.actions.install(window)
        self._apply_rights()
        self.actions.export_ledger_action.triggered.connect(self.export_ledger)
        self.actions.export_forms_action.triggered.connect(lambda: self.export_forms())
        self.actions.export_report_action.triggered.connect(self.export_report)
        self.actions.import_forms_action.triggered.connect(self.import_forms)
        self.actions.print_ledger_action.triggered.connect(self.print_ledger)

    def _apply_rights(self) -> None:
        actions = self.actions
        if not self._actor.is_coordinator:
            actions.export_report_action.setEnabled(False)
            actions.export_report_action.setToolTip(_COORDINATOR_ONLY)
        if not self._has_forms():
            for action in (actions.export_forms_action, actions.import_forms_action):
                action.setEnabled(False)
                action.setToolTip(_NO_UNIT)

    def _has_forms(self) -> bool:
        return self._actor.is_coordinator or self._actor.unit_id is not None

    # ------------------------------------------------------------ what the dialogs offer

    def context(self) -> OutputContext | None:
        """The plan shown, its periods, areas, units and statuses (None: no plan)."""
        plan = self._window.current_plan()
        if plan is None:
            return None
        periods = worklist.plan_periods(self._db, self._actor, int(plan["id"]))
        tasks = self._window.task_model.tasks()
        leads = sorted({u for t in tasks for u in t.get("lead_units") or ()})
        units = sorted(
            {
                u
                for t in tasks
                for u in (*(t.get("lead_units") or ()), *(t.get("cooperating_units") or ()))
            }
        )
        statuses = (*settings_service.get(self._db).status_names, NOT_SUBMITTED)
        return OutputContext(
            plan_id=int(plan["id"]),
            plan_title=str(plan["title"]),
            periods=tuple(periods),
            period_id=self._window.current_period_id(),
            folder=default_folder(self._settings),
            areas=tuple(self._window.task_model.areas()),
            units=tuple(units),
            lead_units=tuple(leads),
            statuses=statuses,
        )

    def _context_or_say(self) -> OutputContext | None:
        try:
            found = self.context()
        except TrackerError as exc:
            errors.show_error(exc, self._window)
            return None
        if found is None:
            dialogs.information(self._window, _NO_PLAN_TITLE, _NO_PLAN)
        return found

    def _remember(self, folder: Path) -> None:
        self._settings.setValue(SETTINGS_FOLDER, str(folder))

    # ------------------------------------------------------------ exports

    def export_ledger(self) -> None:
        """Ask what ledger to export, then write it in the background."""
        context = self._context_or_say()
        request = LedgerExportDialog.ask(self._window, context) if context else None
        if context is None or request is None:
            return
        self._remember(request.path.parent)
        db, actor, plan_id = self._db, self._actor, context.plan_id

        def job(progress: ProgressCallback) -> ExportResult:
            return export_ledger(
                db,
                actor,
                request.path,
                period=request.period,
                plan_id=plan_id,
                all_periods=request.all_periods,
                filters=request.filters,
                progress=progress,
            )

        def done(result: ExportResult) -> None:
            text = _LEDGER_DONE.format(tasks=result.counts["tasks"], path=result.path)
            self._finished(_LEDGER_DONE_TITLE, text, result)

        self._run(job, _EXPORTING_LEDGER, done)

    def export_forms(self, listed: Sequence[tuple[int, str]] | None = None) -> None:
        """Ask which forms to export (``listed``: the units of the 催办 list), then write
        them in the background."""
        context = self._context_or_say()
        if context is None:
            return
        own = None if self._actor.is_coordinator else self._actor.unit_name
        request = FormsExportDialog.ask(self._window, context, own_unit=own, listed=listed)
        if request is None:
            return
        self._remember(request.folder)
        db, actor, plan_id = self._db, self._actor, context.plan_id
        unit = request.unit if own is None else None  # a reporter's form is its own

        def job(progress: ProgressCallback) -> ExportResult:
            return export_forms(
                db,
                actor,
                request.folder,
                period=request.period,
                plan_id=plan_id,
                unit=unit,
                unit_ids=request.unit_ids,
                progress=progress,
            )

        def done(result: ExportResult) -> None:
            text = _FORMS_DONE.format(
                units=result.counts["units"], tasks=result.counts["tasks"], path=result.path
            )
            self._finished(_FORMS_DONE_TITLE, text, result)

        self._run(job, _EXPORTING_FORMS, done)

    def export_report(self) -> None:
        """Ask for the report's period, addressee and signature, then write it."""
        context = self._context_or_say()
        request = ReportExportDialog.ask(self._window, context) if context else None
        if context is None or request is None:
            return
        self._remember(request.path.parent)
        db, actor, plan_id = self._db, self._actor, context.plan_id

        def job(progress: ProgressCallback) -> ExportResult:
            return export_report(
                db,
                actor,
                request.path,
                period=request.period,
                plan_id=plan_id,
                kind=request.kind,
                to=request.to,
                issuer=request.issuer,
                today=request.signed,
                progress=progress,
            )

        def done(result: ExportResult) -> None:
            text = _REPORT_DONE.format(
                tasks=result.counts["tasks"], targets=result.counts["targets"], path=result.path
            )
            self._finished(_REPORT_DONE_TITLE, text, result)

        self._run(job, _EXPORTING_REPORT, done)

    def _run(self, job: Any, label: str, done: Callable[[ExportResult], None]) -> None:
        def cancelled() -> None:
            self._window.statusBar().showMessage(_CANCELLED, 8000)

        self.last_task = run_in_background(
            self._window, job, done, label=label, on_cancel=cancelled
        )

    def _finished(self, title: str, text: str, result: ExportResult) -> None:
        self.last_result = result
        self.exported.emit(result)
        choice = ExportFinishedDialog.ask(self._window, title, text, result.files)
        if choice is None:
            return
        if choice == ExportFinishedDialog.FILE:
            target = result.files[0]
        else:  # the folder: the forms' own, or the one holding the file
            target = result.path if result.path.is_dir() else result.path.parent
        if not dialogs.open_local_file(str(target)):
            dialogs.warning(self._window, _OPEN_FAILED_TITLE, _OPEN_FAILED.format(path=target))

    # ------------------------------------------------------------ import

    def import_forms(self) -> None:
        """Choose returned forms (several at once) and import them, with the outcome per
        row in a window of its own."""
        context = self._context_or_say()
        if context is None:
            return
        paths = dialogs.choose_open_files(
            self._window, CHOOSE_TITLE, FILE_FILTER, str(context.folder)
        )
        if not paths:
            return
        self._remember(Path(paths[0]).parent)
        if self.import_dialog is not None:
            self.import_dialog.close()
            self.import_dialog.deleteLater()
        dialog = FormsImportDialog(
            self._db, self._actor, context.plan_id, context.plan_title, self._window
        )
        dialog.imported.connect(self.reports_changed)
        self.import_dialog = dialog
        dialog.show()
        dialog.start([Path(p) for p in paths])

    # ------------------------------------------------------------ printing

    def print_ledger(self) -> None:
        """Print preview of the ledger of the period shown (only the tasks the table
        shows when a filter is on)."""
        context = self._context_or_say()
        if context is None:
            return
        period_id = self._window.current_period_id()
        if period_id is None:
            dialogs.information(self._window, _NO_PERIOD_TITLE, _NO_PERIOD)
            return
        shown = self._shown_task_ids()
        if shown is not None and not shown:
            dialogs.information(self._window, _NO_PERIOD_TITLE, _NOTHING_SHOWN)
            return
        if not self._may_print(len(shown) if shown is not None else None):
            return
        db, actor, plan_id = self._db, self._actor, context.plan_id
        today = dt.date.today()

        def job(_progress: ProgressCallback) -> LedgerTable:
            data = read_ledger(db, actor, period=period_id, plan_id=plan_id)
            return ledger_table(data, actor, today, shown)

        period = next((p for p in context.periods if p["id"] == period_id), {})
        title = _PRINT_TITLE.format(plan=context.plan_title, period=period.get("name", ""))
        if shown is not None:
            title += _PRINT_FILTERED.format(count=len(shown))
        self.last_task = run_in_background(
            self._window,
            job,
            lambda table: LedgerPrintPreview.ask(self._window, title, table),
            label=_READING_LEDGER,
        )

    def _may_print(self, shown: int | None) -> bool:
        """Whether to go on with a preview of ``shown`` tasks (None: every task)."""
        count = shown if shown is not None else self._window.task_model.rowCount()
        if count <= LARGE_PRINT_TASKS:
            return True
        text = _LARGE_PRINT.format(count=count, pages=math.ceil(count / _TASKS_PER_PAGE))
        return dialogs.confirm(self._window, _LARGE_PRINT_TITLE, text, yes=_LARGE_PRINT_YES)

    def _shown_task_ids(self) -> frozenset[int] | None:
        """The tasks the table shows when a filter hides some (None: every task)."""
        proxy, model = self._window.task_proxy, self._window.task_model
        if proxy.rowCount() == model.rowCount():
            return None
        return frozenset(
            int(model.task(proxy.mapToSource(proxy.index(row, 0)).row())["id"])
            for row in range(proxy.rowCount())
        )
