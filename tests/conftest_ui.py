"""Fixtures shared by the UI tests (``tests/test_ui_*.py`` load them with ``pytest_plugins``).

Every modal message and file chooser of the application goes through :mod:`ui.dialogs`
(and the crash dialog through :class:`ui.errors.CrashDialog`); :func:`messages` replaces
them with a recorder, because a modal dialog would block a headless test forever.

Every test marked ``gui`` runs with Python's automatic cycle collection off and collects
on the main thread when it ends (:func:`collect_on_the_main_thread`), as the application
does with :class:`ui.app.GarbageCollector`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget

from tracker.db import Database
from tracker.importing.regions import LEVEL_CITY, RegionSpec
from tracker.importing.result import ImportWarning, ParsedPlan, ParsedTask, TargetSpec
from tracker.services import plans, users
from tracker.services.actor import ROLE_COORDINATOR, Actor
from tracker.services.plans import ImportPreview
from ui import dialogs, errors
from ui.import_dialog import ImportPreviewDialog
from ui.models import AreaKey
from ui.task_edit_dialog import TaskEditDialog, UnitCanonicalizer

from conftest import PLAN_NO_BREAKDOWN, PLAN_TABLE

COORDINATOR = "市发展改革委"
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def collect_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a GUI test: no automatic cycle collection during the test, one full collection
    on the main thread after it. Left automatic, the collector may run in a worker thread
    of :mod:`ui.worker` and finalise Qt objects there, which crashes the process at random
    (the application avoids it the same way, see :class:`ui.app.GarbageCollector`)."""
    if request.node.get_closest_marker("gui") is None:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


