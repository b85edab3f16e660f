"""The 工作台账 (.xlsx): one row per task, printable as it comes out.

Sheet 工作台账: a title row (plan, periods, export date, filters), two header rows (the task
columns, then 状态 / 工作进展 / 存在问题 / 下步计划 / 报送情况 under each period), one row per
task in document order with the 重点领域 merged over each area's rows. A3 landscape, one
page wide, title and header rows repeated on every page, frozen header, wrapped text,
coloured status cells, an autofilter. Sheet 汇总: tasks by consolidated state, by area and by
lead unit (the figures of :func:`tracker.services.monitoring.summary`) with a bar chart.

Wording, widths and fonts: ``resources/outputs/ledger.json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.outputs import xlsx
from tracker.outputs.common import (
    CancelCheck,
    ExportResult,
    Job,
    Progress,
    area_label,
    atomic_file,
    layout,
    safe_file_name,
)
from tracker.outputs.rows import LedgerData, LedgerFilter, LedgerRow, load_ledger, select_periods
from tracker.perf import collector_paused
from tracker.services import monitoring, task_state
from tracker.services.access import resolve_plan_id
from tracker.services.actor import Actor

HEADER_ROWS = 4  # title, subtitle, group header, column header
PROGRESS_EVERY = 250


def _spec() -> dict[str, Any]:
    return layout("ledger")


def default_file_name(plan_title: str, period_name: str, *, all_periods: bool = False) -> str:
    """The name a ledger is offered under: 示例市碳达峰实施方案_2026年上半年_工作台账.xlsx
    (``all_periods``: 截至2026年上半年), usable on Windows and Linux."""
    key = "file_name_all_periods" if all_periods else "file_name"
    return safe_file_name(_spec()[key].format(plan=plan_title, period=period_name))


def export_ledger(
    db: Database,
    actor: Actor,
    output: str | Path,
    *,
    period: str,
    plan_id: int | None = None,
    all_periods: bool = False,
    filters: LedgerFilter | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Write the 工作台账 of a plan for ``period`` (with ``all_periods``: every period up to
    it, side by side) to ``output`` (.xlsx), atomically. A reporter gets its unit's tasks.

    ``progress(done, total)`` is called as rows are written; once ``cancelled()`` returns
    True the export stops with :class:`~tracker.outputs.common.ExportCancelled` and
    nothing is written.
    """
    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"工作台账应保存为 .xlsx 文件：“{path.name}”。")
    job = Job(progress, cancelled)
    job.step(0)
    data = read_ledger(
        db,
        actor,
        period=period,
        plan_id=plan_id,
        all_periods=all_periods,
        filters=filters,
        today=today,
    )
    figures = monitoring.summary(db, actor, data.period.code, plan_id=data.plan_id)
    job.total = len(data.rows) + 1
    with collector_paused():
        workbook = build_workbook(data, figures, actor, dt.date.today(), job.step)
        job.step(job.total - 1)
        with atomic_file(path) as temporary:
            workbook.save(temporary)
            job.step(job.total)
    return ExportResult(path, (path,), {"tasks": len(data.rows), "periods": len(data.periods)})


def read_ledger(
    db: Database,
    actor: Actor,
    *,
    period: str | int,
    plan_id: int | None = None,
    all_periods: bool = False,
    filters: LedgerFilter | None = None,
    today: dt.date | None = None,
) -> LedgerData:
    """What the ledger of a plan shows for ``period`` (code or id; with ``all_periods``
    every period up to it): its rows, in one read. A reporter gets its unit's tasks."""
    with db.reader() as session:
        resolved = resolve_plan_id(session, plan_id)
        periods = select_periods(session, resolved, period, all_periods=all_periods)
        return load_ledger(session, actor, resolved, periods, filters=filters, today=today)


