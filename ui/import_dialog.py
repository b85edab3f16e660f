"""Importing a plan: choose a file, preview it in the background, confirm, commit.

:class:`ImportFlow` drives the whole sequence; every step that touches the file or the
database runs through :func:`ui.worker.run_in_background`, and every failure ends in the
error dialog with the database unchanged (the preview stores nothing, the commit is one
transaction). :class:`ImportPreviewDialog` is the preview the user corrects and confirms:
tasks edited (:mod:`ui.task_edit_dialog`) or left out, each change undoable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
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
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.importing.regions import province_names
from tracker.importing.result import ParsedPlan, ParsedTask, task_json
from tracker.importing.sources import SUPPORTED_SUFFIXES
from tracker.services import plans, regions
from tracker.services.actor import Actor
from tracker.services.plans import Expectation, ImportPreview
from tracker.services.revisions import PlanDiff
from ui import dialogs, errors
from ui.models import AreaKey, task_row_at_place
from ui.task_edit_dialog import TaskEditDialog
from ui.views.import_dialog_view import ImportPreviewView, change_html
from ui.worker import (
    SHOW_PROGRESS_AFTER_MS,
    BackgroundTask,
    ProgressCallback,
    run_in_background,
)

_CHOOSE_TITLE = "导入实施方案"
FILE_FILTER = f"实施方案 ({' '.join('*' + s for s in SUPPORTED_SUFFIXES)});;所有文件 (*)"
_READING = "正在读取实施方案"
_SAVING = "正在保存实施方案"
_ALREADY_TITLE = "已导入过"
_ALREADY_TEXT = (
    "文件“{source}”已经导入过，对应的实施方案是“{title}”（编号 {plan_id}）。\n将显示该方案。"
)
_NOT_FOUND = "（找不到与这条警告对应的任务）"
_EDIT_COMMAND = "修改任务 {code}"
_EXCLUDE_COMMAND = "不导入任务 {code}"
_INCLUDE_COMMAND = "恢复导入任务 {code}"
_ALL_EXCLUDED_TITLE = "无法导入"
_ALL_EXCLUDED = "所有任务都已设为不导入。请至少勾选一项任务，或点击“取消”放弃这次导入。"
_DISCARD_TITLE = "放弃修改"
_DISCARD_TEXT = (
    "放弃对 {count} 项任务的修改？\n\n取消导入后，在预览中所做的修改和“不导入”的选择都不会保留。"
)
_DISCARD = "放弃修改"
_REREADING = "正在按所选地区重新读取"
_REREAD_TITLE = "按新地区重新读取"
_REREAD_TEXT = (
    "按“{region}”重新读取文件？\n\n单位名称将按该地区的别名重新识别，并与该地区的同名方案对照；"
    "在预览中所做的 {count} 处修改将不再保留。"
)
_REREAD = "重新读取"
_REVISED_TITLE = "已更新实施方案"
_REVISED_TEXT = (
    "已将“{title}”（编号 {plan_id}）更新为第 {revision} 版：{summary}。\n\n"
    "原有任务的填报和历史均已保留，撤销的任务已归档。"
)

SETTINGS_LAST_DIR = "import/last_dir"


def _area_key(task: ParsedTask) -> AreaKey:
    return task.area_code, task.area_title


def place_moved_tasks(
    tasks: Sequence[ParsedTask], moved: Sequence[bool], area_order: Sequence[AreaKey]
) -> list[ParsedTask]:
    """``tasks`` in the order they are stored: a task moved to another area (``moved``) goes
    after the last task of that area, so that every area stays one block; into an area that
    has no other task it goes where the area stands in ``area_order`` (the areas as
    imported), into a new area at the end. The others keep their document order."""
    kept = [t for t, m in zip(tasks, moved, strict=True) if not m]
    rank = {key: i for i, key in enumerate(area_order)}
    for task, was_moved in zip(tasks, moved, strict=True):
        if not was_moved:
            continue
        key = _area_key(task)
        same = [i for i, t in enumerate(kept) if _area_key(t) == key]
        if same:
            at = same[-1] + 1
        elif key in rank:
            later = (i for i, t in enumerate(kept) if rank.get(_area_key(t), len(rank)) > rank[key])
            at = next(later, len(kept))
        else:
            at = len(kept)
        kept.insert(at, task)
    return kept


class _EditTask(QUndoCommand):
    """One edit of one task; undo puts the previous task back as it was."""

    def __init__(
        self,
        apply: Callable[[int, ParsedTask], None],
        row: int,
        before: ParsedTask,
        after: ParsedTask,
    ) -> None:
        super().__init__(_EDIT_COMMAND.format(code=before.code))
        self._apply, self._row = apply, row
        self._before, self._after = copy.deepcopy(before), copy.deepcopy(after)

    def redo(self) -> None:
        self._apply(self._row, self._after)

    def undo(self) -> None:
        self._apply(self._row, self._before)


class _SetExcluded(QUndoCommand):
    """Leave one task out of the import, or take it in again."""

    def __init__(self, apply: Callable[[int, bool], None], row: int, code: str, excluded: bool):
        super().__init__((_EXCLUDE_COMMAND if excluded else _INCLUDE_COMMAND).format(code=code))
        self._apply, self._row, self._excluded = apply, row, excluded

    def redo(self) -> None:
        self._apply(self._row, self._excluded)

    def undo(self) -> None:
        self._apply(self._row, not self._excluded)


def _as_preview(preview: ImportPreview | ParsedPlan, db: Database) -> ImportPreview:
    if isinstance(preview, ImportPreview):
        return preview
    return ImportPreview(
        Path(preview.source_name), preview, plans.region_status(db, preview.region), None
    )


class ImportPreviewDialog(ImportPreviewView):
    """Shows an :class:`ImportPreview` and lets the coordinator correct it; accepted means
    确认导入.

    Edits change the tasks of ``parsed`` at once (each one an undoable command); excluded
    tasks are only marked, and taken out of ``parsed`` when the user confirms — until then
    they can be taken in again. The region can be confirmed or changed (the file is then
    read again for that region); a revision of a stored plan shows what it changes, kept
    up to date with the corrections. Nothing is stored here: the caller commits
    ``preview.parsed`` against ``preview.base``.
    """

    def __init__(
        self, preview: ImportPreview | ParsedPlan, db: Database, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.preview = _as_preview(preview, db)
        self.parsed = self.preview.parsed
        self._db = db
        self.undo_stack = QUndoStack(self)
        self.reread_task: BackgroundTask | None = None
        self._load()

        self.task_view.selectionModel().currentRowChanged.connect(self._on_task_changed)
        self.task_view.doubleClicked.connect(self._on_edit)
        self.task_model.exclusion_requested.connect(self.exclude_row)
        self.warning_view.activated.connect(self._on_warning_activated)
        self.edit_action.triggered.connect(self._on_edit)
        self.exclude_action.triggered.connect(self._on_exclude)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.indexChanged.connect(self._on_undo_index)
        self.commit_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.region_combo.editTextChanged.connect(self._on_region_edited)
        self.province_combo.editTextChanged.connect(self._on_region_edited)
        self.reread_button.clicked.connect(self._on_reread)
        self.diff_view.selectionModel().currentRowChanged.connect(self._on_change_selected)
        self.show_unchanged_box.toggled.connect(self._on_show_unchanged)
        self._select_first()

    def _load(self) -> None:
        """Show ``self.preview`` from scratch (at start, and after reading it again)."""
        parsed = self.parsed
        self._imported = copy.deepcopy(parsed.tasks)  # as the importer read them
        self._imported_areas = parsed.areas
        self.undo_stack.clear()
        self.task_model.set_tasks(task_json(t) for t in parsed.tasks)
        self.warning_model.set_records(asdict(w) for w in parsed.warnings)
        self._show_region()
        self._show_summary()

    def _select_first(self) -> None:
        if self.parsed.tasks:
            self.task_view.selectRow(0)
        self._on_task_changed(self.task_view.selectionModel().currentIndex())

    # ------------------------------------------------------------ changes (undoable)

    def edit_row(self, row: int | None = None) -> bool:
        """Open the task editor on ``row`` (default: the selected task); True when the task
        was changed."""
        row = self.selected_row() if row is None else row
        if row is None:
            return False
        task = self.parsed.tasks[row]
        edited = TaskEditDialog.ask(self, task, self._area_choices(), self._canonical_units)
        if edited is None:
            return False
        return self.change_task(row, edited)

    def change_task(self, row: int, task: ParsedTask) -> bool:
        """Put ``task`` in ``row`` as one undoable step; False when nothing differs."""
        before = self.parsed.tasks[row]
        if task == before:
            return False
        self.undo_stack.push(_EditTask(self._put_task, row, before, task))
        return True

    def exclude_row(self, row: int, excluded: bool = True) -> None:
        """Leave the task in ``row`` out of the import (``excluded``) or take it in again,
        as one undoable step."""
        if excluded == self.task_model.is_excluded(row):
            return
        code = self.parsed.tasks[row].code
        self.undo_stack.push(_SetExcluded(self._put_excluded, row, code, excluded))

    def _put_task(self, row: int, task: ParsedTask) -> None:
        self.parsed.tasks[row] = copy.deepcopy(task)
        self.task_model.replace_task(row, task_json(task))
        self._changed(row)

    def _put_excluded(self, row: int, excluded: bool) -> None:
        self.task_model.set_excluded(row, excluded)
        self._changed(row)

    def _changed(self, row: int) -> None:
        self._show_summary()
        if self.selected_row() == row:
            self._on_task_changed(self.task_model.index(row, 0))
        else:
            self._select_row(row)  # undo and redo show what they changed

    # ------------------------------------------------------------ state

    def changed_rows(self) -> list[int]:
        """The rows edited or excluded: what cancelling would throw away."""
        return sorted({*self.task_model.edited_rows(), *self.task_model.excluded_rows()})

    def tasks_to_import(self) -> list[ParsedTask]:
        """The tasks the user kept, in the order they will be stored."""
        rows = self.task_model.included_rows()
        moved = [_area_key(self.parsed.tasks[r]) != _area_key(self._imported[r]) for r in rows]
        tasks = [self.parsed.tasks[r] for r in rows]
        return place_moved_tasks(tasks, moved, self._imported_areas)

    def _area_choices(self) -> list[AreaKey]:
        """The areas as imported, then those typed since (a measure may go to any)."""
        return list(dict.fromkeys([*self._imported_areas, *self.parsed.areas]))

    def _canonical_units(
        self, lead_text: str, cooperating_text: str
    ) -> tuple[list[str], list[str]]:
        return plans.canonical_task_units(self._db, lead_text, cooperating_text, self.parsed.region)

    def _show_summary(self) -> None:
        included = self.task_model.included_rows()
        self.set_summary(
            title=self.parsed.title,
            source=self.parsed.source_name,
            method=self.parsed.method,
            areas=len(self.task_model.area_counts(included)),
            tasks=len(included),
            warnings=len(self.parsed.warnings),
            excluded=len(self.task_model.excluded_rows()),
            edited=len(self.task_model.edited_rows()),
        )
        self._show_revision()
        if self.parsed.region is None:
            self.commit_button.setEnabled(False)

    # ------------------------------------------------------------ region and revision

    def _show_region(self) -> None:
        region = self.parsed.region
        status = self.preview.region
        stored = [r["name"] for r in regions.list_regions(self._db)]
        name = region.name if region is not None else ""
        self.set_region(
            name,
            region.province if region is not None else None,
            choices=list(dict.fromkeys([name, *stored] if name else stored)),
            provinces=province_names(),
            known=status.exists,
            plan_count=status.plan_count,
            note=region.note if region is not None else None,
        )

    def current_diff(self) -> PlanDiff | None:
        """What committing the tasks as corrected now would change (None: a new plan)."""
        base = self.preview.base
        if base is None:
            return None
        kept = ParsedPlan(**{f.name: getattr(self.parsed, f.name) for f in fields(ParsedPlan)})
        kept.tasks = self.tasks_to_import()
        return base.diff(kept)

    def _show_revision(self) -> None:
        base = self.preview.base
        diff = self.current_diff()
        self.diff_model.set_diff(diff)
        if base is None or diff is None:
            self.set_revision(title=None, plan_id=None, revision=None, summary=None)
            return
        self.set_revision(
            title=base.title,
            plan_id=base.plan_id,
            revision=base.revision,
            summary=diff.summary(),
            archived=base.archived,
        )
        self._on_change_selected(self.diff_view.selectionModel().currentIndex())

    def _on_region_edited(self, *_args: object) -> None:
        name, province = self.chosen_region()
        region = self.parsed.region
        same = region is not None and name == region.name and province == region.province
        self.reread_button.setEnabled(bool(name) and not same)

    def _on_reread(self) -> None:
        name, province = self.chosen_region()
        if not name:
            return
        changed = len(self.changed_rows())
        if changed and not dialogs.confirm(
            self, _REREAD_TITLE, _REREAD_TEXT.format(region=name, count=changed), yes=_REREAD
        ):
            return
        path, db = self.preview.path, self._db  # the job holds no QObject (see ui.worker)

        def reread(progress: ProgressCallback) -> ImportPreview:
            return plans.prepare_import(db, path, progress, region=name, province=province)

        self.reread_button.setEnabled(False)
        self.reread_task = run_in_background(
            self, reread, self._on_reread_done, label=_REREADING, on_error=self._on_reread_error
        )

    def _on_reread_done(self, preview: ImportPreview) -> None:
        # The caller holds ``parsed``: fill the same object with what was read now.
        for field in fields(ParsedPlan):
            setattr(self.parsed, field.name, getattr(preview.parsed, field.name))
        self.preview.region, self.preview.base = preview.region, preview.base
        self._load()
        self._select_first()

    def _on_reread_error(self, exc: BaseException) -> None:
        errors.show_error(exc, self)
        self._on_region_edited()

    def _on_change_selected(self, current: QModelIndex | QPersistentModelIndex) -> None:
        if not current.isValid():
            self.diff_text.clear()
            return
        self.diff_text.setHtml(change_html(self.diff_model.change(current.row())))

    def _on_show_unchanged(self, checked: bool) -> None:
        self.diff_model.set_show_unchanged(checked)

    # ------------------------------------------------------------ handlers

    def _on_task_changed(self, current: QModelIndex | QPersistentModelIndex) -> None:
        task: Mapping[str, Any] | None = None
        row = current.row() if current.isValid() else None
        if row is not None:
            task = self.task_model.task(row)
        self.detail_view.show_task(task)
        self.edit_action.setEnabled(row is not None)
        self.exclude_action.setEnabled(row is not None)
        self.exclude_action.setChecked(row is not None and self.task_model.is_excluded(row))

    def _on_edit(self, *_args: object) -> None:
        self.edit_row()

    def _on_exclude(self, checked: bool) -> None:
        row = self.selected_row()
        if row is not None:
            self.exclude_row(row, checked)

    def _on_undo_index(self, _index: int) -> None:
        self.show_undo_steps(self.undo_stack.undoText(), self.undo_stack.redoText())

    def _on_warning_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        where = str(self.warning_model.record(index.row()).get("where") or "")
        self.select_task_at(where)

    def accept(self) -> None:
        """确认导入: take the excluded tasks out of ``parsed`` — unless none would remain."""
        tasks = self.tasks_to_import()
        if not tasks:
            dialogs.warning(self, _ALL_EXCLUDED_TITLE, _ALL_EXCLUDED)
            return
        self.parsed.tasks[:] = tasks
        super().accept()

    def reject(self) -> None:
        """取消 (or Esc, or closing the window): after changes, only when the user agrees."""
        changed = len(self.changed_rows())
        if changed and not dialogs.confirm(
            self, _DISCARD_TITLE, _DISCARD_TEXT.format(count=changed), yes=_DISCARD
        ):
            return
        super().reject()

    # ------------------------------------------------------------ selection

    def select_task_at(self, where: str) -> int | None:
        """Select the task a warning's place points at; its row, or None if there is none."""
        row = task_row_at_place(self.task_model.tasks(), where)
        if row is None:
            self.warnings_label.setToolTip(_NOT_FOUND)
            return None
        self._select_row(row)
        return row

    def _select_row(self, row: int) -> None:
        index = self.task_model.index(row, 0)
        self.task_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.task_view.scrollTo(index)

    def selected_row(self) -> int | None:
        """The row of the selected task."""
        current = self.task_view.selectionModel().currentIndex()
        return current.row() if current.isValid() else None

    @classmethod
    def ask(cls, parent: QWidget | None, preview: ImportPreview, db: Database) -> bool:
        """Show the preview modally; True when the user chose 确认导入, and then
        ``preview`` holds the plan to store (as corrected, in the region chosen) and the
        stored plan it revises (tests patch this)."""
        dialog = cls(preview, db, parent)
        try:
            return dialog.exec() == cls.DialogCode.Accepted
        finally:
            dialog.deleteLater()


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
        self.preview: ImportPreview | None = None
        self.result: plans.CommitResult | None = None

    @property
    def parsed(self) -> ParsedPlan | None:
        """The plan previewed (as corrected, once the preview was confirmed)."""
        return self.preview.parsed if self.preview is not None else None

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
        db = self._db  # the job holds no QObject (see ui.worker)

        def preview(progress: ProgressCallback) -> ImportPreview:
            return plans.prepare_import(db, path, progress=progress)

        self.task = run_in_background(
            self._widget,
            preview,
            self._on_previewed,
            label=_READING,
            on_error=self._on_error,
            on_cancel=self._on_cancelled,
            show_after_ms=self._show_after_ms,
        )

    def _on_previewed(self, preview: ImportPreview) -> None:
        self.preview = preview
        if not ImportPreviewDialog.ask(self._widget, preview, self._db):
            self.finished.emit()
            return
        expect = Expectation.of(preview.base)  # what the preview showed, checked on commit
        db, actor = self._db, self._actor  # the job holds no QObject (see ui.worker)

        def commit(_progress: ProgressCallback) -> plans.CommitResult:
            return plans.commit_import(db, preview.parsed, actor, expect=expect)

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
        if result.revised:
            self._tell_revised(result)
        elif not result.created:
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

    def _tell_revised(self, result: plans.CommitResult) -> None:
        assert result.diff is not None
        title = self.parsed.title if self.parsed is not None else ""
        dialogs.information(
            self._widget,
            _REVISED_TITLE,
            _REVISED_TEXT.format(
                title=title,
                plan_id=result.plan_id,
                revision=result.revision,
                summary=result.diff.summary(),
            ),
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
