"""填报表: one .xlsx per unit for a period, filled in offline and imported back
(:mod:`tracker.outputs.forms_import`).

Sheet 填报表: the unit's tasks (those it leads or cooperates on) with the definition columns
and the unit's previous-period entries locked (grey), the input columns unlocked (yellow)
with the status as a dropdown whose list is on a hidden sheet, pre-filled with what the
unit has saved for the period. Hidden columns tie each row to the database: the task id,
the version of the unit's report at export (0: none yet) and a checksum of the locked
cells. A very hidden sheet holds the plan, period, unit and export time. Every sheet is
protected and the workbook structure locked; the import checks everything anyway.

Wording and layout: ``resources/outputs/forms.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PermissionDenied
from tracker.models import Plan, ProgressReport, Task
from tracker.outputs import xlsx
from tracker.outputs.common import (
    CancelCheck,
    ExportResult,
    Job,
    OutputFailed,
    Progress,
    clean_text,
    excel_text,
    layout,
    looks_like_formula,
    safe_file_name,
    staged_folder,
)
from tracker.outputs.rows import (
    LedgerData,
    LedgerRow,
    PeriodInfo,
    load_ledger,
    previous_period,
    select_periods,
)
from tracker.perf import collector_paused
from tracker.services.access import find_unit, require_plan_writable, resolve_plan_id
from tracker.services.actor import Actor
from tracker.services.reports import EDITABLE_STATES
from tracker.services.settings import Status

FORMAT = "tracker-form/1"
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = 4
META_KEYS = (
    "format",
    "plan_id",
    "plan_hash",
    "plan_title",
    "period_id",
    "period_code",
    "period_name",
    "unit_id",
    "unit_name",
    "exported_at",
    "exported_by",
    "rows",
)


def spec() -> dict[str, Any]:
    """The form's wording and layout (``resources/outputs/forms.json``)."""
    return layout("forms")


@dataclass(frozen=True)
class FormColumn:
    """One column of the form sheet (1-based ``index``)."""

    index: int
    key: str
    header: str
    width: float
    kind: str  # id | locked | input | hidden

    @property
    def letter(self) -> str:
        """The column's letter (A, B, …)."""
        return str(get_column_letter(self.index))


@functools.cache
def form_columns() -> tuple[FormColumn, ...]:
    """The columns of the form sheet, in order."""
    return tuple(
        FormColumn(i, c["key"], c["header"], c["width"], c["kind"])
        for i, c in enumerate(spec()["columns"], 1)
    )


@functools.cache
def locked_keys() -> tuple[str, ...]:
    """The keys of the locked columns, in order."""
    return tuple(c.key for c in form_columns() if c.kind == "locked")


def column(key: str) -> FormColumn:
    """The form column called ``key``."""
    return next(c for c in form_columns() if c.key == key)


def checksum(values: Sequence[str]) -> str:
    """The checksum of a row's locked cells, kept in a hidden column at export."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:24]


class OwnReport(NamedTuple):
    """A unit's own report as the form shows it."""

    state: str
    status: str | None
    progress: str
    results: str
    problems: str
    next_steps: str
    percent: float | None
    version: int


@dataclass(frozen=True)
class FormRow:
    """One task of a unit's form."""

    row: LedgerRow
    role: str
    current: OwnReport | None
    previous: OwnReport | None

    def locked_values(self) -> list[str]:
        """The texts of the locked columns, in column order."""
        words = spec()
        values = {
            "code": self.row.code,
            "area": self.row.area,
            "measure": self.row.measure,
            "content": self.row.content,
            "role": words["roles"].get(self.role, self.role),
            "leads": self.row.leads,
            "cooperating": self.row.cooperating,
            "targets": self.row.targets,
            "previous_status": (self.previous.status or "") if self.previous else "",
            "previous_progress": clean_text(self.previous.progress) if self.previous else "",
        }
        # Texts from rows.py and the previous report are cleaned already.
        return [xlsx.fit_cell(values[key]) for key in locked_keys()]


# ---------------------------------------------------------------- reading