@dataclass(frozen=True)
class LedgerTable:
    """The ledger as plain text, laid out as in the workbook — for showing or printing it
    elsewhere (the app's print preview). ``groups`` are the header row above the column
    headers (text, number of columns); ``widths`` are relative (Excel column widths);
    ``state_colors`` colour the 状态 cells."""

    title: str
    subtitle: str
    groups: tuple[tuple[str, int], ...]
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    centered: tuple[bool, ...]
    state_columns: tuple[int, ...]
    rows: tuple[tuple[str, ...], ...]
    task_ids: tuple[int, ...]
    state_colors: dict[str, str]


def ledger_table(
    data: LedgerData,
    actor: Actor,
    exported: dt.date,
    task_ids: Collection[int] | None = None,
) -> LedgerTable:
    """The ledger of ``data`` as a :class:`LedgerTable` (only the rows of ``task_ids``
    when given, in the ledger's order: the tasks a filtered table shows)."""
    rows = [r for r in data.rows if task_ids is None or r.task_id in task_ids]
    shown = LedgerData(
        data.plan_id,
        data.plan_title,
        data.plan_hash,
        data.periods,
        rows,
        data.unit_names,
        data.statuses,
        data.filters,
        data.total_tasks,
    )
    columns = _columns(shown)
    spec = _spec()
    return LedgerTable(
        title=spec["title"].format(plan=data.plan_title),
        subtitle=_subtitle(shown, actor, exported),
        groups=tuple((name, last - first + 1) for first, last, name in _groups(shown)),
        headers=tuple(c.header for c in columns),
        widths=tuple(float(c.width) for c in columns),
        centered=tuple(c.center or c.key == "area" for c in columns),
        state_columns=tuple(i for i, c in enumerate(columns) if c.key == "state"),
        rows=tuple(tuple(c.value(r) for c in columns) for r in rows),
        task_ids=tuple(r.task_id for r in rows),
        state_colors=_state_colors(shown),
    )


def build_workbook(
    data: LedgerData,
    figures: dict[str, Any],
    actor: Actor,
    exported: dt.date,
    step: Callable[[int], None] = lambda _done: None,
) -> Workbook:
    """The ledger workbook in memory (``figures``: the period's summary)."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    spec = _spec()
    ws.title = spec["sheet"]
    styles = _register_styles(workbook, _state_colors(data))
    columns = _columns(data)
    _write_titles(ws, data, actor, exported, columns, styles)
    _write_headers(ws, data, columns, styles)
    _write_rows(ws, data.rows, columns, styles, step)
    _merge_areas(ws, data.rows)
    _finish_sheet(ws, columns, len(data.rows))
    write_summary(workbook, data, figures, styles)
    return workbook


# ---------------------------------------------------------------- styles


def _register_styles(workbook: Workbook, colors: dict[str, str]) -> dict[str, str]:
    """Style key → registered style name: title, subtitle, header, body, center, and one
    ``state:<status>`` per status (and 未报送)."""
    spec = _spec()
    fonts = spec["fonts"]
    add = xlsx.named_style
    styles = {
        "title": add(
            workbook,
            "台账标题",
            font=xlsx.font(fonts["title"]),
            horizontal="center",
            vertical="center",
            border=False,
        ),
        "subtitle": add(
            workbook,
            "台账说明",
            font=xlsx.font(fonts["subtitle"]),
            horizontal="left",
            vertical="center",
            border=False,
        ),
        "header": add(
            workbook,
            "台账表头",
            font=xlsx.font(fonts["header"]),
            fill=spec["header_fill"],
            horizontal="center",
            vertical="center",
        ),
        "body": add(workbook, "台账正文", font=xlsx.font(fonts["body"])),
        "center": add(workbook, "台账正文居中", font=xlsx.font(fonts["body"]), horizontal="center"),
        "area": add(
            workbook,
            "台账重点领域",
            font=xlsx.font(fonts["body"]),
            horizontal="center",
            vertical="center",
        ),
        "percent": add(
            workbook,
            "台账百分比",
            font=xlsx.font(fonts["body"]),
            horizontal="center",
            number_format="0.0%",
        ),
    }
    for name, color in colors.items():
        styles[f"state:{name}"] = add(
            workbook,
            f"台账状态·{name}",
            font=xlsx.font(fonts["body"], bold=True, color=xlsx.plain_color(color)),
            fill=xlsx.tint(color),
            horizontal="center",
            vertical="center",
        )
    return styles


def _state_colors(data: LedgerData) -> dict[str, str]:
    """Status → colour, from the database's vocabulary read with the ledger."""
    colors = {s.name: s.color or "#000000" for s in data.statuses}
    colors[task_state.NOT_SUBMITTED] = _spec()["not_submitted_color"]
    return colors


