"""Reading 填报表 back (``tracker import-forms FILE…``).

A file is checked whole before anything is written, and a file with any problem is not
applied at all; every problem is reported with the file, row and task. Refused: a file
that is not one of our forms, a form of another plan or period (or not the one asked for),
a locked period, a unit the user may not report for, a changed locked cell (checked
against the checksum kept at export), a row whose task is not the unit's, the same task
twice, a status outside the vocabulary, a formula, a text too long, a percentage out of
range, a report changed in the database since the export (naming who and when), or a
change to a report already 报送 / 审核. A valid file becomes the unit's drafts, or its
submissions when the form says 直接报送, in one transaction; the outcome is given per row.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput
from tracker.models import Period, Plan, Unit
from tracker.outputs import forms
from tracker.outputs.common import clean_text
from tracker.outputs.forms import FormColumn, FormRow, OwnReport
from tracker.outputs.rows import PeriodInfo, load_ledger, previous_period
from tracker.services import reports
from tracker.services.access import format_time, parse_period_code
from tracker.services.actor import Actor

MAX_FORM_BYTES = 50 * 1024 * 1024
INPUT_KEYS = ("status", "progress", "results", "problems", "next_steps", "percent")
ACTION_CREATED = "新建草稿"
ACTION_UPDATED = "已更新"
ACTION_SUBMITTED = "已报送"
ACTION_UNCHANGED = "无变化"
ACTION_EMPTY = "未填写"
ACTION_CLOSED = "已报送过，未改动"

_LIBRARY_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
)


@dataclass(frozen=True)
class FormProblem:
    """One reason a form was refused: what is wrong, the row of the sheet (None: the file
    as a whole) and the task there, as the sheet numbers it. ``str()`` gives it with its
    place: 第 5 行（任务 （一）2）：…"""

    reason: str
    row: int | None = None
    task: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        place = f"第 {self.row} 行（任务 {self.task}）" if self.task else f"第 {self.row} 行"
        return f"{place}：{self.reason}"


class FormRejected(InvalidInput):
    """A form that was not imported, with every problem found in it (``problems``, each a
    :class:`FormProblem`)."""

    def __init__(self, path: Path, problems: Sequence[FormProblem | str]) -> None:
        found = [p if isinstance(p, FormProblem) else FormProblem(p) for p in problems]
        listed = "\n".join(f"  {p}" for p in found)
        super().__init__(
            f"填报表“{path.name}”未导入，数据库未作任何修改（共 {len(found)} 处问题）：\n{listed}"
        )
        self.path = path
        self.problems = found


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row of the form."""

    row: int
    task_id: int
    code: str
    action: str


