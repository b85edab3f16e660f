"""openpyxl helpers shared by the ledger and the fill-in forms: named styles, user text that
never turns into a formula, row heights that fit wrapped text, print setup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tracker.outputs.common import excel_text, looks_like_formula

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


def guard_cell(cell: Any) -> None:
    """Keep a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as text: stored as a
    string (openpyxl would store ``=…`` as a formula) and quote-prefixed, so editing it in
    Excel or LibreOffice does not turn it into a formula either."""
    cell.data_type = "s"
    cell.quotePrefix = True


def style_row(ws: Worksheet, row: int, styles: Iterable[str]) -> None:
    """Apply one named style per cell of an appended row, guarding formula-like text."""
    for cell, style in zip(ws[row], styles, strict=False):
        cell.style = style
        if cell.data_type == "f" or looks_like_formula(cell.value):
            guard_cell(cell)


def display_width(line: str) -> int:
    """Width of one line in half-width characters (a CJK character counts two)."""
    narrow = len(line.encode("ascii", "ignore"))
    return narrow + 2 * (len(line) - narrow)


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` wide."""
    if not text:
        return 1
    capacity = max(1, int(width) - 1)
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