def _state_key(styles: dict[str, str], state: str) -> str:
    key = f"state:{state}"
    return key if key in styles else "center"


def _state_style(styles: dict[str, str], state: str) -> str:
    return styles[_state_key(styles, state)]


# ---------------------------------------------------------------- the ledger sheet


class _Column:
    """One column of the ledger: what it shows, its width and style."""

    def __init__(self, entry: dict[str, Any], period_index: int | None) -> None:
        self.key: str = entry["key"]
        self.header: str = entry["header"]
        self.width: float = entry["width"]
        self.center = entry.get("align") == "center"
        self.period_index = period_index

    def value(self, row: LedgerRow) -> str:
        """The column's text for ``row`` (cleaned by :mod:`tracker.outputs.rows`)."""
        if self.period_index is None:
            return str(getattr(row, self.key))
        return str(getattr(row.entries[self.period_index], self.key))


def _columns(data: LedgerData) -> list[_Column]:
    spec = _spec()
    columns = [_Column(entry, None) for entry in spec["columns"]]
    for index in range(len(data.periods)):
        columns += [_Column(entry, index) for entry in spec["period_columns"]]
    return columns


def _write_titles(
    ws: Worksheet,
    data: LedgerData,
    actor: Actor,
    exported: dt.date,
    columns: Sequence[_Column],
    styles: dict[str, str],
) -> None:
    spec = _spec()
    subtitle = _subtitle(data, actor, exported)
    xlsx.put_text(ws, 1, 1, spec["title"].format(plan=data.plan_title), styles["title"])
    xlsx.put_text(ws, 2, 1, subtitle, styles["subtitle"])
    xlsx.merge(ws, 1, 1, 1, len(columns))
    xlsx.merge(ws, 2, 1, 2, len(columns))
    rows = spec["rows"]
    ws.row_dimensions[1].height = rows["title_height"]
    ws.row_dimensions[2].height = rows["subtitle_height"]


def _subtitle(data: LedgerData, actor: Actor, exported: dt.date) -> str:
    """报告期、任务数、导出日期和人、筛选 — the line under the title."""
    spec = _spec()
    words = spec["texts"]
    filters = (
        words["filters_prefix"] + words["filters_joiner"].join(data.filters)
        if data.filters
        else words["no_filters"]
    )
    shown = len(data.rows)
    return str(
        spec["subtitle"].format(
            periods="、".join(p.name for p in data.periods),
            shown=shown,
            of_total=spec["of_total"].format(total=data.total_tasks)
            if shown != data.total_tasks
            else "",
            date=exported.isoformat(),
            user=actor.name,
            filters=filters,
        )
    )


def _groups(data: LedgerData) -> list[tuple[int, int, str]]:
    """The header groups (first and last column, 1-based; text): the task's own columns,
    then each period's."""
    spec = _spec()
    basic = len(spec["columns"])
    per_period = len(spec["period_columns"])
    groups = [(1, basic, str(spec["basic_group"]))]
    for index, period in enumerate(data.periods):
        first = basic + index * per_period + 1
        name = spec["period_group"].format(name=period.name, due=period.due_date.isoformat())
        groups.append((first, first + per_period - 1, name))
    return groups


