"""Fixtures of the half-year desktop tests (``pytest_plugins = ("conftest_ui",
"conftest_desk")``): the sample plan of :mod:`factories` with periods around today, its
users, windows for them, and recorders replacing the modal dialogs of the report form,
the review and the 管理 dialogs (a modal dialog would block a headless test).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tracker.db import Database
from tracker.services import periods, users, worklist
from tracker.services.actor import Actor
from ui import dialogs, outputs
from ui.export_dialogs import (
    ExportFinishedDialog,
    FormsExportDialog,
    LedgerExportDialog,
    ReportExportDialog,
)
from ui.ledger_print import LedgerPrintPreview
from ui.main_window import MainWindow
from ui.periods_dialog import PeriodsDialog
from ui.printing import PrintPreview
from ui.views.periods_dialog_view import DueDateDialog
from ui.views.report_form_view import ConflictDialog, TextInputDialog

from desk import Answers, OutputsDriver
from factories import PASSWORD, World, make_plan, make_users


@pytest.fixture
def world(gui_db: Database, fast_hashing: None) -> World:
    """The sample plan (three tasks, four units) with half-year periods of this year and
    the next, so that a current period exists whatever today is; and its users."""
    del fast_hashing
    year = dt.date.today().year
    plan = make_plan(gui_db, start_year=year, horizon_year=year + 1)
    make_users(gui_db)
    sign_in = functools.partial(users.authenticate, gui_db, password=PASSWORD)
    return World(
        db=gui_db,
        plan=plan,
        coordinator=sign_in("协调员甲"),
        ndrc=sign_in("发改委填报员"),
        miit=sign_in("工信局填报员"),
        land=sign_in("自然资源局填报员"),
        housing=sign_in("住建局填报员"),
    )


@pytest.fixture
def current_period(world: World) -> dict[str, Any]:
    """The period the app opens on."""
    found = periods.list_periods(world.db, world.coordinator, world.plan.plan_id)["periods"]
    chosen = worklist.choose_current_period(found)
    assert chosen is not None
    return dict(chosen)


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Callable[[Database, Actor], MainWindow]:
    """Opens the main window for a user, as the application does after sign-in."""

    def opener(db: Database, actor: Actor) -> MainWindow:
        settings = QSettings(
            str(tmp_path / f"settings-{actor.name}.ini"), QSettings.Format.IniFormat
        )
        window = MainWindow(db, actor, settings=settings)
        qtbot.addWidget(window)
        window.reload_plans()
        window.show()
        qtbot.waitExposed(window)
        return window

    return opener


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, messages: Any) -> Answers:
    """Replaces the dialogs of the half-year screens (with :func:`messages` for the rest)."""
    del messages
    recorder = Answers()
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(lambda _cls, *a: recorder.conflict(*a)))
    monkeypatch.setattr(TextInputDialog, "ask", classmethod(lambda _cls, *a: recorder.text(*a)))
    monkeypatch.setattr(dialogs, "choose", recorder.choose)
    monkeypatch.setattr(dialogs, "choose_open_files", recorder.choose_files)
    monkeypatch.setattr(dialogs, "open_local_file", recorder.open_file)
    monkeypatch.setattr(
        PrintPreview, "ask", classmethod(lambda _cls, *a: recorder.print_preview(*a))
    )
    monkeypatch.setattr(DueDateDialog, "ask", classmethod(lambda _cls, *a: recorder.due_date(*a)))
    return recorder


@pytest.fixture
def outputs_driver(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OutputsDriver:
    """Replaces the export dialogs, the end-of-export dialog and the ledger's print
    preview (see :class:`desk.OutputsDriver`); exports go to ``tmp_path / "out"``."""
    driver = OutputsDriver()
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(outputs, "default_folder", lambda _settings: folder)
    for cls, method in (
        (LedgerExportDialog, driver.ledger),
        (FormsExportDialog, driver.forms),
        (ReportExportDialog, driver.report),
        (ExportFinishedDialog, driver.finish),
        (LedgerPrintPreview, driver.preview),
    ):
        monkeypatch.setattr(cls, "ask", classmethod(lambda _cls, *a, _m=method, **kw: _m(*a, **kw)))
    return driver


@pytest.fixture
def periods_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[PeriodsDialog]:
    """Replaces the modal periods dialog: builds the real one and keeps it, not shown."""
    opened: list[PeriodsDialog] = []

    def ask(_cls: type, parent: QWidget | None, db: Database, actor: Actor, plan_id: int) -> bool:
        dialog = PeriodsDialog(db, actor, plan_id, parent)
        opened.append(dialog)
        return False

    monkeypatch.setattr(PeriodsDialog, "ask", classmethod(ask))
    return opened