def own_reports(
    session: Session, plan_id: int, period_ids: Sequence[int], unit_id: int | None
) -> dict[tuple[int, int, int], OwnReport]:
    """(period id, task id, unit id) → that unit's report, for the periods of a plan."""
    query = (
        select(
            ProgressReport.period_id,
            ProgressReport.task_id,
            ProgressReport.unit_id,
            ProgressReport.state,
            ProgressReport.status,
            ProgressReport.progress,
            ProgressReport.results,
            ProgressReport.problems,
            ProgressReport.next_steps,
            ProgressReport.percent,
            ProgressReport.version,
        )
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.plan_id == plan_id, ProgressReport.period_id.in_(list(period_ids)))
    )
    if unit_id is not None:
        query = query.where(ProgressReport.unit_id == unit_id)
    return {(p, t, u): OwnReport(*rest) for p, t, u, *rest in session.execute(query)}


def unit_rows(
    data: LedgerData,
    unit_id: int,
    reports: dict[tuple[int, int, int], OwnReport],
    previous: PeriodInfo | None,
    index: dict[int, list[tuple[LedgerRow, str]]] | None = None,
) -> list[FormRow]:
    """The form rows of one unit: its tasks, with its own current and previous reports
    (``index``: :func:`rows_by_unit` of ``data``, when several units are wanted)."""
    index = index if index is not None else rows_by_unit(data)
    current_id = data.period.id
    return [
        FormRow(
            row,
            role,
            reports.get((current_id, row.task_id, unit_id)),
            reports.get((previous.id, row.task_id, unit_id)) if previous else None,
        )
        for row, role in index.get(unit_id, [])
    ]


def rows_by_unit(data: LedgerData) -> dict[int, list[tuple[LedgerRow, str]]]:
    """Unit id → the rows of the tasks it leads or cooperates on, with its role."""
    index: dict[int, list[tuple[LedgerRow, str]]] = {}
    for row in data.rows:
        for unit_id, role in row.unit_roles:
            index.setdefault(unit_id, []).append((row, role))
    return index


def _units_to_export(
    session: Session,
    actor: Actor,
    data: LedgerData,
    unit: str | None,
    unit_ids: Sequence[int] | None = None,
) -> list[int]:
    if unit_ids is not None:
        return _chosen_units(actor, data, unit_ids)
    if unit is not None:
        found = find_unit(session, unit.strip())
        if not actor.is_coordinator and found.id != actor.unit_id:
            raise PermissionDenied(
                f"用户“{actor.name}”（{actor.unit_name}）只能导出本单位的填报表，不能导出“{found.name}”的。"
            )
        if not any(found.id == uid for r in data.rows for uid, _ in r.unit_roles):
            raise NotFound(f"“{found.name}”在实施方案 {data.plan_id} 中没有牵头或配合的任务。")
        return [found.id]
    if not actor.is_coordinator:
        if actor.unit_id is None:
            raise PermissionDenied(f"用户“{actor.name}”没有绑定单位，无法导出填报表。")
        return [actor.unit_id]
    ids = {uid for r in data.rows for uid, _ in r.unit_roles}
    return sorted(ids, key=lambda uid: (data.unit_names.get(uid, ""), uid))


def _chosen_units(actor: Actor, data: LedgerData, unit_ids: Sequence[int]) -> list[int]:
    """The units named by id (the 催办 list's), each checked to have tasks in the plan."""
    involved = {uid for r in data.rows for uid, _ in r.unit_roles}
    chosen = list(dict.fromkeys(unit_ids))
    if not chosen:
        raise InvalidInput("没有选择要导出填报表的单位。")
    for unit_id in chosen:
        if not actor.is_coordinator and unit_id != actor.unit_id:
            raise PermissionDenied(
                f"用户“{actor.name}”（{actor.unit_name}）只能导出本单位的填报表。"
            )
        if unit_id not in involved:
            name = data.unit_names.get(unit_id, f"编号 {unit_id} 的单位")
            raise NotFound(f"“{name}”在实施方案 {data.plan_id} 中没有牵头或配合的任务。")
    return sorted(chosen, key=lambda uid: (data.unit_names.get(uid, ""), uid))


def find_report(
    session: Session, period_id: int, task_id: int, unit_id: int
) -> ProgressReport | None:
    """The unit's report on a task for a period, if any."""
    return session.scalar(
        select(ProgressReport).where(
            ProgressReport.period_id == period_id,
            ProgressReport.task_id == task_id,
            ProgressReport.unit_id == unit_id,
        )
    )


