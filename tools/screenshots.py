"""Screenshots of every screen of the desktop app, offscreen, as PNG files.

    .venv/bin/python tools/screenshots.py [--out DIR] [--no-province]

Builds the program's demo database (``tools/demo_data.py`` → ``tracker.demo``) in a
temporary folder and photographs the sign-in, a reporter's 本单位任务 with the report form
(returned, draft, history), the conflict dialog, a coordinator's task table, review queue
and dashboard (in the latest period past its due date), and the periods, accounts (one
disabled), account change, preferences, reason and file dialogs; the 试点 tab of the
coordinator, the city DRC and the pilot body (report, projects, experience) and its
dialogs (project, stage, experience, evaluation); the outputs as the coordinator has them
(the three export dialogs, an export's progress and end, the ledger's print preview,
returned forms imported and refused row by row, the shared settings); then the main
screens and the outputs on the province-size database (5,000 tasks, 150,000 reports). Chinese needs a CJK font
(fonts-noto-cjk). Nothing is shown on a display and no dialog waits for a click.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget  # noqa: E402

from tools.demo_data import PASSWORD, Demo, build_province, build_sample  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.outputs import forms  # noqa: E402
from tracker.outputs.forms import export_forms  # noqa: E402
from tracker.outputs.ledger import LedgerTable  # noqa: E402
from tracker.pilot_demo import texts as pilot_texts  # noqa: E402
from tracker.services import periods, pilots, users  # noqa: E402
from tracker.services.actor import Actor  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.account import SignInDialog  # noqa: E402
from ui.accounts_dialog import AccountsDialog, AddUserDialog, EditUserDialog  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.export_dialogs import (  # noqa: E402
    ExportFinishedDialog,
    FormsExportDialog,
    LedgerExportDialog,
    ReportExportDialog,
)
from ui.forms_import_dialog import FormsImportDialog  # noqa: E402
from ui.ledger_print import LedgerPrintPreview  # noqa: E402
from ui.main_window import MainWindow, describe_database  # noqa: E402
from ui.outputs import SETTINGS_FOLDER  # noqa: E402
from ui.periods_dialog import PeriodsDialog  # noqa: E402
from ui.pilot_dialogs import (  # noqa: E402
    EvaluateDialog,
    ExperienceDialog,
    ProjectDialog,
    StageDialog,
)
from ui.pilots import PilotsPanel  # noqa: E402
from ui.preferences import PreferencesDialog  # noqa: E402
from ui.printing import PrintPreview, report_html  # noqa: E402
from ui.settings_dialog import SettingsDialog  # noqa: E402
from ui.views.report_form_view import ConflictDialog, TextInputDialog  # noqa: E402
from ui.worker import BackgroundTask, ProgressCallback, run_in_background  # noqa: E402

WINDOW_SIZE = (1440, 900)


def settle(seconds: float = 0.15) -> None:
    """Let Qt lay out and paint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait(task: BackgroundTask | None, timeout: float = 30.0) -> None:
    """Wait until a background task has delivered its outcome."""
    end = time.monotonic() + timeout
    while task is not None and task.is_running and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)
    settle()


