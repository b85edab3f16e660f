"""导入填报表 (controller): several returned forms at once, in the background, each checked
whole and applied only when it has no problem at all; the outcome row by row.

The files are read one after the other by :func:`tracker.outputs.forms_import.import_form`
(one transaction per file) for the plan shown. 取消 stops before the next file: the files
already imported stay imported, the others are listed as not read. Afterwards the table
shows every row of every file — 已导入 with what became of it, or 未导入 with the reason —
and ``imported`` tells the main window to read the reports again.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.outputs.forms_import import FormRejected, import_form
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.output_models import REFUSED, FileOutcome, import_counts, import_records
from ui.views.forms_import_view import FormsImportView
from ui.worker import BackgroundTask, ProgressCallback, run_in_background

CHOOSE_TITLE = "选择填好的填报表（可多选）"
FILE_FILTER = "填报表 (*.xlsx);;所有文件 (*)"
_IMPORTING = "正在导入填报表"
_SUMMARY = "共 {files} 个文件：<b>已导入 {done} 个</b>{counts}{refused}。"
_COUNTS = "（{items}）"
_REFUSED = "，<b style='color:#c62828'>未导入 {count} 个</b>（共 {problems} 处问题，未作任何修改）"
_CANCELLED = "<br/>已取消：其余 {count} 个文件没有导入。"


def import_files(
    db: Database,
    actor: Actor,
    plan_id: int,
    paths: Sequence[Path],
    outcomes: list[FileOutcome],
    progress: ProgressCallback,
) -> list[FileOutcome]:
    """Import ``paths`` one by one for ``plan_id``, appending each outcome to
    ``outcomes`` as it comes (so that a cancel keeps what was done). Off the GUI thread."""
    for done, path in enumerate(paths):
        progress(done, len(paths))  # 取消 raises here, between two files
        try:
            imported = import_form(db, actor, path, plan_id=plan_id)
        except TrackerError as exc:
            outcomes.append(FileOutcome(path, refused=exc))
        else:
            outcomes.append(FileOutcome(path, imported=imported))
    progress(len(paths), len(paths))
    return outcomes


class FormsImportDialog(FormsImportView):
    """See the module docstring; ``finished_import`` is emitted when a run has ended."""

    imported = Signal()
    finished_import = Signal()

    def __init__(
        self,
        db: Database,
        actor: Actor,
        plan_id: int,
        plan_title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(plan_title, parent)
        self._db = db
        self._actor = actor
        self._plan_id = plan_id
        self.outcomes: list[FileOutcome] = []
        self.last_task: BackgroundTask | None = None
        self.more_button.clicked.connect(self.choose_and_import)
        self.only_problems_check.toggled.connect(self._on_only_problems)

    def choose_and_import(self) -> bool:
        """Ask for files and import them; False when none was chosen."""
        paths = dialogs.choose_open_files(self, CHOOSE_TITLE, FILE_FILTER)
        if not paths:
            return False
        self.start([Path(p) for p in paths])
        return True

    def start(self, paths: Sequence[Path]) -> None:
        """Import ``paths`` in the background (with a cancellable progress dialog)."""
        db, actor, plan_id = self._db, self._actor, self._plan_id  # no QObject in the job
        wanted = list(paths)
        found: list[FileOutcome] = []

        def job(progress: ProgressCallback) -> list[FileOutcome]:
            return import_files(db, actor, plan_id, wanted, found, progress)

        self.more_button.setEnabled(False)
        self.last_task = run_in_background(
            self,
            job,
            lambda _result: self._show(wanted, found, cancelled=False),
            label=_IMPORTING,
            on_cancel=lambda: self._show(wanted, found, cancelled=True),
            on_error=self._on_error,
        )
        self.last_task.finished.connect(self._on_finished)

    def _on_error(self, exc: BaseException) -> None:
        errors.show_error(exc, self)  # a bug (a refused file is an outcome, not an error)

    def _on_finished(self) -> None:
        self.more_button.setEnabled(True)
        self.finished_import.emit()

    def _show(self, paths: Sequence[Path], found: list[FileOutcome], *, cancelled: bool) -> None:
        self.outcomes += found
        not_read = list(paths[len(found) :]) if cancelled else []
        self.outcomes += [FileOutcome(p, skipped=True) for p in not_read]
        self.model.set_records(import_records(self.outcomes))
        self.summary_label.setText(self._summary(len(not_read)))
        if any(o.imported is not None for o in found):
            self.imported.emit()

    def _summary(self, not_read: int) -> str:
        done = [o for o in self.outcomes if o.imported is not None]
        refused = [o for o in self.outcomes if o.refused is not None]
        counts = import_counts(done)
        items = "，".join(f"{html.escape(a)} {n} 行" for a, n in counts.items())
        problems = sum(
            len(o.refused.problems) if isinstance(o.refused, FormRejected) else 1 for o in refused
        )
        text = _SUMMARY.format(
            files=len(self.outcomes),
            done=len(done),
            counts=_COUNTS.format(items=items) if items else "",
            refused=_REFUSED.format(count=len(refused), problems=problems) if refused else "",
        )
        return text + (_CANCELLED.format(count=not_read) if not_read else "")

    def _on_only_problems(self, only: bool) -> None:
        pattern = f"^{REFUSED}$" if only else ""
        self.proxy.setFilterRegularExpression(QRegularExpression(pattern))
