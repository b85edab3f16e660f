"""Printing the 工作台账 (Ctrl+P in the task view): the ledger of the chosen period as a
table, in Qt's print preview, on A3 landscape with the header rows repeated on every page.

The rows and columns are the workbook's (:func:`tracker.outputs.ledger.ledger_table`), so
the printout and the exported .xlsx agree; only the tasks the table shows are printed
when a filter is on. :func:`ledger_html` is plain Python and runs in the background.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument, QTextTable
from PySide6.QtWidgets import QWidget

from tracker.outputs.ledger import LedgerTable
from ui.printing import PrintPreview

_HEADER_FILL = "#dde4ee"
_GROUP_FILL = "#c9d3e2"
_TINT = 0.82  # how much white is mixed into a status colour for its cell
# A character of the print size (8.5 pt) as a share of the A3 landscape line, in
# percent, with the cell's padding as one and a half characters (as the preview lays it
# out); a column whose values are all short (序号, 状态) gets at least the width of its
# longest value, so that （三）2（1） or 序时推进 is never broken over two lines.
_CHAR_PERCENT = 1.0
_PADDING_CHARS = 1.5
_SHORT_VALUE = 8


def _tint(color: str) -> str:
    """``color`` (#rrggbb) lightened for a cell's background."""
    try:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    except (ValueError, IndexError):
        return "#ffffff"
    mixed = [round(c + (255 - c) * _TINT) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _cell(text: str, *, width: str = "", center: bool = False, fill: str = "") -> str:
    attributes = f" width='{width}'" if width else ""
    if center:
        attributes += " align='center'"
    if fill:
        attributes += f" bgcolor='{fill}'"
    body = html.escape(text).replace("\n", "<br/>") or "&nbsp;"
    return f"<td valign='top'{attributes}>{body}</td>"


def _text_width(text: str) -> float:
    """Width in full-width characters: a Latin letter or digit is half of one."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def column_percents(table: LedgerTable) -> list[float]:
    """The columns' shares of the line (percent, summing to 100): the workbook's relative
    widths, with short-valued columns widened to hold their longest value unbroken."""
    total = sum(table.widths) or 1.0
    shares = [100 * w / total for w in table.widths]
    for i, header in enumerate(table.headers):
        longest = max((_text_width(row[i]) for row in table.rows), default=0.0)
        longest = max(longest, _text_width(header))
        if longest <= _SHORT_VALUE:
            shares[i] = max(shares[i], (longest + _PADDING_CHARS) * _CHAR_PERCENT)
    scale = 100 / sum(shares)
    return [share * scale for share in shares]


def ledger_html(table: LedgerTable) -> str:
    """The ledger as an HTML document: title, subtitle, then one table whose two header
    rows (``thead``) Qt repeats at the top of every page."""
    widths = [f"{w:.1f}%" for w in column_percents(table)]
    groups = "".join(
        f"<th colspan='{span}' bgcolor='{_GROUP_FILL}'>{html.escape(name)}</th>"
        for name, span in table.groups
    )
    headers = "".join(
        f"<th width='{widths[i]}' bgcolor='{_HEADER_FILL}'>{html.escape(h)}</th>"
        for i, h in enumerate(table.headers)
    )
    states = set(table.state_columns)
    body = []
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            fill = _tint(table.state_colors.get(value, "")) if i in states else ""
            cells.append(_cell(value, center=table.centered[i], fill=fill))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<h2 align='center'>{html.escape(table.title)}</h2>"
        f"<p align='center'>{html.escape(table.subtitle)}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr>{groups}</tr><tr>{headers}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def header_rows(document: QTextDocument) -> int:
    """How many rows at the top of the document's (first) table repeat on every page."""
    frame = document.rootFrame()
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            return int(child.format().headerRowCount())
    return 0


class LedgerPrintPreview(PrintPreview):
    """The ledger's print preview: A3 landscape, narrow margins, small print."""

    PAGE = QPageSize.PageSizeId.A3
    ORIENTATION = QPageLayout.Orientation.Landscape
    MARGINS_MM = (10.0, 12.0, 10.0, 12.0)
    FONT_POINTS = 8.5
    SIZE = (1200, 860)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, document_html: str) -> None:
        """Show the preview modally (tests patch this)."""
        cls(title, document_html, parent).exec()
