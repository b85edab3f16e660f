"""Importing a plan: choose a file, preview it in the background, confirm, commit.

:class:`ImportFlow` drives the whole sequence; every step that touches the file or the
database runs through :func:`ui.worker.run_in_background`, and every failure ends in the
error dialog with the database unchanged (the preview stores nothing, the commit is one
transaction). :class:`ImportPreviewDialog` is the preview the user confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Signal,
)
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.importing.result import ParsedPlan, task_json
from tracker.services import plans
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.models import task_row_at_place
from ui.views.import_dialog_view import ImportPreviewView
from ui.worker import (
    SHOW_PROGRESS_AFTER_MS,
    BackgroundTask,
    ProgressCallback,
    run_in_background,
)

_CHOOSE_TITLE = "导入实施方案"
FILE_FILTER = "实施方案 (*.txt *.docx *.xlsx);;所有文件 (*)"
_READING = "正在读取实施方案"
_SAVING = "正在保存实施方案"
_SAMPLE = "正在导入示例实施方案"
_ALREADY_TITLE = "已导入过"
_ALREADY_TEXT = (
    "文件“{source}”已经导入过，对应的实施方案是“{title}”（编号 {plan_id}）。\n将显示该方案。"
)
_NOT_FOUND = "（找不到与这条警告对应的任务）"

SETTINGS_LAST_DIR = "import/last_dir"


class ImportPreviewDialog(ImportPreviewView):
    """Shows a :class:`ParsedPlan`; accepted means 确认导入."""

    def __init__(self, parsed: ParsedPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parsed = parsed
        self.set_summary(
            title=parsed.title,
            source=parsed.source_name,
            method=parsed.method,
            areas=len(parsed.areas),
            tasks=len(parsed.tasks),
            warnings=len(parsed.warnings),
        )
        self.task_model.set_tasks(task_json(t) for t in parsed.tasks)
        self.warning_model.set_records(asdict(w) for w in parsed.warnings)
        self.task_view.selectionModel().currentRowChanged.connect(self._on_task_changed)
        self.task_view.activated.connect(self._on_task_changed)
        self.warning_view.activated.connect(self._on_warning_activated)
        self.commit_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        if parsed.tasks:
            self.task_view.selectRow(0)

    def _on_task_changed(self, current: QModelIndex | QPersistentModelIndex) -> None:
        task: Mapping[str, Any] | None = None
        if current.isValid():
            task = self.task_model.task(current.row())
        self.detail_view.show_task(task)

    def _on_warning_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        where = str(self.warning_model.record(index.row()).get("where") or "")
        self.select_task_at(where)

    def select_task_at(self, where: str) -> int | None:
        """Select the task a warning's place points at; its row, or None if there is none."""
        row = task_row_at_place(self.task_model.tasks(), where)
        if row is None:
            self.warnings_label.setToolTip(_NOT_FOUND)
            return None
        index = self.task_model.index(row, 0)
        self.task_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.task_view.scrollTo(index)
        return row

    def selected_row(self) -> int | None:
        """The row of the selected task."""
        current = self.task_view.selectionModel().currentIndex()
        return current.row() if current.isValid() else None

    @classmethod
    def ask(cls, parent: QWidget | None, parsed: ParsedPlan) -> bool:
        """Show the preview modally; True when the user chose 确认导入 (tests patch this)."""
        dialog = cls(parsed, parent)
        return dialog.exec() == cls.DialogCode.Accepted


class ImportFlow(QObject):
    """File → background preview → preview dialog → background commit → ``imported``.

    ``finished`` is emitted once the flow has ended, whatever the outcome.
    """

    imported = Signal(int, bool)  # plan id, created (False: the file was imported before)
    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        show_after_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._widget = parent
        self._db = db
        self._actor = actor
        self._settings = settings
        self._show_after_ms = SHOW_PROGRESS_AFTER_MS if show_after_ms is None else show_after_ms
        self.task: BackgroundTask | None = None  # the step running now (tests wait on it)
        self.parsed: ParsedPlan | None = None
        self.result: plans.CommitResult | None = None

    # ------------------------------------------------------------ steps

    def start(self, path: str | Path | None = None) -> None:
        """Ask for a file (unless ``path`` is given) and preview it."""
        if path is None:
            chosen = dialogs.choose_open_file(
                self._widget, _CHOOSE_TITLE, FILE_FILTER, self._last_directory()
            )
            if not chosen:
                self.finished.emit()
                return
            path = chosen
        path = Path(path)
        self._remember_directory(path)

        def preview(progress: ProgressCallback) -> ParsedPlan:
            return plans.preview_import(self._db, path, progress=progress)

        self.task = run_in_background(
            self._widget,
            preview,
            self._on_previewed,
            label=_READING,
            on_error=self._on_error,
            on_cancel=self._on_cancelled,
            show_after_ms=self._show_after_ms,
        )

    def start_sample(self, path: str | Path) -> None:
        """Preview and commit ``path`` in one background step, without asking (the sample
        plan on a first start)."""
        sample = Path(path)

        def preview_and_commit(progress: ProgressCallback) -> plans.CommitResult:
            parsed = plans.preview_import(self._db, sample, progress=progress)
            return plans.commit_import(self._db, parsed, self._actor)

        self.task = run_in_background(
            self._widget,
            preview_and_commit,
            self._on_committed,
            label=_SAMPLE,
            on_error=self._on_error,
            on_cancel=self._on_cancelled,
            show_after_ms=self._show_after_ms,
        )

    def _on_previewed(self, parsed: ParsedPlan) -> None:
        self.parsed = parsed
        if not ImportPreviewDialog.ask(self._widget, parsed):
            self.finished.emit()
            return

        def commit(_progress: ProgressCallback) -> plans.CommitResult:
            return plans.commit_import(self._db, parsed, self._actor)

        self.task = run_in_background(
            self._widget,
            commit,
            self._on_committed,
            label=_SAVING,
            on_error=self._on_error,
            cancellable=False,
            show_after_ms=self._show_after_ms,
        )

    def _on_committed(self, result: plans.CommitResult) -> None:
        self.result = result
        if not result.created:
            self._tell_already_imported(result.plan_id)
        self.imported.emit(result.plan_id, result.created)
        self.finished.emit()

    def _tell_already_imported(self, plan_id: int) -> None:
        known = {p["id"]: p for p in plans.list_plans(self._db, self._actor)}
        plan = known.get(plan_id, {})
        source = self.parsed.source_name if self.parsed else plan.get("source", "")
        dialogs.information(
            self._widget,
            _ALREADY_TITLE,
            _ALREADY_TEXT.format(source=source, title=plan.get("title", ""), plan_id=plan_id),
        )

    def _on_error(self, exc: BaseException) -> None:
        try:
            errors.show_error(exc, self._widget)
        finally:
            self.finished.emit()

    def _on_cancelled(self) -> None:
        self.finished.emit()

    # ------------------------------------------------------------ settings

    def _last_directory(self) -> str:
        if self._settings is None:
            return ""
        value = self._settings.value(SETTINGS_LAST_DIR, "")
        return value if isinstance(value, str) else ""

    def _remember_directory(self, path: Path) -> None:
        if self._settings is not None:
            self._settings.setValue(SETTINGS_LAST_DIR, str(path.parent))
