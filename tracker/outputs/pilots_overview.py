"""试点建设情况总览 (.xlsx): the DRC's overview of every pilot for one period.

Sheet 试点总览: one row per pilot with its type, body, region, supervisor, status; its
tasks by consolidated state and the completion rate; its projects by stage with the
expected reduction; its investment (total, the year's planned and completed, completed to
date); its half-year report (state, late), its task reports late or missing, and the
period's evaluation — then a total row. Sheet 按类型汇总: the pilots per type against the
scheme's quota. Print-ready: A3 landscape, one page wide, the two header rows repeated on
every page, frozen under the header and beside the names, an autofilter, page numbers.

The figures come from :func:`tracker.services.pilot_overview.overview`; wording and layout
from ``resources/outputs/pilot_overview.json``. User text never becomes a formula
(:func:`tracker.outputs.xlsx.put`), and the file is written whole or not at all
(:func:`tracker.outputs.common.atomic_file`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.db import Database
from tracker.outputs import common, xlsx
from tracker.outputs.common import CancelCheck, Job, Progress, atomic_file
from tracker.services.actor import Actor
from tracker.services.pilot_overview import overview

TITLE_ROW, SUBTITLE_ROW, GROUP_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_ROW = 5
MONEY_FORMAT = "#,##0.00##"
DATE_FORMAT = "yyyy-mm-dd"


def layout() -> dict[str, Any]:
    """The wording and layout of the overview (resources/outputs/pilot_overview.json)."""
    return common.layout("pilot_overview")


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of the overview sheet: its group, header, width and how a pilot's
    entry gives its value."""

    group: str
    header: str
    width: float
    value: Callable[[dict[str, Any], int], Any]
    kind: str = "text"  # text | count | money | rate | date


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _report_late(entry: dict[str, Any]) -> str:
    words = layout()
    report = entry["report"]
    return str(words["yes"] if report["late"] or report["overdue"] else words["no"])


def _verdict(entry: dict[str, Any]) -> str:
    evaluation = entry["evaluation"]
    if not evaluation:
        return ""
    action = evaluation["action"]
    return f"{evaluation['verdict_label']}（{action}）" if action else evaluation["verdict_label"]


def _deadline(entry: dict[str, Any]) -> Any:
    evaluation = entry["evaluation"]
    if not evaluation or not evaluation["deadline"]:
        return None
    if evaluation["rectified_on"]:
        return f"已整改（{evaluation['rectified_on']}）"
    return _day(evaluation["deadline"])


def _simple(key: str) -> tuple[Callable[[dict[str, Any], int], Any], str]:
    found: dict[str, tuple[Callable[[dict[str, Any], int], Any], str]] = {
        "seq": (lambda e, i: i, "count"),
        "type": (lambda e, i: e["type_label"], "text"),
        "name": (lambda e, i: e["name"], "text"),
        "region": (lambda e, i: e["region"], "text"),
        "supervisor": (lambda e, i: e["supervisor"], "text"),
        "approved_on": (lambda e, i: _day(e["approved_on"]), "date"),
        "status": (lambda e, i: e["status_label"], "text"),
        "task_total": (lambda e, i: e["tasks"]["total"], "count"),
        "task_rate": (lambda e, i: e["tasks"]["rate"], "rate"),
        "project_count": (lambda e, i: e["projects"]["count"], "count"),
        "reduction": (lambda e, i: e["projects"]["reduction"], "money"),
        "total_investment": (lambda e, i: e["projects"]["total_investment"], "money"),
        "year_planned": (lambda e, i: e["projects"]["year_planned"], "money"),
        "year_completed": (lambda e, i: e["projects"]["year_completed"], "money"),
        "completed_to_date": (lambda e, i: e["projects"]["completed_to_date"], "money"),
        "report_state": (lambda e, i: e["report"]["state_label"], "text"),
        "report_late": (lambda e, i: _report_late(e), "text"),
        "late_task_reports": (lambda e, i: e["late_task_reports"], "count"),
        "verdict": (lambda e, i: _verdict(e), "text"),
        "deadline": (lambda e, i: _deadline(e), "date"),
    }
    return found[key]


def columns(data: dict[str, Any]) -> list[Column]:
    """The sheet's columns, the status and stage columns spread out."""
    year = data["period"][:4]
    found: list[Column] = []
    for group in layout()["groups"]:
        for spec in group["columns"]:
            key, width = spec["key"], float(spec["width"])
            if key == "{statuses}":
                found.extend(
                    Column(group["title"], s, width, _state_value(s), "count")
                    for s in data["statuses"]
                )
            elif key == "{stages}":
                found.extend(
                    Column(group["title"], s, width, _stage_value(s), "count")
                    for s in data["stages"]
                )
            else:
                value, kind = _simple(key)
                header = spec["header"].format(year=year)
                found.append(Column(group["title"], header, width, value, kind))
    return found