class Camera:
    """Saves numbered screenshots into one folder and remembers them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.saved: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def shoot(self, widget: QWidget, name: str, size: tuple[int, int] | None = None) -> None:
        if size is not None:
            widget.resize(*size)
        widget.show()
        settle()
        path = self.folder / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        self.saved.append(path)
        print(path)


def _window(db: Database, actor: Actor, folder: Path) -> MainWindow:
    settings = QSettings(str(folder / f"settings-{actor.name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, actor, settings=settings)
    window.resize(*WINDOW_SIZE)
    window.reload_plans()
    return window


def _choose_period(window: MainWindow, period_id: int | None) -> None:
    index = window.period_combo.findData(period_id) if period_id is not None else -1
    if index >= 0:
        window.period_combo.setCurrentIndex(index)
        settle(0.05)


def _select_task(window: MainWindow, accept: Callable[[int], bool]) -> None:
    model = window.task_model
    for row in range(model.rowCount()):
        if accept(row):
            window.select_task_row(row)
            return


def _own_state(window: MainWindow, state: str) -> Callable[[int], bool]:
    def accept(row: int) -> bool:
        found = window.task_model.progress(row)
        return bool(found and found["own"] and found["own"]["state"] == state)

    return accept


def reporter_screens(camera: Camera, demo: Demo, tmp: Path, prefix: str) -> None:
    reporter = next(iter(demo.reporters.values()))
    window = _window(demo.db, reporter, tmp)
    _choose_period(window, demo.past_period_id)  # where reports were returned
    _select_task(window, _own_state(window, "returned"))
    camera.shoot(window, f"{prefix}-reporter-tasks-returned")
    _choose_period(window, demo.period_id)  # the current period: drafts
    _select_task(window, _own_state(window, "draft"))
    window.workbench.form.text_edits["problems"].appendPlainText("（补充）配套电网建设滞后。")
    camera.shoot(window, f"{prefix}-reporter-form-unsaved-edit")
    window.task_tabs.setCurrentWidget(window.workbench.history)
    camera.shoot(window, f"{prefix}-reporter-history")
    window.workbench.form.discard_all()
    window.close()


def coordinator_screens(camera: Camera, demo: Demo, tmp: Path, prefix: str) -> MainWindow:
    window = _window(demo.db, demo.coordinator, tmp)
    _choose_period(window, demo.past_period_id)  # awaiting review, returned, late, missing
    _select_task(window, lambda row: (window.task_model.progress(row) or {}).get("reports_in") == 1)
    camera.shoot(window, f"{prefix}-coordinator-tasks")
    review = window.workbench.review
    assert review is not None
    window.tabs.setCurrentWidget(review)
    settle()
    review.select_rows([0, 1, 2])
    camera.shoot(window, f"{prefix}-coordinator-review")
    dashboard = window.workbench.dashboard
    assert dashboard is not None
    window.tabs.setCurrentWidget(dashboard)
    settle(0.05)
    wait(dashboard.last_task)
    camera.shoot(window, f"{prefix}-coordinator-dashboard")
    return window


def dialog_screens(camera: Camera, demo: Demo, window: MainWindow, tmp: Path) -> None:
    db, coordinator = demo.db, demo.coordinator
    reporter = next(iter(demo.reporters))
    camera.shoot(SignInDialog(db, describe_database(db), last_name=reporter), "01-sign-in")
    periods = PeriodsDialog(db, coordinator, demo.plan_id, window)
    periods.select_row(1)
    camera.shoot(periods, "30-periods")
    users.set_disabled(db, coordinator, list(demo.reporters)[-1], True)
    accounts = AccountsDialog(db, coordinator, window)
    accounts.reload(select=reporter)
    camera.shoot(accounts, "31-accounts")
    listed = next(u for u in users.list_users(db, coordinator) if u["name"] == reporter)
    camera.shoot(EditUserDialog(db, coordinator, listed, window), "31-edit-user")
    add = AddUserDialog(db, coordinator, window)
    add.name_edit.setText("统计局填报员")
    add.unit_combo.setCurrentIndex(2)
    camera.shoot(add, "32-add-user")
    settings = QSettings(str(tmp / "prefs.ini"), QSettings.Format.IniFormat)
    preferences = PreferencesDialog(settings, window)
    camera.shoot(preferences, "33-preferences")
    conflict = ConflictDialog(
        "任务 12（大力发展新能源）“市发展改革委”2026年全年的填报已被“填报员1”于 2026-11-29 10:20 修改"
        "（当前版本 4，您读取的是版本 3）。为避免覆盖他人的修改，本次未保存；请重新查看后再修改。",
        [
            ("工作进展", "完成 3 个光伏项目备案。", "完成 3 个光伏项目备案，新增装机 12 万千瓦。"),
            ("完成进度", "40", "45"),
        ],
        window,
    )
    conflict.show_comparison()
    camera.shoot(conflict, "34-conflict-compare")
    reason = TextInputDialog(
        "退回填报", "退回所选的 3 份填报。请说明理由（各单位将在填报顶部看到）：", "退回", window
    )
    reason.edit.setPlainText("请补充项目名称和完成投资额。")
    camera.shoot(reason, "35-return-reason")
    task = window.selected_task()
    period = window.workbench.period
    if task is not None and period is not None:
        form = window.workbench.form
        document = report_html(task, period, form.current_values(), form.unit_label())
        camera.shoot(PrintPreview(str(task["title"]), document, window), "37-print-preview")
    files = QFileDialog(window, "添加佐证材料", str(tmp), "所有文件 (*)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    camera.shoot(files, "36-file-dialog", (760, 480))
    files.close()


def _period_code(demo: Demo, period_id: int) -> str:
    found = periods.list_periods(demo.db, demo.coordinator, demo.plan_id)["periods"]
    return str(next(p["code"] for p in found if p["id"] == period_id))


def _returned_forms(demo: Demo, folder: Path, lead_units: Sequence[str]) -> list[Path]:
    """Two units' forms of the current period as they come back: one filled in, one with
    a locked cell changed and a status that is not in the list (refused row by row)."""
    code = _period_code(demo, demo.period_id)
    units = [str(a.unit_name) for a in demo.reporters.values() if a.unit_name]
    units += [u for u in lead_units if u not in units]  # the province has one reporter
    paths = []
    for unit in units[:2]:
        result = export_forms(
            demo.db, demo.coordinator, folder, period=code, plan_id=demo.plan_id, unit=unit
        )
        paths.append(result.files[0])
    good, bad = paths
    book = openpyxl.load_workbook(good)
    sheet = book["填报表"]
    status, progress = forms.column("status").index, forms.column("progress").index
    unreported = [
        row
        for row in range(forms.FIRST_ROW, sheet.max_row + 1)
        if not sheet.cell(row=row, column=status).value
    ]
    for row in unreported[:3]:  # new reports: submitted or saved as drafts
        sheet.cell(row=row, column=status).value = "序时推进"
        sheet.cell(row=row, column=progress).value = "已完成年度目标的六成，新增装机 8 万千瓦。"
    book.save(good)
    book = openpyxl.load_workbook(bad)
    sheet = book["填报表"]
    sheet.cell(row=forms.FIRST_ROW, column=forms.column("content").index).value = "（被改动）"
    sheet.cell(row=forms.FIRST_ROW + 1, column=forms.column("status").index).value = "差不多"
    renamed = bad.with_name("返回_" + bad.name)
    book.save(renamed)
    return [good, renamed]


def _shoot_progress(camera: Camera, window: MainWindow, name: str) -> None:
    """The progress dialog of long work (an export), held at 3 of 8 until photographed."""
    release = threading.Event()

    def job(progress: ProgressCallback) -> None:
        progress(3, 8)
        release.wait(10)

    task = run_in_background(window, job, lambda _r: None, label="正在导出填报表", show_after_ms=0)
    end = time.monotonic() + 5
    while task.progress_dialog is None and time.monotonic() < end:
        settle(0.05)
    dialog = task.progress_dialog
    if dialog is not None:
        camera.shoot(dialog, name)
    release.set()
    wait(task)


def output_screens(camera: Camera, demo: Demo, tmp: Path, prefix: str) -> None:
    """The export dialogs, the progress and end of an export, the ledger's print preview,
    the outcome of importing returned forms and the shared settings, as the coordinator."""
    folder = tmp / f"{prefix}-exports"
    folder.mkdir(exist_ok=True)
    stored = QSettings(
        str(tmp / f"settings-{demo.coordinator.name}.ini"), QSettings.Format.IniFormat
    )
    stored.setValue(SETTINGS_FOLDER, str(folder))
    stored.sync()
    window = _window(demo.db, demo.coordinator, tmp)
    _choose_period(window, demo.period_id)
    window.show()
    outputs = window.workbench.outputs
    context = outputs.context()
    assert context is not None
    camera.shoot(LedgerExportDialog(context, window), f"{prefix}-export-ledger")
    dialog = FormsExportDialog(context, window)
    dialog.one_unit_radio.setChecked(True)
    camera.shoot(dialog, f"{prefix}-export-forms")
    report = ReportExportDialog(context, window)
    report.to_edit.setText("市碳达峰碳中和工作领导小组")
    camera.shoot(report, f"{prefix}-export-report")
    _shoot_progress(camera, window, f"{prefix}-export-progress")
    _export_ledger(camera, window, f"{prefix}-export-finished")
    _print_ledger(camera, window, f"{prefix}-ledger-print-preview")
    returned = _returned_forms(demo, tmp / f"{prefix}-returned", context.lead_units)
    importer = FormsImportDialog(
        demo.db, demo.coordinator, context.plan_id, context.plan_title, window
    )
    importer.start(returned)
    wait(importer.last_task)
    camera.shoot(importer, f"{prefix}-forms-import-result")
    settings = SettingsDialog(demo.db, demo.coordinator, window)
    settings.select_status("序时推进")
    camera.shoot(settings, f"{prefix}-shared-settings")
    window.close()


def _export_ledger(camera: Camera, window: MainWindow, name: str) -> None:
    """Export the ledger through the window's own action; photograph its last dialog."""
    asked, finished = LedgerExportDialog.__dict__["ask"], ExportFinishedDialog.__dict__["ask"]

    def ask(cls: type[LedgerExportDialog], parent: QWidget | None, context: Any) -> Any:
        dialog = cls(context, parent)
        dialog.ok_button.click()
        return dialog.request if dialog.result() == QDialog.DialogCode.Accepted else None

    def done(
        cls: type[ExportFinishedDialog], parent: QWidget | None, title: str, text: str, files: Any
    ) -> None:
        camera.shoot(cls(title, text, files, parent), name)

    LedgerExportDialog.ask = classmethod(ask)  # type: ignore[method-assign,assignment]
    ExportFinishedDialog.ask = classmethod(done)  # type: ignore[method-assign,assignment]
    try:
        window.workbench.outputs.actions.export_ledger_action.trigger()
        wait(window.workbench.outputs.last_task, timeout=120)
    finally:
        LedgerExportDialog.ask = asked  # type: ignore[method-assign]
        ExportFinishedDialog.ask = finished  # type: ignore[method-assign]