def _write_headers(
    ws: Worksheet, data: LedgerData, columns: Sequence[_Column], styles: dict[str, str]
) -> None:
    spec = _spec()
    for first, last, name in _groups(data):
        for number in range(first, last + 1):
            ws.cell(row=3, column=number).style = styles["header"]
        xlsx.put_text(ws, 3, first, name, styles["header"])
        xlsx.merge(ws, 3, first, 3, last)
    for index, column in enumerate(columns, 1):
        xlsx.put_text(ws, 4, index, column.header, styles["header"])
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[3].height = ws.row_dimensions[4].height = spec["rows"]["header_height"]


def _write_rows(
    ws: Worksheet,
    rows: Sequence[LedgerRow],
    columns: Sequence[_Column],
    styles: dict[str, str],
    step: Callable[[int], None],
) -> None:
    spec = _spec()["rows"]
    arrays = xlsx.StyleArrays(ws, styles)
    plain = [
        arrays["area"] if c.key == "area" else arrays["center"] if c.center else arrays["body"]
        for c in columns
    ]
    state_columns = [i for i, c in enumerate(columns) if c.key == "state"]
    measured = [(i, c.width) for i, c in enumerate(columns) if c.key != "area"]
    for number, row in enumerate(rows):
        if number % PROGRESS_EVERY == 0:
            step(number)
        line = HEADER_ROWS + 1 + number
        values = [xlsx.fit_cell(c.value(row)) for c in columns]
        row_arrays = list(plain)
        for i in state_columns:
            row_arrays[i] = arrays[_state_key(styles, values[i])]
        xlsx.write_row(ws, line, values, row_arrays)
        ws.row_dimensions[line].height = xlsx.fit_height(
            ((values[i], width) for i, width in measured),
            spec["line_height"],
            spec["padding"],
            spec["max_height"],
        )


def _merge_areas(ws: Worksheet, rows: Sequence[LedgerRow]) -> None:
    """Merge the 重点领域 cells of each run of rows of one area. Every cell of the run keeps
    the area's name, so that filtering by area in Excel keeps all of its rows."""
    start = 0
    for index in range(1, len(rows) + 1):
        if index < len(rows) and rows[index].area_id == rows[start].area_id:
            continue
        if index - start > 1:
            first, last = HEADER_ROWS + 1 + start, HEADER_ROWS + index
            xlsx.merge(ws, first, 2, last, 2)
        start = index


def _finish_sheet(ws: Worksheet, columns: Sequence[_Column], count: int) -> None:
    last_column = get_column_letter(len(columns))
    last_row = HEADER_ROWS + max(count, 1)
    ws.freeze_panes = f"C{HEADER_ROWS + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROWS}:{last_column}{last_row}"
    xlsx.print_setup(ws, _spec()["print"], f"1:{HEADER_ROWS}")


# ---------------------------------------------------------------- the summary sheet


def write_summary(
    workbook: Workbook, data: LedgerData, figures: dict[str, Any], styles: dict[str, str]
) -> Worksheet:
    """The 汇总 sheet: the period's figures by state (with a bar chart), area and lead unit."""
    words = _spec()["summary"]
    ws = workbook.create_sheet(words["sheet"])
    xlsx.put_text(
        ws,
        1,
        1,
        words["title"].format(plan=data.plan_title, period=data.period.name),
        styles["title"],
    )
    xlsx.merge(ws, 1, 1, 1, 8)
    ws.row_dimensions[1].height = _spec()["rows"]["title_height"]
    rate = words["completion"].format(
        completed=figures["completed_status"],
        rate=f"{figures['completion_rate']:.1%}",
        done=figures["completed"],
        total=figures["task_count"],
    )
    xlsx.put_text(ws, 2, 1, f"{rate}　{words['note']}", styles["subtitle"])
    xlsx.merge(ws, 2, 1, 2, 8)
    ws.row_dimensions[2].height = 48
    row = _status_block(ws, 4, figures, styles, _state_colors(data))
    row = _area_block(ws, row + 2, figures, styles)
    _unit_block(ws, row + 2, figures, data.unit_names, styles)
    ws.column_dimensions["A"].width = 34
    for column in range(2, 12):
        ws.column_dimensions[get_column_letter(column)].width = 11
    xlsx.print_setup(ws, {**_spec()["print"], "paper": "A4"}, None)
    return ws