# ---------------------------------------------------------------- export


def export_forms(
    db: Database,
    actor: Actor,
    output_dir: str | Path,
    *,
    period: str,
    plan_id: int | None = None,
    unit: str | None = None,
    unit_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Write one 填报表 per unit (or only ``unit``'s, or those of ``unit_ids`` — the units
    of a 催办 list) for ``period`` into ``output_dir``.

    All files are written to a hidden staging folder first and moved in at the end, so a
    failed or cancelled export adds nothing. A reporter may export its own unit's form.
    """
    folder = Path(output_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFailed(f"无法创建文件夹“{folder}”：{exc.strerror or exc}") from exc
    job = Job(progress, cancelled)
    job.step(0)
    with db.reader() as session:
        resolved = resolve_plan_id(session, plan_id)
        plan = session.get(Plan, resolved)
        assert plan is not None  # resolve_plan_id checked it
        require_plan_writable(plan)  # an archived plan takes no more reports
        periods = select_periods(session, resolved, period)
        if periods[0].locked:
            raise InvalidInput(
                f"报告期 {periods[0].code}（{periods[0].name}）已锁定，不能再导出填报表。"
            )
        data = load_ledger(session, actor, resolved, periods)
        before = previous_period(session, resolved, data.period)
        units = _units_to_export(session, actor, data, unit, unit_ids)
        wanted = [data.period.id] + ([before.id] if before else [])
        reports = own_reports(session, resolved, wanted, units[0] if len(units) == 1 else None)
    job.total = len(units)
    exported = dt.datetime.now().astimezone()
    written: list[Path] = []
    count = 0
    with collector_paused(), staged_folder(folder) as staging:
        names: set[str] = set()
        index = rows_by_unit(data)
        for done, unit_id in enumerate(units):
            job.step(done)
            rows = unit_rows(data, unit_id, reports, before, index)
            workbook = build_form(data, unit_id, rows, before, actor, exported)
            name = _file_name(data, unit_id, names)
            workbook.save(staging / name)
            written.append(folder / name)
            count += len(rows)
        job.step(len(units))
    return ExportResult(folder, tuple(written), {"units": len(units), "tasks": count})


def _file_name(data: LedgerData, unit_id: int, taken: set[str]) -> str:
    base = spec()["file_name"].format(
        unit=data.unit_names.get(unit_id, str(unit_id)), period=data.period.name
    )
    name = safe_file_name(base)
    if name in taken:
        name = safe_file_name(base.replace(".xlsx", f"_{unit_id}.xlsx"))
    taken.add(name)
    return name


def build_form(
    data: LedgerData,
    unit_id: int,
    rows: Sequence[FormRow],
    previous: PeriodInfo | None,
    actor: Actor,
    exported: dt.datetime,
) -> Workbook:
    """One unit's form as a workbook in memory."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    words = spec()
    ws.title = words["sheet"]
    styles = _register_styles(workbook)
    columns = form_columns()
    label = data.unit_names.get(unit_id, "")
    _write_form_titles(ws, data, label, len(rows), actor, exported, styles)
    _write_form_headers(ws, columns, previous, styles)
    arrays = xlsx.StyleArrays(ws, styles)
    for offset, form_row in enumerate(rows):
        _write_form_row(ws, FIRST_ROW + offset, form_row, columns, arrays)
    _add_validations(workbook, ws, len(rows), [s.name for s in data.statuses])
    _finish_form(ws, columns)
    _write_instructions(workbook, styles, data.statuses)
    _write_meta(workbook, data, unit_id, label, len(rows), actor, exported)
    workbook.security = WorkbookProtection(lockStructure=True)
    return workbook


def _register_styles(workbook: Workbook) -> dict[str, str]:
    words = spec()
    fonts = words["fonts"]
    add = xlsx.named_style
    body = xlsx.font(fonts["body"])
    return {
        "title": add(
            workbook,
            "填报表标题",
            font=xlsx.font(fonts["title"]),
            horizontal="center",
            vertical="center",
            border=False,
        ),
        "info": add(
            workbook,
            "填报表说明",
            font=xlsx.font(fonts["info"]),
            vertical="center",
            border=False,
        ),
        "mode": add(
            workbook,
            "填报表导入方式",
            font=xlsx.font(fonts["info"], bold=True),
            fill=words["input_fill"],
            horizontal="center",
            vertical="center",
            locked=False,
        ),
        "header": add(
            workbook,
            "填报表表头",
            font=xlsx.font(fonts["header"]),
            fill=words["header_fill"],
            horizontal="center",
            vertical="center",
        ),
        "locked": add(workbook, "填报表锁定列", font=body, fill=words["locked_fill"]),
        "input": add(workbook, "填报表填报列", font=body, fill=words["input_fill"], locked=False),
        "closed": add(workbook, "填报表已报送", font=body, fill=words["closed_fill"]),
        "number": add(
            workbook,
            "填报表数字",
            font=body,
            fill=words["input_fill"],
            locked=False,
            horizontal="center",
            number_format="0.0",
        ),
        "hidden": add(workbook, "填报表隐藏列", font=body, border=False, wrap=False),
    }


def _write_form_titles(
    ws: Worksheet,
    data: LedgerData,
    label: str,
    count: int,
    actor: Actor,
    exported: dt.datetime,
    styles: dict[str, str],
) -> None:
    words = spec()
    period = data.period
    xlsx.put_text(
        ws,
        TITLE_ROW,
        2,
        words["title"].format(plan=data.plan_title, period=period.name),
        styles["title"],
    )
    info = words["info"].format(
        unit=label,
        period=period.name,
        due=period.due_date.isoformat(),
        count=count,
        date=exported.strftime("%Y-%m-%d %H:%M"),
        user=actor.name,
    )
    mode_label = column("status").index
    xlsx.put_text(ws, INFO_ROW, 2, info, styles["info"])
    xlsx.put_text(ws, INFO_ROW, mode_label, words["mode_label"], styles["info"])
    xlsx.put_text(ws, INFO_ROW, mode_label + 1, words["modes"]["draft"], styles["mode"])
    last_visible = max(c.index for c in form_columns() if c.kind != "hidden")
    xlsx.merge(ws, TITLE_ROW, 2, TITLE_ROW, last_visible)
    xlsx.merge(ws, INFO_ROW, 2, INFO_ROW, mode_label - 1)
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.row_dimensions[INFO_ROW].height = 22


def _write_form_headers(
    ws: Worksheet,
    columns: Sequence[FormColumn],
    previous: PeriodInfo | None,
    styles: dict[str, str],
) -> None:
    words = spec()
    period_note = (
        words["previous_header"].format(period=previous.name) if previous else words["no_previous"]
    )
    for c in columns:
        header = c.header
        if c.key.startswith("previous_"):
            header = f"{header}\n{period_note}"
        xlsx.put_text(ws, HEADER_ROW, c.index, header, styles["header"])
        ws.column_dimensions[c.letter].width = c.width
    ws.row_dimensions[HEADER_ROW].height = 36


def _write_form_row(
    ws: Worksheet,
    line: int,
    form_row: FormRow,
    columns: Sequence[FormColumn],
    arrays: xlsx.StyleArrays,
) -> None:
    locked = form_row.locked_values()
    current = form_row.current
    open_for_edit = current is None or current.state in EDITABLE_STATES
    inputs: dict[str, Any] = {
        "task_id": form_row.row.task_id,
        "status": current.status if current else "",
        "progress": current.progress if current else "",
        "results": current.results if current else "",
        "problems": current.problems if current else "",
        "next_steps": current.next_steps if current else "",
        "percent": current.percent if current else None,
        "version": current.version if current else 0,
        "checksum": checksum(locked),
    }
    locked_iter = iter(locked)
    values: list[Any] = []
    styles: list[Any] = []
    texts: list[tuple[str, float]] = []
    for c in columns:
        if c.kind == "locked":
            value: Any = next(locked_iter)
            style = "locked"
        elif c.kind in ("id", "hidden"):
            value, style = inputs[c.key], "hidden"
        elif c.key == "percent":
            value, style = inputs[c.key], "number" if open_for_edit else "closed"
        else:
            value, style = excel_text(inputs[c.key]), "input" if open_for_edit else "closed"
        if isinstance(value, str):
            texts.append((value, c.width))
        values.append(value)
        styles.append(arrays[style])
    xlsx.write_row(ws, line, values, styles)
    ws.row_dimensions[line].height = xlsx.fit_height(texts, 13.5, 4, 409)


def _add_validations(
    workbook: Workbook, ws: Worksheet, count: int, statuses: Sequence[str]
) -> None:
    words = spec()
    lists = workbook.create_sheet(words["lists_sheet"])
    for index, name in enumerate(statuses, 1):
        lists.cell(row=index, column=1, value=name)
    for index, name in enumerate(words["modes"].values(), 1):
        lists.cell(row=index, column=2, value=name)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    last = FIRST_ROW + max(count, 1) - 1
    status = DataValidation(
        type="list",
        formula1=f"'{words['lists_sheet']}'!$A$1:$A${len(statuses)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error=words["status_error"].format(statuses="、".join(statuses)),
    )
    letter = column("status").letter
    status.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    percent = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成百分比",
        error=words["percent_error"],
    )
    letter = column("percent").letter
    percent.add(f"{letter}{FIRST_ROW}:{letter}{last}")
    mode = DataValidation(
        type="list",
        formula1=f"'{words['lists_sheet']}'!$B$1:$B${len(words['modes'])}",
        allow_blank=False,
        showErrorMessage=True,
    )
    mode.add(ws.cell(row=INFO_ROW, column=column("status").index + 1).coordinate)
    for validation in (status, percent, mode):
        ws.add_data_validation(validation)