def _state_value(state: str) -> Callable[[dict[str, Any], int], Any]:
    return lambda e, i: e["tasks"]["by_state"].get(state, 0)


def _stage_value(stage: str) -> Callable[[dict[str, Any], int], Any]:
    return lambda e, i: e["projects"]["by_stage"].get(stage, 0)


# ---------------------------------------------------------------- styles


def _add_style(workbook: Workbook, name: str, font: dict[str, Any], **options: Any) -> str:
    """Register one named style on ``workbook`` (vertically centred, wrapped); its name."""
    options.setdefault("horizontal", "left")
    return xlsx.named_style(workbook, name, font=xlsx.font(font), vertical="center", **options)


def _styles(workbook: Workbook) -> dict[str, str]:
    """Register the named styles; kind → style name."""
    fonts, fills = layout()["fonts"], layout()["fills"]
    body, head = fonts["body"], fonts["header"]
    wb = workbook
    total = {"fill": fills["total"], "horizontal": "right"}
    return {
        "title": _add_style(wb, "试点总览标题", fonts["title"], horizontal="center", border=False),
        "subtitle": _add_style(wb, "试点总览说明", fonts["subtitle"], border=False),
        "group": _add_style(wb, "试点总览分组", head, fill=fills["group"], horizontal="center"),
        "header": _add_style(wb, "试点总览表头", head, fill=fills["header"], horizontal="center"),
        "text": _add_style(wb, "试点总览文字", body),
        "count": _add_style(wb, "试点总览计数", body, horizontal="right", number_format="0"),
        "money": _add_style(
            wb, "试点总览金额", body, horizontal="right", number_format=MONEY_FORMAT
        ),
        "rate": _add_style(wb, "试点总览比例", body, horizontal="right", number_format="0.0%"),
        "date": _add_style(
            wb, "试点总览日期", body, horizontal="center", number_format=DATE_FORMAT
        ),
        "overdue": _add_style(wb, "试点总览逾期", body, fill=fills["overdue"]),
        "total": _add_style(wb, "试点总览合计", head, **total, number_format=MONEY_FORMAT),
        "total_count": _add_style(wb, "试点总览合计计数", head, **total, number_format="0"),
        "total_rate": _add_style(wb, "试点总览合计比例", head, **total, number_format="0.0%"),
    }


# ---------------------------------------------------------------- the sheets


def _header(
    ws: Worksheet, cols: list[Column], data: dict[str, Any], styles: dict[str, str]
) -> None:
    spec = layout()
    last = get_column_letter(len(cols))
    xlsx.put(
        ws, TITLE_ROW, 1, spec["title"].format(period_name=data["period_name"]), styles["title"]
    )
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    subtitle = spec["subtitle"].format(today=data["today"], count=len(data["pilots"]))
    xlsx.put(ws, SUBTITLE_ROW, 1, subtitle, styles["subtitle"])
    ws.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    start = 1
    for index, column in enumerate(cols, 1):
        xlsx.put(ws, HEADER_ROW, index, column.header, styles["header"])
        ws.column_dimensions[get_column_letter(index)].width = column.width
        following = cols[index] if index < len(cols) else None
        if following is None or following.group != column.group:
            for at in range(start, index + 1):
                xlsx.put(ws, GROUP_ROW, at, column.group if at == start else None, styles["group"])
            if index > start:
                ws.merge_cells(
                    start_row=GROUP_ROW, start_column=start, end_row=GROUP_ROW, end_column=index
                )
            start = index + 1
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.row_dimensions[SUBTITLE_ROW].height = 20
    ws.row_dimensions[HEADER_ROW].height = 30


def _rows(ws: Worksheet, cols: list[Column], data: dict[str, Any], styles: dict[str, str]) -> int:
    """The pilot rows and the total row; returns the row of the total."""
    row = FIRST_ROW
    report_columns = {"半年报告", "报告逾期"}
    for seq, entry in enumerate(data["pilots"], 1):
        overdue = entry["report"]["overdue"]
        for index, column in enumerate(cols, 1):
            style = styles[column.kind]
            if overdue and column.header in report_columns:
                style = styles["overdue"]
            value = column.value(entry, seq)
            if column.kind == "date" and isinstance(value, str):
                style = styles["text"]
            xlsx.put(ws, row, index, value, style)
        ws.row_dimensions[row].height = _row_height(cols, entry, seq)
        row += 1
    _totals(ws, cols, data, styles, row)
    return row