@dataclass
class Messages:
    """What the application tried to show modally during a test."""

    infos: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    confirms: list[tuple[str, str]] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    chosen_files: list[str] = field(default_factory=list)  # returned by choose_open_file
    confirm_answer: bool = True

    def _info(self, _parent: QWidget | None, title: str, text: str) -> None:
        self.infos.append((title, text))

    def _warning(self, _parent: QWidget | None, title: str, text: str) -> None:
        self.warnings.append((title, text))

    def _confirm(self, _parent: QWidget | None, title: str, text: str, *, yes: str = "") -> bool:
        del yes
        self.confirms.append((title, text))
        return self.confirm_answer

    def _crash(self, _parent: QWidget | None, details: str) -> None:
        self.crashes.append(details)

    def _choose(self, _parent: QWidget | None, _title: str, _filter: str, _dir: str = "") -> str:
        return self.chosen_files.pop(0) if self.chosen_files else ""


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    """Records modal messages instead of showing them (see the module docstring)."""
    recorder = Messages()
    monkeypatch.setattr(dialogs, "information", recorder._info)
    monkeypatch.setattr(dialogs, "warning", recorder._warning)
    monkeypatch.setattr(dialogs, "confirm", recorder._confirm)
    monkeypatch.setattr(dialogs, "choose_open_file", recorder._choose)
    monkeypatch.setattr(
        errors.CrashDialog, "show_crash", classmethod(lambda _cls, p, d: recorder._crash(p, d))
    )
    return recorder


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap scrypt parameters (stored in each hash, so sign-in still verifies)."""
    monkeypatch.setattr(users, "SCRYPT_PARAMS", users.ScryptParams(n=2**10, r=8, p=1))


@pytest.fixture
def gui_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database file at head revision."""
    db = Database.open("sqlite:///" + str(tmp_path / "tracker.sqlite3"))
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def coordinator(gui_db: Database, fast_hashing: None) -> Actor:
    """The first coordinator of :func:`gui_db`, signed in."""
    del fast_hashing
    users.add_user(gui_db, None, COORDINATOR, ROLE_COORDINATOR, PASSWORD)
    return users.authenticate(gui_db, COORDINATOR, PASSWORD)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """QSettings in a file of the test's own (never the user's settings)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def table_plan() -> Path:
    """A plan of our own whose breakdown is a PDF-style 任务分工 table (15 tasks in 5 areas,
    one import warning for its shifted row)."""
    return PLAN_TABLE


@pytest.fixture
def plan_without_breakdown() -> Path:
    """A document without any task breakdown (a pilot scheme): it cannot be imported."""
    return PLAN_NO_BREAKDOWN


@pytest.fixture
def table_plan_id(gui_db: Database, coordinator: Actor, table_plan: Path) -> int:
    """:func:`table_plan`, imported through the real services."""
    parsed = plans.preview_import(gui_db, table_plan)
    return plans.commit_import(gui_db, parsed, coordinator).plan_id


@pytest.fixture
def table_preview(gui_db: Database, table_plan: Path) -> ParsedPlan:
    """The preview of :func:`table_plan`, read through the real services."""
    return plans.preview_import(gui_db, table_plan)


@dataclass
class TaskEditor:
    """Replaces the modal task editor (:meth:`TaskEditDialog.ask`): builds the real editor
    without showing it, lets the test fill it in (``fill``), then presses 确定 — or 取消 when
    ``fill`` is None. ``opened`` keeps every editor, for its fields and its messages."""

    fill: Callable[[TaskEditDialog], None] | None = None
    opened: list[TaskEditDialog] = field(default_factory=list)

    def ask(
        self,
        parent: QWidget | None,
        task: ParsedTask,
        areas: Sequence[AreaKey],
        canonical_units: UnitCanonicalizer,
    ) -> ParsedTask | None:
        dialog = TaskEditDialog(task, areas, canonical_units, parent)
        self.opened.append(dialog)
        if self.fill is None:
            dialog.cancel_button.click()
            return None
        self.fill(dialog)
        dialog.ok_button.click()
        if dialog.result() != QDialog.DialogCode.Accepted:
            return None  # the editor said what is wrong and stayed open
        return dialog.edited_task


@pytest.fixture
def task_editor(monkeypatch: pytest.MonkeyPatch) -> TaskEditor:
    """See :class:`TaskEditor`."""
    editor = TaskEditor()
    monkeypatch.setattr(TaskEditDialog, "ask", classmethod(lambda _cls, *args: editor.ask(*args)))
    return editor


@dataclass
class PreviewDriver:
    """Replaces the modal preview (:meth:`ImportPreviewDialog.ask`) in an import flow:
    builds the real preview without showing it, runs ``script`` on it (the corrections),
    then presses 确认导入. ``shown`` keeps every preview."""

    script: Callable[[ImportPreviewDialog], None] | None = None
    shown: list[ImportPreviewDialog] = field(default_factory=list)

    def ask(self, parent: QWidget | None, preview: ImportPreview, db: Database) -> bool:
        dialog = ImportPreviewDialog(preview, db, parent)
        self.shown.append(dialog)
        if self.script is not None:
            self.script(dialog)
        dialog.commit_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted


@pytest.fixture
def preview_driver(monkeypatch: pytest.MonkeyPatch) -> PreviewDriver:
    """See :class:`PreviewDriver`."""
    driver = PreviewDriver()
    monkeypatch.setattr(
        ImportPreviewDialog, "ask", classmethod(lambda _cls, *args: driver.ask(*args))
    )
    return driver


def _task(
    area: tuple[str, str],
    code: str,
    title: str,
    content: str,
    lead: list[str],
    coop: list[str],
    where: str,
    targets: list[TargetSpec] | None = None,
) -> ParsedTask:
    return ParsedTask(
        area_code=area[0],
        area_title=area[1],
        code=code,
        title=title,
        content=content,
        lead_units=lead,
        cooperating_units=coop,
        targets=targets or [],
        where=where,
    )


ENERGY = ("（一）", "能源绿色低碳转型行动")
INDUSTRY = ("（二）", "工业领域碳达峰行动")


def make_fake_plan() -> ParsedPlan:
    """A small preview, independent of the importer: two areas, four tasks, two warnings."""
    solar = TargetSpec(
        2025,
        "新能源装机规模",
        "达到",
        ">=",
        5000.0,
        "万千瓦",
        "到2025年，新能源装机规模达到5000万千瓦",
    )
    tasks = [
        _task(
            ENERGY,
            "1",
            "大力发展新能源",
            "推进光伏、风电规模化开发。",
            ["市发展改革委"],
            ["市自然资源局", "市工业和信息化局"],
            "第10行",
            [solar],
        ),
        _task(
            ENERGY,
            "2",
            "严格控制煤炭消费",
            "压减燃煤锅炉，推进煤电节能改造。",
            ["市发展改革委", "市生态环境局"],
            [],
            "第14行",
        ),
        _task(
            INDUSTRY,
            "3",
            "推动钢铁行业碳达峰",
            "推广短流程炼钢工艺。",
            ["市工业和信息化局"],
            ["市发展改革委"],
            "第20行",
        ),
        _task(
            INDUSTRY,
            "4",
            "推进绿色制造",
            "创建绿色工厂和绿色园区。",
            ["市工业和信息化局"],
            ["市生态环境局", "市住房城乡建设局"],
            "第25行",
        ),
    ]
    return ParsedPlan(
        title="测试市碳达峰实施方案",
        kind="region",
        source_name="测试方案.txt",
        source_format="txt",
        content_hash="0" * 64,
        tasks=tasks,
        warnings=[
            ImportWarning("第22行", "责任单位跨行断开，已拼接，请核对"),
            ImportWarning("第3行", "未识别出实施方案的成文日期"),
        ],
        method="annotations",
        region=RegionSpec("测试市", LEVEL_CITY),  # a city the program does not know
    )


@pytest.fixture
def fake_plan() -> ParsedPlan:
    """See :func:`make_fake_plan`."""
    return make_fake_plan()