def _print_ledger(camera: Camera, window: MainWindow, name: str) -> None:
    """Ctrl+P on the task table: the ledger's print preview, photographed."""
    asked = LedgerPrintPreview.__dict__["ask"]

    def ask(
        cls: type[LedgerPrintPreview], parent: QWidget | None, title: str, table: LedgerTable
    ) -> None:
        started = time.perf_counter()
        preview = cls(title, table, parent)
        camera.shoot(preview, name)
        print(f"  print preview laid out and shown in {time.perf_counter() - started:.1f} s")
        preview.close()

    def confirm(_parent: QWidget | None, _title: str, text: str, **_kw: Any) -> bool:
        print(f"  asked first: {text.splitlines()[0]}")  # a large ledger
        return True

    LedgerPrintPreview.ask = classmethod(ask)  # type: ignore[method-assign,assignment]
    confirmed = dialogs.confirm
    dialogs.confirm = confirm  # type: ignore[assignment]
    try:
        window.workbench.outputs.actions.print_ledger_action.trigger()
        wait(window.workbench.outputs.last_task, timeout=300)
    finally:
        LedgerPrintPreview.ask = asked  # type: ignore[method-assign]
        dialogs.confirm = confirmed


def _pilots_tab(window: MainWindow) -> PilotsPanel:
    panel = window.pilots_panel
    assert panel is not None
    window.tabs.setCurrentWidget(panel)
    settle()
    return panel


