"""重大项目清单 (.xlsx): a pilot's key projects exported, filled in, and imported back.

Export (:func:`export_projects`): one sheet with a row per project — hidden columns tie
the row to the database (the project's id and its version at export), the pilot and the
project number are locked (grey), everything else is filled in (yellow): name, owner,
location, investment, expected reduction, planned dates, the stage (a dropdown) with the
date of each stage reached, a note for a change of stage, the linked task numbers, the
investment of each year, and the period's progress note when a period is given. Blank
rows at the end take new projects. A very hidden sheet keeps the pilot, the period, the
years and who exported it when. The sheet is protected; the import checks everything
anyway.

Import (:func:`import_projects`): the whole file is read and checked first, inside the
transaction that will apply it, and a file with any problem changes nothing. Refused: a
file that is not such a list, a pilot the account may not keep, a changed header or
locked cell, an unknown or repeated row id, a row changed in the database since the
export (naming who and when), a formula, a negative or malformed amount, a bad date, a
stage change the stage rule refuses (:mod:`tracker.services.project_stages`), an unknown
task number. Each problem names the file, the sheet, the row and the column.

User text never becomes a formula (:func:`tracker.outputs.xlsx.put`); the file is written
whole or not at all (:func:`tracker.outputs.common.atomic_file`).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput, TrackerError
from tracker.models import Pilot, Project, ProjectProgress
from tracker.outputs import common, xlsx
from tracker.outputs.common import CancelCheck, Job, Progress, atomic_file
from tracker.services import inputs
from tracker.services.access import format_time, period_name
from tracker.services.actor import Actor
from tracker.services.pilot_access import find_pilot, require_keeper
from tracker.services.pilot_terms import terms
from tracker.services.project_stages import DATE_FIELDS, check_dates, move
from tracker.services.projects import (
    Changes,
    ProjectInput,
    apply_input,
    dates_of,
    describe,
    last_change,
    new_project,
    plan_tasks,
)
from tracker.services.versions import check_version

TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
MAX_FILE_BYTES = 50 * 1024 * 1024
MONEY_FORMAT = "0.####"
DATE_FORMAT = "yyyy-mm-dd"
ACTION_CREATED, ACTION_UPDATED, ACTION_UNCHANGED = "新增", "已更新", "无变化"
_CODE_SEPARATORS = re.compile(r"[、,，;；\s]+")


def layout() -> dict[str, Any]:
    """The wording and layout of the project list (resources/outputs/projects.json)."""
    return common.layout("projects")


class ProjectsRejected(InvalidInput):
    """A project list that was not imported, with every problem found in it."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"重大项目表“{path.name}”未导入，数据库未作任何修改（共 {len(problems)} 处问题）：\n{listed}"
        )
        self.path = path
        self.problems = list(problems)


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class SheetColumn:
    """One column of the sheet (1-based ``index``): ``key`` names what it holds (a year's
    column is ``planned:2025`` / ``completed:2025``)."""

    index: int
    key: str
    header: str
    kind: str  # id | version | locked | input
    width: float

    @property
    def letter(self) -> str:
        """The column's letter."""
        return str(get_column_letter(self.index))


def sheet_columns(years: Sequence[int], period: str | None) -> list[SheetColumn]:
    """The sheet's columns for these years (and the period's note column when given)."""
    spec = layout()
    found: list[SheetColumn] = []

    def add(key: str, header: str, kind: str, width: float) -> None:
        """The next column."""
        found.append(SheetColumn(len(found) + 1, key, header, kind, width))

    for column in spec["columns"]:
        key, width = column["key"], float(column["width"])
        if key == "{years}":
            for year in years:
                for part in ("planned", "completed"):
                    add(
                        f"{part}:{year}",
                        spec["year_headers"][part].format(year=year),
                        "input",
                        width,
                    )
        elif key == "note":
            if period is not None:
                name = period_name(int(period[:4]), int(period[-1]))
                add(key, column["header"].format(period_name=name), "input", width)
        else:
            add(key, column["header"], column["kind"], width)
    return found