def _row_height(cols: list[Column], entry: dict[str, Any], seq: int) -> float:
    """A height that shows every wrapped text of the row (Excel does not grow rows that
    were written by a program)."""
    lines = 1
    for column in cols:
        value = column.value(entry, seq)
        if isinstance(value, str) and value:
            capacity = max(1, int(column.width * 1.2))  # LibreOffice/Excel at 10 pt
            lines = max(lines, -(-xlsx.display_width(value) // capacity))
    return 14.0 * lines + 4


def _totals(
    ws: Worksheet, cols: list[Column], data: dict[str, Any], styles: dict[str, str], row: int
) -> None:
    pilots = data["pilots"]
    total_tasks = sum(e["tasks"]["total"] for e in pilots)
    done = sum(e["tasks"]["completed"] for e in pilots)
    for index, column in enumerate(cols, 1):
        value: Any = None
        style = styles["total"]
        if index == 1:
            value = layout()["total_label"]
        elif column.kind == "count":
            value = sum(int(column.value(e, 0) or 0) for e in pilots)
            style = styles["total_count"]
        elif column.kind == "money":
            value = sum((column.value(e, 0) or Decimal(0) for e in pilots), Decimal(0))
        elif column.kind == "rate":
            value = Decimal(done) / Decimal(total_tasks) if total_tasks else None
            style = styles["total_rate"]
        xlsx.put(ws, row, index, value, style)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)


def _print_setup(ws: Worksheet, last_row: int, width: int, title_rows: str) -> None:
    xlsx.print_setup(ws, layout()["print"], title_rows)
    ws.print_area = f"A1:{get_column_letter(width)}{last_row}"


def _type_sheet(workbook: Workbook, data: dict[str, Any], styles: dict[str, str]) -> None:
    spec = layout()
    ws = workbook.create_sheet(spec["type_sheet"])
    cols = spec["type_columns"]
    for index, column in enumerate(cols, 1):
        xlsx.put(ws, 1, index, column["header"], styles["header"])
        ws.column_dimensions[get_column_letter(index)].width = column["width"]
    for row, quota in enumerate(data["by_type"], 2):
        mine = [e for e in data["pilots"] if e["type"] == quota["type"]]
        values = {
            "type": quota["type_label"],
            "quota": quota["quota"],
            "count": quota["count"],
            "over": spec["yes"] if quota["over"] else spec["no"],
            "task_total": sum(e["tasks"]["total"] for e in mine),
            "task_done": sum(e["tasks"]["completed"] for e in mine),
            "project_count": sum(e["projects"]["count"] for e in mine),
            "total_investment": sum((e["projects"]["total_investment"] for e in mine), Decimal(0)),
        }
        for index, column in enumerate(cols, 1):
            value = values[column["key"]]
            kind = "money" if column["key"] == "total_investment" else "count"
            xlsx.put(ws, row, index, value, styles["text" if isinstance(value, str) else kind])
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "B2"
    _print_setup(ws, len(data["by_type"]) + 1, len(cols), "1:1")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def build_workbook(data: dict[str, Any]) -> Workbook:
    """The overview workbook of ``data`` (what :func:`overview` returns)."""
    workbook = Workbook()
    styles = _styles(workbook)
    ws = workbook.active
    assert ws is not None
    ws.title = layout()["sheet"]
    cols = columns(data)
    _header(ws, cols, data, styles)
    total_row = _rows(ws, cols, data, styles)
    last = get_column_letter(len(cols))
    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(total_row - 1, HEADER_ROW)}"
    _print_setup(ws, total_row, len(cols), f"{GROUP_ROW}:{HEADER_ROW}")
    _type_sheet(workbook, data, styles)
    return workbook


def export_overview(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    period: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[str, Any]:
    """Write the overview of ``period`` (default: the current half year) to ``path``
    (.xlsx), atomically; returns ``{"path", "period", "pilots"}``. ``progress`` and
    ``cancelled`` as for the other exports (:class:`tracker.outputs.common.Job`)."""
    target = common.output_path(path, ".xlsx", "试点建设情况总览")
    job = Job(progress, cancelled)
    job.total = 3
    data = overview(db, actor, period, today=today)
    job.step(1)
    workbook = build_workbook(data)
    job.step(2)
    with atomic_file(target) as temporary:
        workbook.save(temporary)
        job.step(3)
    return {"path": str(target), "period": data["period"], "pilots": len(data["pilots"])}
