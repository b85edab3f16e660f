"""openpyxl helpers shared by the ledger and the fill-in forms: named styles, user text that
never turns into a formula, row heights that fit wrapped text, print setup."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from tracker.outputs.common import EXCEL_CELL_LIMIT, excel_text, looks_like_formula

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def font(spec: Mapping[str, Any], **extra: Any) -> Font:
    """An openpyxl font from a layout entry ``{"name": …, "size": …}``."""
    return Font(name=spec["name"], size=spec["size"], **extra)


def named_style(
    workbook: Workbook,
    name: str,
    *,
    font: Font,
    fill: str | None = None,
    horizontal: str | None = None,
    vertical: str = "top",
    border: bool = True,
    locked: bool = True,
    wrap: bool = True,
    number_format: str | None = None,
) -> str:
    """Register a named cell style on ``workbook`` (once) and return its name.

    Named styles are looked up by name per cell, much cheaper than building a font, fill
    and border per cell, and they show in Excel's style gallery.
    """
    if name in workbook.named_styles:
        return name
    style = NamedStyle(
        name=name,
        font=font,
        alignment=Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap),
        border=BOX if border else Border(),
        protection=Protection(locked=locked),
    )
    if fill:
        style.fill = PatternFill("solid", fgColor=fill)
    if number_format:
        style.number_format = number_format
    workbook.add_named_style(style)
    return name


def tint(color: str, share: float = 0.82) -> str:
    """``color`` (``#rrggbb``) mixed with white: a light fill that keeps text readable."""
    value = color.lstrip("#")
    if len(value) != 6:
        return "FFFFFF"
    channels = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * share):02X}" for c in channels)


def plain_color(color: str) -> str:
    """``#rrggbb`` as openpyxl wants it (``RRGGBB``)."""
    value = color.lstrip("#").upper()
    return value if len(value) == 6 else "000000"


def put_text(ws: Worksheet, row: int, column: int, value: str | None, style: str) -> None:
    """Write user text into a cell as text, never as a formula, with ``style``."""
    cell = ws.cell(row=row, column=column)
    text = excel_text(value)
    cell.value = text or None  # an empty string would be stored as an empty text cell
    cell.style = style
    if looks_like_formula(text):
        guard_cell(cell)


def put(ws: Worksheet, row: int, column: int, value: Any, style: str) -> None:
    """Write any value into a cell with ``style``: text as :func:`put_text` does (never a
    formula), numbers, decimals and dates as they are, None as an empty cell."""
    if isinstance(value, str) or value is None:
        put_text(ws, row, column, value, style)
        return
    cell = ws.cell(row=row, column=column)
    cell.value = value
    cell.style = style


def fit_cell(text: str) -> str:
    """Text already cleaned (:func:`tracker.outputs.common.clean_text`) cut to Excel's
    limit; the cheap form of :func:`excel_text` for the many cells of a ledger."""
    return text if len(text) <= EXCEL_CELL_LIMIT else excel_text(text)


def guard_cell(cell: Any) -> None:
    """Keep a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as text: stored as a
    string (openpyxl would store ``=…`` as a formula) and quote-prefixed, so editing it in
    Excel or LibreOffice does not turn it into a formula either."""
    cell.data_type = "s"
    cell.quotePrefix = True


class StyleArrays:
    """The style array of each named style of a workbook, for :func:`write_row`."""

    def __init__(self, ws: Worksheet, names: Mapping[str, str]) -> None:
        self._arrays: dict[str, Any] = {}
        for key, name in names.items():
            probe = Cell(ws)
            probe.style = name
            self._arrays[key] = probe._style

    def __getitem__(self, key: str) -> Any:
        return self._arrays[key]


def write_row(ws: Worksheet, row: int, values: Sequence[Any], arrays: Sequence[Any]) -> None:
    """Write one row of cells, each with its style array: what ``ws.append`` does with the
    style set in the same step. (The public way, appending and then setting ``cell.style``
    on each cell, costs three times as much per cell: a 5,000-task ledger is 60,000 cells.)
    Text values must be cleaned (:func:`tracker.outputs.common.clean_text`); text that
    looks like a formula is kept as text (see :func:`guard_cell`)."""
    cells = ws._cells
    for column, (value, array) in enumerate(zip(values, arrays, strict=True), 1):
        if isinstance(value, str) and value:
            # Cleaned text (no character XML cannot hold): stored as a string directly,
            # which also keeps a leading "=" from becoming a formula.
            cell = Cell(ws, row=row, column=column)
            cell._value, cell.data_type = value, "s"
        else:
            cell = Cell(ws, row=row, column=column, value=value if value != "" else None)
        if looks_like_formula(value):
            cell._style = copy.copy(array)  # its own array: guard_cell changes it
            guard_cell(cell)
        else:
            cell._style = array  # shared, never changed after this
        cells[(row, column)] = cell


def merge(
    ws: Worksheet, first_row: int, first_column: int, last_row: int, last_column: int
) -> None:
    """Merge a range whose other cells are empty or styled already. (``ws.merge_cells``
    also rewrites every cell of the range and its borders: a third of the time of a
    small form went there.)"""
    ws.merged_cells.add(
        CellRange(min_row=first_row, min_col=first_column, max_row=last_row, max_col=last_column)
    )


def display_width(line: str) -> int:
    """Width of one line in half-width characters (a CJK character counts two)."""
    narrow = len(line.encode("ascii", "ignore"))
    return narrow + 2 * (len(line) - narrow)


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` wide."""
    capacity = max(1, int(width) - 1)
    if 2 * len(text) <= capacity and "\n" not in text:
        return 1  # fits whatever its characters (the common short cell)
    return sum(max(1, -(-display_width(line) // capacity)) for line in text.split("\n"))


def fit_height(
    texts: Iterable[tuple[str, float]], line_height: float, padding: float, limit: float
) -> float:
    """A row height (points) that shows every ``(text, column width)`` of the row."""
    lines = max((line_count(text, width) for text, width in texts), default=1)
    return min(limit, lines * line_height + padding)


def print_setup(ws: Worksheet, spec: Mapping[str, Any], title_rows: str | None) -> None:
    """Paper, orientation, one page wide, margins, footer and repeated rows from a layout."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if spec["paper"] == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.orientation = spec["orientation"]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    for side, value in spec["margins_inch"].items():
        setattr(ws.page_margins, side, value)
    ws.oddFooter.center.text = spec["footer"]
    ws.oddFooter.center.size = 10
    if title_rows:
        ws.print_title_rows = title_rows