def _pilot_id(db: Database, actor: Actor, position: int) -> int:
    return int(pilots.list_pilots(db, actor)[position]["id"])


def _account(db: Database, coordinator: Actor, role: str) -> Actor:
    name = next(u["name"] for u in users.list_users(db, coordinator) if u["role"] == role)
    return users.authenticate(db, name, PASSWORD)


def pilot_screens(camera: Camera, demo: Demo, tmp: Path) -> None:
    """The 试点 tab as the coordinator, the city DRC and the pilot body see it."""
    db, coordinator = demo.db, demo.coordinator
    returned = _pilot_id(db, coordinator, pilot_texts()["review"]["returned"][0])
    window = _window(db, coordinator, tmp)
    panel = _pilots_tab(window)
    panel.select_pilot(returned)
    camera.shoot(window, "60-pilots-coordinator-report")
    panel.select_pilot(_pilot_id(db, coordinator, 0))
    period = panel.period()
    year = int(period[0][:4])
    panel.detail_tabs.setCurrentWidget(panel.projects_page)
    panel.project_table.selectRow(0)
    camera.shoot(window, "61-pilots-projects")
    project = panel.selected_project()
    assert project is not None
    stage = StageDialog(db, coordinator, project, parent=window)
    stage.stage_combo.setCurrentIndex(0)  # back to 谋划: the reason is asked for
    camera.shoot(stage, "65-pilots-stage-back")
    camera.shoot(
        ProjectDialog(db, coordinator, int(project["pilot_id"]), year, project, window),
        "66-pilots-project",
    )
    panel.select_pilot(_pilot_id(db, coordinator, 1))
    panel.detail_tabs.setCurrentWidget(panel.experience_page)
    panel.experience_table.selectRow(0)
    camera.shoot(window, "62-pilots-experience")
    record = panel.selected_experience()
    assert record is not None
    experience = ExperienceDialog(
        db,
        coordinator,
        int(record["pilot_id"]),
        [period],
        period[0],
        record,
        window,
    )
    camera.shoot(experience, "67-pilots-experience-dialog")
    panel.detail_tabs.setCurrentWidget(panel.tasks_page)
    camera.shoot(window, "63-pilots-tasks")
    entry = panel.pilot_model.record(panel.pilot_model.row_of(returned) or 0)
    evaluate = EvaluateDialog(
        db, coordinator, entry, panel.period(), entry.get("evaluation"), window
    )
    camera.shoot(evaluate, "68-pilots-evaluate")
    window.close()
    for role, name in (("city_drc", "64-pilots-city-drc"), ("pilot_body", "69-pilots-body")):
        window = _window(db, _account(db, coordinator, role), tmp)
        panel = _pilots_tab(window)
        waiting = pilot_texts()["review"]["submitted"][0]
        if role == "city_drc":
            panel.select_pilot(_pilot_id(db, coordinator, waiting))
        camera.shoot(window, name)
        window.close()