@dataclass(frozen=True)
class FormImport:
    """A form that was imported."""

    path: Path
    plan_id: int
    period: str
    period_name: str
    unit: str
    submit: bool
    rows: tuple[RowOutcome, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Rows per outcome."""
        found: dict[str, int] = {}
        for outcome in self.rows:
            found[outcome.action] = found.get(outcome.action, 0) + 1
        return found


@dataclass
class _Row:
    """One data row read from the sheet."""

    line: int
    task_id: int
    version: int
    checksum: str
    locked: list[str]
    inputs: dict[str, Any]
    code: str = ""


@dataclass
class _Plan:
    """What the checks decided for one row: what to write."""

    row: _Row
    current: OwnReport | None
    changes: dict[str, Any] = field(default_factory=dict)
    has_content: bool = False


# ---------------------------------------------------------------- reading the file


@contextmanager
def _quiet() -> Iterator[None]:
    # openpyxl warns about features it drops while reading (Excel's data validation
    # extensions when a user saved the form): irrelevant for the cell values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        yield


def _open(path: Path) -> Workbook:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(f"填报表文件不存在：{path}") from None
    except OSError as exc:
        raise InvalidInput(f"无法读取填报表“{path}”：{exc.strerror or exc}") from None
    if size > MAX_FORM_BYTES:
        raise FormRejected(path, ["文件太大，不是本程序导出的填报表。"])
    try:
        with _quiet():
            return openpyxl.load_workbook(path, keep_links=False)
    except _LIBRARY_ERRORS as exc:
        detail = str(exc).strip() or type(exc).__name__
        raise FormRejected(path, [f"不是有效的 Excel 文件（.xlsx）：{detail}"]) from None


def _read_meta(path: Path, workbook: Workbook) -> dict[str, str]:
    words = forms.spec()
    if words["meta_sheet"] not in workbook.sheetnames or words["sheet"] not in workbook.sheetnames:
        raise FormRejected(path, ["不是本程序导出的填报表（缺少填报表的隐藏标识），无法导入。"])
    sheet = workbook[words["meta_sheet"]]
    meta = {
        str(key): "" if value is None else str(value)
        for key, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
        if key is not None
    }
    if meta.get("format") != forms.FORMAT:
        raise FormRejected(
            path,
            [f"填报表格式“{meta.get('format', '')}”不是本程序能读取的格式（{forms.FORMAT}）。"],
        )
    for key in ("plan_id", "period_id", "unit_id"):
        if not meta.get(key, "").isdigit():
            raise FormRejected(path, [f"填报表的隐藏标识“{key}”已损坏，无法导入。"])
    return meta


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def _read_rows(ws: Worksheet, problems: list[FormProblem]) -> list[_Row]:
    columns = forms.form_columns()
    _check_headers(ws, columns, problems)
    rows: list[_Row] = []
    for line in range(forms.FIRST_ROW, ws.max_row + 1):
        cells = {c.key: ws.cell(row=line, column=c.index) for c in columns}
        values = {key: cell.value for key, cell in cells.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        code = _cell_text(values["code"])
        for c in columns:
            if c.kind == "input" and cells[c.key].data_type == "f":
                formula = str(values[c.key]).replace("\n", " ")
                problems.append(
                    FormProblem(f"“{c.header}”是公式（{formula}），请改为文字或数字。", line, code)
                )
        task_id = values["task_id"]
        if not isinstance(task_id, int) or isinstance(task_id, bool):
            problems.append(
                FormProblem("不是导出的任务行（缺少任务标识），请不要增加行。", line, code)
            )
            continue
        version = values["version"]
        rows.append(
            _Row(
                line=line,
                task_id=task_id,
                version=version if isinstance(version, int) else -1,
                checksum=_cell_text(values["checksum"]),
                locked=[_cell_text(values[c.key]) for c in columns if c.kind == "locked"],
                inputs={key: values[key] for key in INPUT_KEYS},
                code=code,
            )
        )
    return rows


def _check_headers(
    ws: Worksheet, columns: Sequence[FormColumn], problems: list[FormProblem]
) -> None:
    for c in columns:
        found = _cell_text(ws.cell(row=forms.HEADER_ROW, column=c.index).value).split("\n")[0]
        if found != c.header:
            problems.append(
                FormProblem(
                    f"第 {c.letter} 列的列名应为“{c.header}”，现为“{found}”：请不要增删或移动列。",
                    forms.HEADER_ROW,
                )
            )


def _read_mode(ws: Worksheet, problems: list[FormProblem]) -> bool:
    modes = forms.spec()["modes"]
    cell = ws.cell(row=forms.INFO_ROW, column=forms.column("status").index + 1)
    value = _cell_text(cell.value).strip()
    if value == modes["submit"]:
        return True
    if value in (modes["draft"], ""):
        return False
    problems.append(
        FormProblem(
            f"{cell.coordinate} 单元格“导入后”应为“{modes['draft']}”或“{modes['submit']}”，现为“{value}”。",
            forms.INFO_ROW,
        )
    )
    return False


# ---------------------------------------------------------------- checks against the database


@dataclass
class _Context:
    """The plan, period and unit a form is for, and the rows the unit should have."""

    plan_id: int
    period: PeriodInfo
    unit_id: int
    unit: str
    expected: dict[int, FormRow]
    statuses: list[str]  # the database's vocabulary, read with the rest


def _check_context(
    session: Session,
    actor: Actor,
    path: Path,
    meta: dict[str, str],
    plan_id: int | None,
    period: str | None,
) -> _Context:
    plan = session.get(Plan, int(meta["plan_id"]))
    title = meta.get("plan_title", "")
    if plan is None or plan.content_hash != meta.get("plan_hash"):
        raise FormRejected(
            path, [f"此填报表属于另一个实施方案（《{title}》），不是本数据库中的方案，无法导入。"]
        )
    if plan.archived_at is not None:
        raise FormRejected(
            path, [f"实施方案 {plan.id}（《{plan.title}》）已归档，只能查看，不能再导入填报。"]
        )
    if plan_id is not None and plan.id != plan_id:
        raise FormRejected(
            path,
            [f"此填报表属于实施方案 {plan.id}（《{plan.title}》），不是指定的实施方案 {plan_id}。"],
        )
    found = session.get(Period, int(meta["period_id"]))
    if found is None or found.plan_id != plan.id or found.code != meta.get("period_code"):
        raise FormRejected(path, ["填报表的报告期标识与数据库不符，请重新导出填报表。"])
    if period is not None and parse_period_code(period) != found.code:
        raise FormRejected(
            path,
            [
                f"此填报表是{found.name}（{found.code}）的，不是指定的报告期 {parse_period_code(period)}。"
            ],
        )
    if found.locked:
        who = (
            f"（由“{found.locked_by}”于 {format_time(found.locked_at)} 锁定）"
            if found.locked_by
            else ""
        )
        raise FormRejected(
            path, [f"报告期 {found.code}（{found.name}）已锁定{who}，不能再导入填报。"]
        )
    unit = session.get(Unit, int(meta["unit_id"]))
    if unit is None:
        raise FormRejected(path, [f"填报单位“{meta.get('unit_name', '')}”已不在数据库中。"])
    if not actor.is_coordinator and actor.unit_id != unit.id:
        raise FormRejected(
            path,
            [
                f"这是“{meta.get('unit_name', unit.name)}”的填报表；用户“{actor.name}”只能导入本单位（{actor.unit_name}）的填报表。"
            ],
        )
    info = PeriodInfo(
        found.id, found.code, found.name, found.year, found.half, found.due_date, found.locked
    )
    data = load_ledger(session, actor, plan.id, [info])
    before = previous_period(session, plan.id, info)
    wanted = [info.id] + ([before.id] if before else [])
    own = forms.own_reports(session, plan.id, wanted, unit.id)
    expected = {r.row.task_id: r for r in forms.unit_rows(data, unit.id, own, before)}
    label = data.unit_names.get(unit.id, unit.name)
    statuses = [s.name for s in data.statuses]
    return _Context(plan.id, info, unit.id, label, expected, statuses)


def _problem(row: _Row, reason: str) -> FormProblem:
    """A problem of one data row, placed at its line and task."""
    return FormProblem(reason, row.line, row.code or str(row.task_id))


def _check_rows(
    session: Session, context: _Context, rows: Sequence[_Row], problems: list[FormProblem]
) -> list[_Plan]:
    plans: list[_Plan] = []
    seen: dict[int, int] = {}
    for row in rows:
        expected = context.expected.get(row.task_id)
        if expected is None:
            problems.append(
                _problem(
                    row,
                    f"任务 {row.task_id} 不是“{context.unit}”牵头或配合的任务（或已被删除），"
                    "请重新导出填报表。",
                )
            )
            continue
        if row.task_id in seen:
            problems.append(
                _problem(row, f"与第 {seen[row.task_id]} 行是同一项任务，请删去重复的行。")
            )
            continue
        seen[row.task_id] = row.line
        _check_locked(row, expected, problems)
        plan = _Plan(row, expected.current)
        _check_inputs(plan, context.statuses, problems)
        _check_version(session, context, plan, problems)
        plans.append(plan)
    return plans


def _check_locked(row: _Row, expected: FormRow, problems: list[FormProblem]) -> None:
    if forms.checksum(row.locked) == row.checksum:
        return
    locked_columns = [c for c in forms.form_columns() if c.kind == "locked"]
    now = expected.locked_values()
    changed = [
        c.header for c, old, new in zip(locked_columns, now, row.locked, strict=True) if old != new
    ]
    listed = "、".join(f"“{name}”" for name in changed) if changed else "锁定的列"
    problems.append(_problem(row, f"{listed}已被修改；锁定的任务定义和上期填报不能改动。"))


def _wanted_inputs(
    row: _Row, allowed: Sequence[str], problems: list[FormProblem]
) -> dict[str, Any]:
    """The row's inputs checked and normalised (texts stripped, percent a number or None)."""
    wanted: dict[str, Any] = {}
    status = _cell_text(row.inputs["status"]).strip()
    if status and status not in allowed:
        problems.append(
            _problem(row, f"状态“{status}”不在可选范围内，应为 {'、'.join(allowed)} 之一。")
        )
    wanted["status"] = status
    for key, label in reports.TEXT_FIELDS.items():
        text = _cell_text(row.inputs[key]).strip()
        if len(text) > reports.MAX_TEXT_LENGTH:
            problems.append(
                _problem(
                    row, f"“{label}”太长（{len(text)} 字），最多 {reports.MAX_TEXT_LENGTH} 字。"
                )
            )
        wanted[key] = text
    raw = row.inputs["percent"]
    wanted["percent"] = None
    if raw is not None and not (isinstance(raw, str) and not raw.strip()):
        try:
            wanted["percent"] = reports.check_percent(
                raw if not isinstance(raw, bool) else str(raw)
            )
        except InvalidInput as exc:
            problems.append(_problem(row, str(exc)))
    return wanted


def _check_inputs(plan: _Plan, allowed: Sequence[str], problems: list[FormProblem]) -> None:
    wanted = _wanted_inputs(plan.row, allowed, problems)
    current = plan.current
    old: dict[str, Any] = {
        "status": (current.status or "") if current else "",
        **{key: (getattr(current, key) or "") if current else "" for key in reports.TEXT_FIELDS},
        "percent": current.percent if current else None,
    }
    plan.changes = {key: value for key, value in wanted.items() if value != old[key]}
    plan.has_content = bool(wanted["status"]) or any(wanted[k] for k in reports.TEXT_FIELDS)
    if plan.changes and not wanted["status"]:
        if current is None:
            problems.append(
                _problem(plan.row, "填写了进展但没有选择状态，请从下拉列表中选择状态。")
            )
        elif "status" in plan.changes:
            problems.append(_problem(plan.row, "状态不能清空，请从下拉列表中选择状态。"))
    if plan.changes and current is not None and current.state not in reports.EDITABLE_STATES:
        state = reports.STATE_LABELS[current.state]
        problems.append(
            _problem(plan.row, f"本期填报{state}，不能再修改；如需修改，请领导小组办公室先退回。")
        )


def _check_version(
    session: Session, context: _Context, plan: _Plan, problems: list[FormProblem]
) -> None:
    current = plan.current
    now = current.version if current is not None else 0
    if plan.row.version == now:
        return
    report = forms.find_report(session, context.period.id, plan.row.task_id, context.unit_id)
    if report is None:
        problems.append(_problem(plan.row, "导出后这份填报已被删除，请重新导出填报表。"))
        return
    problems.append(
        _problem(
            plan.row,
            f"导出后这份填报已被“{report.updated_by}”于 {format_time(report.updated_at)} "
            f"修改（导出时版本 {max(plan.row.version, 0)}，现为版本 {report.version}）。"
            "为免覆盖他人的修改，请重新导出填报表后再填。",
        )
    )


# ---------------------------------------------------------------- applying


def _save(session: Session, actor: Actor, context: _Context, plan: _Plan) -> int:
    """Write the row's changes on top of the version the form was exported with (a report
    changed since is refused); returns the report's new version."""
    changes = plan.changes
    percent: float | str | None = None
    if "percent" in changes:
        percent = "" if changes["percent"] is None else changes["percent"]  # "": clear it
    saved = reports.save_report_in(
        session,
        actor,
        plan.row.task_id,
        context.period.id,
        context.unit_id,
        status=changes.get("status") or None,
        progress=changes.get("progress"),
        results=changes.get("results"),
        problems=changes.get("problems"),
        next_steps=changes.get("next_steps"),
        percent=percent,
        expect_version=plan.row.version,
    )
    return int(saved["version"])


def _apply_row(
    session: Session,
    actor: Actor,
    context: _Context,
    plan: _Plan,
    submit: bool,
    today: dt.date | None,
) -> RowOutcome:
    row, current = plan.row, plan.current
    action = ACTION_UNCHANGED if plan.has_content else ACTION_EMPTY
    version = row.version  # what the form was exported with
    if plan.changes:
        version = _save(session, actor, context, plan)
        action = ACTION_UPDATED if current is not None else ACTION_CREATED
    editable = current is None or current.state in reports.EDITABLE_STATES
    if current is not None and not editable:
        action = ACTION_CLOSED
    elif submit and plan.has_content:
        reports.submit_report_in(
            session,
            actor,
            row.task_id,
            context.period.id,
            context.unit_id,
            expect_version=version,
            today=today,
        )
        action = ACTION_SUBMITTED
    return RowOutcome(row.line, row.task_id, row.code, action)


def _apply(
    db: Database,
    actor: Actor,
    file: Path,
    context: _Context,
    plans: Sequence[_Plan],
    submit: bool,
    today: dt.date | None,
) -> list[RowOutcome]:
    """Apply every row in one transaction. Each write carries the version the row was
    exported with, so a report someone changed between the check and the write rolls all
    of it back, refused with the file and the row named."""
    outcomes: list[RowOutcome] = []
    with db.session() as session:
        for plan in plans:
            try:
                outcomes.append(_apply_row(session, actor, context, plan, submit, today))
            except ConflictError as exc:
                raise FormRejected(file, [_problem(plan.row, str(exc))]) from exc
    return outcomes


def import_form(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    plan_id: int | None = None,
    period: str | None = None,
    today: dt.date | None = None,
) -> FormImport:
    """Check one filled-in form and, only if it has no problem at all, apply it in one
    transaction; :class:`FormRejected` lists every problem otherwise (nothing written).
    ``plan_id`` / ``period``, when given, are what the form must be for."""
    file = Path(path)
    workbook = _open(file)
    meta = _read_meta(file, workbook)
    ws = workbook[forms.spec()["sheet"]]
    problems: list[FormProblem] = []
    rows = _read_rows(ws, problems)
    submit = _read_mode(ws, problems)
    with db.reader() as session:
        context = _check_context(session, actor, file, meta, plan_id, period)
        plans = _check_rows(session, context, rows, problems)
    if problems:
        raise FormRejected(file, problems)
    outcomes = _apply(db, actor, file, context, plans, submit, today)
    return FormImport(
        path=file,
        plan_id=context.plan_id,
        period=context.period.code,
        period_name=context.period.name,
        unit=context.unit,
        submit=submit,
        rows=tuple(outcomes),
    )