def _finish_form(ws: Worksheet, columns: Sequence[FormColumn]) -> None:
    for c in columns:
        if c.kind in ("id", "hidden"):
            ws.column_dimensions[c.letter].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=column("area").index).coordinate
    ws.protection.sheet = True
    ws.protection.formatRows = False  # the unit may make rows taller to read long texts
    ws.protection.formatColumns = False
    xlsx.print_setup(ws, spec()["print"], f"{HEADER_ROW}:{HEADER_ROW}")


def _write_instructions(
    workbook: Workbook, styles: dict[str, str], statuses: Sequence[Status]
) -> None:
    words = spec()
    ws = workbook.create_sheet(words["instructions_sheet"])
    lines = words["instructions"]
    xlsx.put_text(ws, 1, 1, lines[0], styles["title"])
    xlsx.merge(ws, 1, 1, 1, 2)
    for index, line in enumerate(lines[1:], 2):
        xlsx.put_text(ws, index, 1, line, styles["info"])
        xlsx.merge(ws, index, 1, index, 2)
        ws.row_dimensions[index].height = xlsx.fit_height([(line, 16 + 76)], 14, 6, 200)
    row = len(lines) + 2
    for offset, text in enumerate(words["status_table"], 1):
        xlsx.put_text(ws, row, offset, text, styles["header"])
    for status in statuses:
        row += 1
        xlsx.put_text(ws, row, 1, status.name, styles["locked"])
        xlsx.put_text(ws, row, 2, status.description, styles["locked"])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 76  # with A: one A4 portrait page wide
    ws.protection.sheet = True
    xlsx.print_setup(ws, {**words["print"], "paper": "A4", "orientation": "portrait"}, None)


def _write_meta(
    workbook: Workbook,
    data: LedgerData,
    unit_id: int,
    label: str,
    count: int,
    actor: Actor,
    exported: dt.datetime,
) -> None:
    ws = workbook.create_sheet(spec()["meta_sheet"])
    values = {
        "format": FORMAT,
        "plan_id": data.plan_id,
        "plan_hash": data.plan_hash,
        "plan_title": data.plan_title,
        "period_id": data.period.id,
        "period_code": data.period.code,
        "period_name": data.period.name,
        "unit_id": unit_id,
        "unit_name": label,
        "exported_at": exported.isoformat(timespec="seconds"),
        "exported_by": actor.name,
        "rows": count,
    }
    for index, key in enumerate(META_KEYS, 1):
        ws.cell(row=index, column=1, value=key)
        value = values[key]
        cell = ws.cell(row=index, column=2, value=value)
        if looks_like_formula(value):
            xlsx.guard_cell(cell)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
