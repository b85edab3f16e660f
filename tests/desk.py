"""Helpers of the half-year desktop tests: waiting for background work, selecting a task,
and :class:`Answers`, which replaces the modal dialogs (installed by ``conftest_desk``)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from tracker.outputs.ledger import LedgerTable
from ui.export_dialogs import (
    FormsExportDialog,
    LedgerExportDialog,
    OutputContext,
    ReportExportDialog,
)
from ui.ledger_print import LedgerPages, LedgerPrintPreview, paint_ledger
from ui.main_window import MainWindow
from ui.views.report_form_view import ConflictDialog
from ui.worker import BackgroundTask


def wait_for(qtbot: QtBot, task: BackgroundTask | None) -> None:
    """Wait until a background task has delivered its outcome."""
    assert task is not None
    if task.is_running:
        with qtbot.waitSignal(task.finished, timeout=20_000):
            pass


def select_task(window: MainWindow, task_id: int) -> None:
    """Select a task in the table, as a click does."""
    row = window.task_model.row_of_task_id(task_id)
    assert row is not None, f"task {task_id} is not in the table"
    window.select_task_row(row)


@dataclass
class Answers:
    """What the replaced dialogs answer, and what they were asked."""

    conflict_choice: str = ConflictDialog.CANCEL
    conflicts: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)  # answers of TextInputDialog
    text_prompts: list[str] = field(default_factory=list)
    choices: list[int] = field(default_factory=list)  # answers of dialogs.choose
    choose_prompts: list[str] = field(default_factory=list)
    files: list[list[str]] = field(default_factory=list)  # answers of choose_open_files
    opened: list[str] = field(default_factory=list)  # files opened with the system
    printed: list[str] = field(default_factory=list)
    due_dates: list[dt.date | None] = field(default_factory=list)

    def conflict(
        self, _parent: QWidget | None, message: str, differences: Sequence[tuple[str, str, str]]
    ) -> str:
        self.conflicts.append((message, list(differences)))
        return self.conflict_choice

    def text(self, _parent: QWidget | None, _title: str, prompt: str, *_args: Any) -> str | None:
        self.text_prompts.append(prompt)
        return self.texts.pop(0) if self.texts else None

    def choose(
        self, _parent: QWidget | None, _title: str, text: str, *_args: Any, **_kw: Any
    ) -> int:
        self.choose_prompts.append(text)
        return self.choices.pop(0) if self.choices else -1

    def choose_files(self, *_args: Any) -> list[str]:
        return self.files.pop(0) if self.files else []

    def open_file(self, path: str) -> bool:
        self.opened.append(path)
        return True

    def print_preview(self, _parent: QWidget | None, _title: str, html: str) -> None:
        self.printed.append(html)

    def due_date(self, *_args: Any) -> dt.date | None:
        return self.due_dates.pop(0) if self.due_dates else None


@dataclass
class OutputsDriver:
    """Replaces the modal dialogs of the outputs (installed by ``conftest_desk``): builds
    the real export dialog without showing it, lets the test fill it in (``scripts`` by
    kind: "ledger", "forms", "report"), then presses 导出 — or 取消 when the script says
    so by returning False. The dialog that ends an export answers ``finish_choice``."""

    scripts: dict[str, Callable[[Any], bool | None]] = field(default_factory=dict)
    opened: list[Any] = field(default_factory=list)
    finished: list[tuple[str, str, list[Path]]] = field(default_factory=list)
    finish_choice: str | None = None
    previews: list[tuple[str, LedgerTable]] = field(default_factory=list)

    def _drive(self, kind: str, dialog: Any) -> Any:
        self.opened.append(dialog)
        script = self.scripts.get(kind)
        if script is not None and script(dialog) is False:
            dialog.cancel_button.click()
            return None
        dialog.ok_button.click()
        return dialog.request if dialog.result() == QDialog.DialogCode.Accepted else None

    def ledger(self, parent: QWidget | None, context: OutputContext) -> Any:
        return self._drive("ledger", LedgerExportDialog(context, parent))

    def forms(self, parent: QWidget | None, context: OutputContext, **options: Any) -> Any:
        return self._drive("forms", FormsExportDialog(context, parent, **options))

    def report(self, parent: QWidget | None, context: OutputContext) -> Any:
        return self._drive("report", ReportExportDialog(context, parent))

    def finish(
        self, _parent: QWidget | None, title: str, text: str, files: Sequence[Path]
    ) -> str | None:
        self.finished.append((title, text, list(files)))
        return self.finish_choice

    def preview(self, _parent: QWidget | None, title: str, table: LedgerTable) -> None:
        self.previews.append((title, table))


def print_ledger_pages(table: LedgerTable) -> tuple[LedgerPages, list[list[str]]]:
    """``table`` painted as the ledger's print preview does, into a PDF: the pages as laid
    out and the texts drawn on each page."""
    drawn: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="tracker-print-") as folder:
        printer = LedgerPrintPreview.pdf_printer(f"{folder}/ledger.pdf")
        pages = paint_ledger(table, printer, drawn)
    return pages, drawn