def sample(camera: Camera, tmp: Path) -> None:
    db = Database.open(str(tmp / "sample.sqlite3"))
    try:
        demo = build_sample(db)
        reporter_screens(camera, demo, tmp, "10-sample")
        window = coordinator_screens(camera, demo, tmp, "20-sample")
        dialog_screens(camera, demo, window, tmp)
        window.close()
        pilot_screens(camera, demo, tmp)
        output_screens(camera, demo, tmp, "70-sample")
    finally:
        db.close()


def province(camera: Camera, tmp: Path) -> None:
    print("building the province-size database (5,000 tasks, 150,000 reports) …", file=sys.stderr)
    db = Database.open(str(tmp / "province.sqlite3"))
    try:
        demo = build_province(db)
        reporter_screens(camera, demo, tmp, "40-province")
        window = coordinator_screens(camera, demo, tmp, "50-province")
        window.close()
        output_screens(camera, demo, tmp, "80-province")
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; prints each file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--no-province", action="store_true", help="skip the big database")
    args = parser.parse_args(argv)
    create_application()
    users.SCRYPT_PARAMS = users.ScryptParams(n=2**12, r=8, p=1)  # demo accounts only
    camera = Camera(args.out)
    with tempfile.TemporaryDirectory(prefix="tracker-shots-") as folder:
        sample(camera, Path(folder))
        if not args.no_province:
            province(camera, Path(folder))
    print(f"{len(camera.saved)} screenshots in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