def _years(projects: Sequence[Project], base: int) -> list[int]:
    stored = {i.year for p in projects for i in p.investments}
    first = min(stored | {base})
    last = max(stored | {base + 1})
    return list(range(first, last + 1))


# ---------------------------------------------------------------- export


def _styles(workbook: Workbook) -> dict[str, str]:
    spec = layout()
    fonts, fills = spec["fonts"], spec["fills"]

    def add(name: str, font: dict[str, Any], fill: str | None, **options: Any) -> str:
        """Register one named style; its name."""
        return xlsx.named_style(workbook, name, font=xlsx.font(font), fill=fill, **options)

    return {
        "title": add("项目表标题", fonts["title"], None, border=False),
        "info": add("项目表说明", fonts["body"], None, border=False),
        "header": add("项目表表头", fonts["header"], fills["header"]),
        "locked": add("项目表锁定", fonts["body"], fills["locked"]),
        "text": add("项目表填写", fonts["body"], fills["input"], locked=False),
        "money": add(
            "项目表金额", fonts["body"], fills["input"], locked=False, number_format=MONEY_FORMAT
        ),
        "date": add(
            "项目表日期", fonts["body"], fills["input"], locked=False, number_format=DATE_FORMAT
        ),
    }


def _cell_style(column: SheetColumn, styles: dict[str, str]) -> str:
    if column.kind != "input":
        return styles["locked"]
    if column.key in ("planned_start", "planned_finish", *DATE_FIELDS):
        return styles["date"]
    if column.key in ("total_investment", "expected_reduction") or ":" in column.key:
        return styles["money"]
    return styles["text"]