def _heading(ws: Worksheet, row: int, text: str, styles: dict[str, str]) -> None:
    xlsx.put_text(ws, row, 1, text, styles["subtitle"])


def _status_block(
    ws: Worksheet,
    row: int,
    figures: dict[str, Any],
    styles: dict[str, str],
    colors: dict[str, str],
) -> int:
    words = _spec()["summary"]
    _heading(ws, row, words["by_status"], styles)
    header = row + 1
    for column, text in enumerate((words["status"], words["count"], words["share"]), 1):
        xlsx.put_text(ws, header, column, text, styles["header"])
    total = figures["task_count"]
    line = header
    for status, count in figures["by_status"].items():
        line += 1
        xlsx.put_text(ws, line, 1, status, _state_style(styles, status))
        ws.cell(row=line, column=2, value=count).style = styles["center"]
        ws.cell(row=line, column=3, value=count / total if total else 0).style = styles["percent"]
    line += 1
    xlsx.put_text(ws, line, 1, words["total"], styles["header"])
    ws.cell(row=line, column=2, value=total).style = styles["header"]
    ws.cell(row=line, column=3, value=1 if total else 0).style = styles["percent"]
    _status_chart(ws, header, line - 1, colors)
    return max(line, header + 16)


def _status_chart(ws: Worksheet, header: int, last: int, colors: dict[str, str]) -> None:
    words = _spec()["summary"]
    chart = BarChart()
    chart.type = "col"
    chart.title = words["chart_title"]
    chart.y_axis.title = words["chart_axis"]
    chart.legend = None
    chart.x_axis.delete = False  # newer Excel hides axes openpyxl leaves unspecified
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.add_data(Reference(ws, min_col=2, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    chart.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False
    )
    series = chart.series[0]
    for index in range(last - header):
        status = ws.cell(row=header + 1 + index, column=1).value
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = xlsx.plain_color(colors.get(str(status), "#5b9bd5"))
        series.dPt.append(point)
    chart.height, chart.width = 7.5, 15
    ws.add_chart(chart, f"E{header}")


def _counts_table(
    ws: Worksheet,
    row: int,
    heading: str,
    first_headers: Sequence[str],
    statuses: Sequence[str],
    lines: Sequence[tuple[Sequence[Any], dict[str, int]]],
    styles: dict[str, str],
) -> int:
    _heading(ws, row, heading, styles)
    header = row + 1
    for column, text in enumerate([*first_headers, *statuses], 1):
        xlsx.put_text(ws, header, column, text, styles["header"])
    line = header
    for leading, counts in lines:
        line += 1
        xlsx.put_text(ws, line, 1, str(leading[0]), styles["body"])
        for column, value in enumerate([*leading[1:], *(counts[s] for s in statuses)], 2):
            ws.cell(row=line, column=column, value=value).style = styles["center"]
    return line


def _area_block(ws: Worksheet, row: int, figures: dict[str, Any], styles: dict[str, str]) -> int:
    words = _spec()["summary"]
    lines = [
        ((area_label(a["code"], a["title"]), a["task_count"]), a["by_status"])
        for a in figures["by_area"]
    ]
    return _counts_table(
        ws,
        row,
        words["by_area"],
        (words["area"], words["count"]),
        figures["statuses"],
        lines,
        styles,
    )


def _unit_block(
    ws: Worksheet,
    row: int,
    figures: dict[str, Any],
    labels: dict[int, str],
    styles: dict[str, str],
) -> int:
    words = _spec()["summary"]
    lines = [
        (
            (labels.get(u["unit_id"], u["unit"]), u["task_count"], u["submitted"], u["late"]),
            u["by_status"],
        )
        for u in figures["by_lead_unit"]
    ]
    return _counts_table(
        ws,
        row,
        words["by_lead_unit"],
        (words["unit"], words["led"], words["submitted"], words["late"]),
        figures["statuses"],
        lines,
        styles,
    )