def _row_values(
    project: Project, pilot: Pilot, codes: dict[int, str], notes: dict[int, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": project.id,
        "version": project.version,
        "pilot": pilot.name,
        "code": project.code,
        "name": project.name,
        "owner": project.owner,
        "location": project.location,
        "total_investment": project.total_investment,
        "expected_reduction": project.expected_reduction,
        "planned_start": project.planned_start,
        "planned_finish": project.planned_finish,
        "stage": terms().stages.name(project.stage),
        **dates_of(project),
        "reason": None,
        "tasks": "、".join(
            codes[link.task_id] for link in project.task_links if link.task_id in codes
        ),
        "note": notes.get(project.id),
    }
    for investment in project.investments:
        values[f"planned:{investment.year}"] = investment.planned
        values[f"completed:{investment.year}"] = investment.completed
    return values


def _write_sheet(
    ws: Worksheet,
    cols: list[SheetColumn],
    rows: list[dict[str, Any]],
    pilot: Pilot,
    styles: dict[str, str],
) -> None:
    spec = layout()
    last = cols[-1].letter
    xlsx.put(ws, TITLE_ROW, 1, spec["title"].format(pilot=pilot.name), styles["title"])
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    xlsx.put(ws, INFO_ROW, 1, spec["instructions"], styles["info"])
    ws.merge_cells(f"A{INFO_ROW}:{last}{INFO_ROW}")
    ws.row_dimensions[INFO_ROW].height = 60
    ws.row_dimensions[HEADER_ROW].height = 42
    for column in cols:
        xlsx.put(ws, HEADER_ROW, column.index, column.header, styles["header"])
        ws.column_dimensions[column.letter].width = column.width
        if column.kind in ("id", "version"):
            ws.column_dimensions[column.letter].hidden = True
    blank: dict[str, Any] = {}
    for offset, values in enumerate([*rows, *([blank] * int(spec["blank_rows"]))]):
        row = FIRST_ROW + offset
        for column in cols:
            xlsx.put(ws, row, column.index, values.get(column.key), _cell_style(column, styles))
    stage = next(c for c in cols if c.key == "stage")
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(terms().stages.names) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="项目阶段",
        error="请从下拉列表中选择：" + "、".join(terms().stages.names),
    )
    ws.add_data_validation(choice)
    end = FIRST_ROW + len(rows) + int(spec["blank_rows"]) - 1
    choice.add(f"{stage.letter}{FIRST_ROW}:{stage.letter}{end}")
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=cols[4].index).coordinate
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _write_meta(workbook: Workbook, meta: dict[str, Any]) -> None:
    ws = workbook.create_sheet(layout()["meta_sheet"])
    for row, (key, value) in enumerate(meta.items(), 1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=str(value))
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def export_projects(
    db: Database,
    actor: Actor,
    pilot: int | str,
    path: str | Path,
    *,
    period: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[str, Any]:
    """Write a pilot's project list to ``path`` (.xlsx; the pilot's body or a coordinator),
    atomically; ``period`` adds that period's progress notes. Returns ``{"path", "pilot",
    "projects"}``. ``progress`` and ``cancelled`` as for the other exports."""
    today = today or dt.date.today()
    code = inputs.period(period) if period else None
    target = common.output_path(path, ".xlsx", "重大项目表")
    job = Job(progress, cancelled)
    job.total = 2
    with db.reader() as session:
        found = find_pilot(session, pilot)
        require_keeper(session, actor, found, "导出重大项目表")
        rows, years = _export_rows(session, found, code, today)
        workbook = _workbook(found, rows, years, code, actor)
        name = found.name
    job.step(1)
    with atomic_file(target) as temporary:
        workbook.save(temporary)
        job.step(2)
    return {"path": str(target), "pilot": name, "projects": len(rows)}


def _workbook(
    pilot: Pilot, rows: list[dict[str, Any]], years: list[int], code: str | None, actor: Actor
) -> Workbook:
    """The project list of ``pilot`` in memory, with its very hidden sheet of facts."""
    cols = sheet_columns(years, code)
    workbook = Workbook()
    styles = _styles(workbook)
    ws = workbook.active
    assert ws is not None
    ws.title = layout()["sheet"]
    _write_sheet(ws, cols, rows, pilot, styles)
    meta = {
        "format": layout()["format"],
        "pilot_id": pilot.id,
        "pilot_name": pilot.name,
        "period": code or "",
        "years": ",".join(str(y) for y in years),
        "exported_at": format_time(dt.datetime.now(dt.UTC)),
        "exported_by": actor.name,
        "rows": len(rows),
    }
    _write_meta(workbook, meta)
    return workbook


def _export_rows(
    session: Session, pilot: Pilot, code: str | None, today: dt.date
) -> tuple[list[dict[str, Any]], list[int]]:
    stored = list(
        session.scalars(select(Project).where(Project.pilot_id == pilot.id).order_by(Project.id))
    )
    codes = {t.id: t.code for t in plan_tasks(session, pilot).values()}
    notes: dict[int, str] = {}
    if code is not None:
        notes = dict(
            session.execute(
                select(ProjectProgress.project_id, ProjectProgress.note).where(
                    ProjectProgress.period_code == code,
                    ProjectProgress.project_id.in_([p.id for p in stored]),
                )
            )
            .tuples()
            .all()
        )
    base = int(code[:4]) if code else today.year
    return [_row_values(p, pilot, codes, notes) for p in stored], _years(stored, base)


# ---------------------------------------------------------------- reading a file back


@dataclass
class SheetRow:
    """One filled-in row: its line and the raw value of each column key."""

    line: int
    values: dict[str, Any]
    formulas: list[str] = field(default_factory=list)  # keys of cells holding a formula

    def text(self, key: str) -> str:
        """A cell as text (empty for none); whole numbers without a decimal point."""
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        return str(value).strip()


@contextmanager
def _quiet() -> Iterator[None]:
    # openpyxl warns about features it drops while reading (Excel's extensions to data
    # validation when a user saved the file): irrelevant to the values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        yield


def _open(path: Path) -> Any:
    if not path.is_file():
        raise ProjectsRejected(path, [f"文件“{path}”不存在。"])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ProjectsRejected(path, ["文件太大，不是本程序导出的重大项目表。"])
    try:
        with _quiet():
            return openpyxl.load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ProjectsRejected(path, [f"无法读取（不是有效的 .xlsx 文件）：{exc}"]) from None


def read_file(path: Path) -> tuple[dict[str, str], list[SheetColumn], list[SheetRow]]:
    """The meta data, the columns and the filled-in rows of a project list; a file that is
    not one is :class:`ProjectsRejected`."""
    spec = layout()
    workbook = _open(path)
    if spec["meta_sheet"] not in workbook.sheetnames or spec["sheet"] not in workbook.sheetnames:
        raise ProjectsRejected(
            path, ["这不是本程序导出的重大项目表（缺少工作表“重大项目”或其说明页）。"]
        )
    meta_ws = workbook[spec["meta_sheet"]]
    meta = {
        str(row[0]): str(row[1] or "")
        for row in meta_ws.iter_rows(min_col=1, max_col=2, values_only=True)
        if row[0]
    }
    if meta.get("format") != spec["format"]:
        raise ProjectsRejected(path, [f"文件格式“{meta.get('format')}”不是 {spec['format']}。"])
    years = [int(y) for y in meta.get("years", "").split(",") if y.strip()]
    cols = sheet_columns(years, meta.get("period") or None)
    ws = workbook[spec["sheet"]]
    problems = _check_header(path, ws, cols)
    if problems:
        raise ProjectsRejected(path, problems)
    return meta, cols, list(_rows(ws, cols))


def _check_header(path: Path, ws: Worksheet, cols: list[SheetColumn]) -> list[str]:
    problems = []
    for column in cols:
        found = ws.cell(row=HEADER_ROW, column=column.index).value
        if (found or "") != column.header:
            problems.append(
                f"{_place(path, HEADER_ROW, column)}表头应为“{column.header}”，现为“{found or ''}”："
                "表格结构被改动，请使用导出的原表填写。"
            )
    extra = ws.cell(row=HEADER_ROW, column=len(cols) + 1).value
    if extra not in (None, ""):
        problems.append(
            f"“{path.name}”工作表“{layout()['sheet']}”第 {HEADER_ROW} 行多出一列“{extra}”。"
        )
    return problems


def _rows(ws: Worksheet, cols: list[SheetColumn]) -> Iterator[SheetRow]:
    for line in range(FIRST_ROW, ws.max_row + 1):
        values: dict[str, Any] = {}
        formulas: list[str] = []
        for column in cols:
            cell = ws.cell(row=line, column=column.index)
            if cell.data_type == "f":
                formulas.append(column.key)
            value = cell.value
            if isinstance(value, str) and not value.strip():
                value = None
            values[column.key] = value
        if any(v is not None for k, v in values.items() if k not in ("pilot", "code", "version")):
            yield SheetRow(line, values, formulas)


def _place(path: Path, line: int, column: SheetColumn) -> str:
    return f"“{path.name}”工作表“{layout()['sheet']}”第 {line} 行 {column.letter} 列（{column.header}）："


# ---------------------------------------------------------------- checking a row


@dataclass
class RowPlan:
    """What one row will do: the project (None: a new one) and its checked input."""

    row: SheetRow
    project: Project | None
    change: ProjectInput
    listed: dt.date | None = None


class _Problems:
    """The problems of a file, each with its place."""

    def __init__(self, path: Path, cols: list[SheetColumn]) -> None:
        self.path = path
        self.by_key = {c.key: c for c in cols}
        self.found: list[str] = []

    def add(self, row: SheetRow, key: str, message: str) -> None:
        """A problem in the cell of ``key`` on ``row``."""
        self.found.append(_place(self.path, row.line, self.by_key[key]) + message)

    def check(self, row: SheetRow, key: str, read: Any) -> Any:
        """``read()`` the cell's value; an :class:`InvalidInput` becomes a problem (None)."""
        try:
            return read()
        except InvalidInput as exc:
            self.add(row, key, str(exc))
            return None


def _locked(row: SheetRow, project: Project | None, pilot: Pilot, problems: _Problems) -> None:
    shown_pilot, shown_code = row.text("pilot"), row.text("code")
    expected = (pilot.name, project.code) if project is not None else (None, "")
    if project is not None and shown_pilot != expected[0]:
        problems.add(
            row, "pilot", f"是锁定列，不能修改（导出时为“{expected[0]}”，现为“{shown_pilot}”）。"
        )
    elif project is None and shown_pilot not in ("", pilot.name):
        problems.add(
            row, "pilot", f"新项目的这一列应留空（或为“{pilot.name}”），现为“{shown_pilot}”。"
        )
    if shown_code != expected[1]:
        was = f"导出时为“{expected[1]}”" if project is not None else "新项目应留空"
        problems.add(row, "code", f"是锁定列，不能修改（{was}，现为“{shown_code}”）。")


def _fields(row: SheetRow, problems: _Problems) -> dict[str, Any]:
    found: dict[str, Any] = {}
    limits = {"name": ("项目名称", 300), "owner": ("项目业主", 200), "location": ("建设地点", 200)}
    for key, (label, limit) in limits.items():
        found[key] = problems.check(
            row,
            key,
            lambda k=key, lb=label, lm=limit: inputs.text(
                row.values.get(k), lb, limit=lm, required=k == "name"
            ),
        )
    for key, label, unit in (
        ("total_investment", "总投资", "万元"),
        ("expected_reduction", "预计减碳量", "万吨CO₂"),
    ):
        found[key] = problems.check(
            row, key, lambda k=key, lb=label, u=unit: inputs.amount(row.values.get(k), lb, u)
        )
    for key, label in (("planned_start", "计划开工日期"), ("planned_finish", "计划建成日期")):
        found[key] = problems.check(
            row, key, lambda k=key, lb=label: inputs.day(row.values.get(k), lb)
        )
    return found


def _investments(
    row: SheetRow, cols: list[SheetColumn], problems: _Problems
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    years = sorted({int(c.key.split(":")[1]) for c in cols if ":" in c.key})
    found = {}
    for year in years:
        pair = []
        for part, label in (("planned", "计划投资"), ("completed", "完成投资")):
            key = f"{part}:{year}"
            pair.append(
                problems.check(
                    row,
                    key,
                    lambda k=key, lb=f"{year}年{label}": inputs.amount(
                        row.values.get(k), lb, "万元"
                    ),
                )
            )
        found[year] = (pair[0], pair[1])
    return found


def _task_ids(row: SheetRow, by_code: dict[str, int], problems: _Problems) -> list[int]:
    found = []
    for code in _CODE_SEPARATORS.split(row.text("tasks")):
        if not code:
            continue
        if code not in by_code:
            shown = "、".join(list(by_code)[:12]) or "（试点还没有实施方案）"
            problems.add(row, "tasks", f"没有编号为“{code}”的任务（可用的任务编号：{shown}）。")
        else:
            found.append(by_code[code])
    return found


def _stage_part(
    row: SheetRow,
    project: Project | None,
    change: ProjectInput,
    problems: _Problems,
    today: dt.date,
) -> None:
    """The stage and its dates, as the sheet wants them, turned into a correction and a
    move that the stage rule will judge."""
    words = terms()
    stage_text = row.text("stage")
    target = problems.check(
        row, "stage", lambda: words.stages.key_of(stage_text or words.stages.names[0])
    )
    sheet = {
        key: problems.check(
            row, key, lambda k=key: inputs.day(row.values.get(k), words.stages.name(k) + "日期")
        )
        for key in DATE_FIELDS
    }
    if target is None:
        return
    order = words.stages.keys
    current = project.stage if project is not None else order[0]
    stored = dates_of(project) if project is not None else {}
    reached = order[: order.index(current) + 1]
    for key in DATE_FIELDS:
        if order.index(key) > order.index(target) and sheet[key] is not None:
            problems.add(
                row,
                key,
                f"项目阶段为{words.stages.name(target)}，不应填写{words.stages.name(key)}日期。",
            )
    change.corrections = {
        k: v for k, v in sheet.items() if k in reached and v is not None and v != stored.get(k)
    }
    if target == current:
        _same_stage(row, current, stored, sheet, change, problems, today)
        return
    _new_stage(row, current, target, sheet, change, problems, today)
    if change.on is not None:
        _judge(row, project, current, stored, change, problems, today)


def _same_stage(
    row: SheetRow,
    current: str,
    stored: dict[str, dt.date | None],
    sheet: dict[str, dt.date | None],
    change: ProjectInput,
    problems: _Problems,
    today: dt.date,
) -> None:
    """The stage is kept: its dates may be corrected, not left out."""
    words = terms()
    reached = words.stages.keys[: words.stages.index(current) + 1]
    for key in DATE_FIELDS:
        if key in reached and sheet[key] is None and stored.get(key):
            problems.add(
                row,
                key,
                f"项目处于{words.stages.name(current)}阶段，须填写{words.stages.name(key)}日期。",
            )
    if change.corrections:
        try:
            check_dates(current, {**stored, **change.corrections}, today)
        except InvalidInput as exc:
            problems.add(row, "stage", str(exc))


def _new_stage(
    row: SheetRow,
    current: str,
    target: str,
    sheet: dict[str, dt.date | None],
    change: ProjectInput,
    problems: _Problems,
    today: dt.date,
) -> None:
    """The stage changes: forward on the new stage's date (passing over the stages dated
    in between), or back today with the reason of the 阶段变更说明 column."""
    words = terms()
    order = words.stages.keys
    change.stage = target
    if order.index(target) < order.index(current):
        change.reason = row.text("reason") or None
        change.on = today
        return
    change.on = sheet.get(target)
    if change.on is None:
        problems.add(
            row,
            target,
            f"阶段改为{words.stages.name(target)}，须填写{words.stages.name(target)}日期。",
        )
    change.passed = {
        k: v
        for k, v in sheet.items()
        if v is not None and order.index(current) < order.index(k) < order.index(target)
    }


def _judge(
    row: SheetRow,
    project: Project | None,
    current: str,
    stored: dict[str, dt.date | None],
    change: ProjectInput,
    problems: _Problems,
    today: dt.date,
) -> None:
    """Ask the stage rule now, so that every problem of the file is listed at once."""
    dates = {**stored, **change.corrections}
    assert change.stage is not None
    try:
        if change.corrections:
            check_dates(current, dates, today)
        move(
            current,
            dates,
            change.stage,
            on=change.on,
            reason=change.reason,
            passed=change.passed,
            today=today,
            since=last_change(project) if project is not None else None,
        )
    except InvalidInput as exc:
        problems.add(row, "stage", str(exc))


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row."""

    line: int
    project_id: int
    code: str
    name: str
    action: str


def _plan_rows(
    session: Session,
    path: Path,
    pilot: Pilot,
    cols: list[SheetColumn],
    rows: list[SheetRow],
    meta: dict[str, str],
    today: dt.date,
) -> tuple[list[RowPlan], _Problems]:
    problems = _Problems(path, cols)
    stored = {
        p.id: p
        for p in session.scalars(
            select(Project).where(Project.pilot_id == pilot.id).with_for_update()
        )
    }
    by_code = {t.code: t.id for t in plan_tasks(session, pilot).values()}
    seen: set[int] = set()
    plans: list[RowPlan] = []
    period = meta.get("period") or None
    for row in rows:
        project = _row_project(row, stored, seen, problems)
        if project is False:
            continue
        assert project is None or isinstance(project, Project)
        _locked(row, project, pilot, problems)
        for key in row.formulas:
            problems.add(row, key, "含有公式；请直接填写数值或文字。")
        change = ProjectInput(fields=_fields(row, problems))
        change.investments = _investments(row, cols, problems)
        change.tasks = _task_ids(row, by_code, problems)
        _stage_part(row, project, change, problems, today)
        if period is not None and "note" in problems.by_key:
            change.note = (period, inputs.text(row.values.get("note"), "本期进展"))
        plans.append(RowPlan(row, project, change))
    return plans, problems


def _row_project(
    row: SheetRow, stored: dict[int, Project], seen: set[int], problems: _Problems
) -> Project | bool | None:
    """The project a row names by its hidden id (None: a new row; False: refused)."""
    raw = row.text("id")
    if not raw:
        return None
    try:
        project_id = int(float(raw))
    except ValueError:
        problems.add(row, "id", f"隐藏的项目ID“{raw}”被改动。")
        return False
    project = stored.get(project_id)
    if project is None:
        problems.add(
            row, "id", f"项目ID {project_id} 不是本试点的项目（隐藏列被改动，或项目已不在本试点）。"
        )
        return False
    if project_id in seen:
        problems.add(row, "id", f"项目ID {project_id} 在表中出现了两次。")
        return False
    seen.add(project_id)
    try:
        version = int(float(row.text("version") or "0"))
        check_version(
            describe(project), project.version, version, project.updated_by, project.updated_at
        )
    except (ValueError, TrackerError) as exc:
        problems.add(row, "version", f"{exc}（请重新导出后再填写）")
        return False
    return project


def _apply(
    session: Session,
    actor: Actor,
    pilot: Pilot,
    plans: list[RowPlan],
    problems: _Problems,
    today: dt.date,
) -> list[RowOutcome]:
    outcomes = []
    for plan in plans:
        log = Changes()
        project = plan.project
        try:
            if project is None:
                dates = [d for d in (plan.change.on, *plan.change.passed.values()) if d is not None]
                project = new_project(
                    session, actor, pilot, plan.change.fields["name"], min([today, *dates]), log
                )
            apply_input(session, actor, project, plan.change, today, log)
        except InvalidInput as exc:
            problems.add(plan.row, "stage" if plan.change.stage else "name", str(exc))
            continue
        action = (
            ACTION_CREATED
            if plan.project is None
            else (ACTION_UPDATED if log.entries else ACTION_UNCHANGED)
        )
        log.write(session, actor, project)
        outcomes.append(RowOutcome(plan.row.line, project.id, project.code, project.name, action))
    return outcomes


def import_projects(
    db: Database, actor: Actor, path: str | Path, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Import a filled-in project list: every row checked first, then all applied in one
    transaction — or, when anything is wrong, :class:`ProjectsRejected` listing every
    problem and nothing changed. Returns ``{"pilot", "rows": […], "counts": {…}}``."""
    today = today or dt.date.today()
    file = Path(path)
    meta, cols, rows = read_file(file)
    try:
        pilot_id = int(meta.get("pilot_id", ""))
    except ValueError:
        raise ProjectsRejected(file, ["说明页中的试点编号被改动。"]) from None
    with db.session() as session:
        session.autoflush = False
        pilot = find_pilot(session, pilot_id, for_update=True)
        require_keeper(session, actor, pilot, "导入重大项目表")
        plans, problems = _plan_rows(session, file, pilot, cols, rows, meta, today)
        if problems.found:
            raise ProjectsRejected(file, problems.found)
        outcomes = _apply(session, actor, pilot, plans, problems, today)
        if problems.found:  # a stage change the rule refused once the row was applied
            raise ProjectsRejected(file, problems.found)
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.action] = counts.get(outcome.action, 0) + 1
        return {
            "pilot": pilot.name,
            "rows": [outcome.__dict__ for outcome in outcomes],
            "counts": counts,
        }
