"""Printing the 工作台账 (Ctrl+P in the task view): the ledger of the chosen period as a
table, in Qt's print preview, on A3 landscape with the header rows repeated on every page.

The rows and columns are the workbook's (:func:`tracker.outputs.ledger.ledger_table`), so
the printout and the exported .xlsx agree; only the tasks the table shows are printed
when a filter is on. The table is built in the background (plain Python); here it is
laid out and painted with QPainter, page by page, at the printer's resolution:
:func:`paginate` measures each row's wrapped height and cuts the rows into pages (a row
is never split unless it is taller than a page), :func:`paint_ledger` draws them. Qt's
rich-text layout of the same table as HTML took half a minute for 5,000 tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget

from tracker.outputs.ledger import LedgerTable
from ui.printing import PreviewDialog

_HEADER_FILL = "#dde4ee"
_GROUP_FILL = "#c9d3e2"
_TINT = 0.82  # how much white is mixed into a status colour for its cell
# A character of the print size (8.5 pt) as a share of the A3 landscape line, in
# percent, with the cell's padding as one and a half characters; a column whose values
# are all short (序号, 状态) gets at least the width of its longest value, so that
# （三）2（1） or 序时推进 is never broken over two lines.
_CHAR_PERCENT = 1.0
_PADDING_CHARS = 1.5
_SHORT_VALUE = 8
FONT_POINTS = 8.5
_TITLE_POINTS = 15.0
_PADDING_MM = (0.8, 0.5)  # a cell's padding, across and down
_GAP_MM = 2.0  # between the title block, the table and the footer
_LINE_MM = 0.15
PAGE_FOOTER = "第 {page} 页 / 共 {pages} 页"
_WRAP = Qt.TextFlag.TextWordWrap
_ANYWHERE = Qt.TextFlag.TextWrapAnywhere  # a word longer than the column (a long URL)
_TOP = Qt.AlignmentFlag.AlignTop
_LEFT = Qt.AlignmentFlag.AlignLeft
_CENTER = Qt.AlignmentFlag.AlignHCenter
_MIDDLE = Qt.AlignmentFlag.AlignCenter


def _tint(color: str) -> str:
    """``color`` (#rrggbb) lightened for a cell's background."""
    try:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    except (ValueError, IndexError):
        return "#ffffff"
    mixed = [round(c + (255 - c) * _TINT) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


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


def state_fills(table: LedgerTable) -> dict[str, str]:
    """Status → the tint of its 状态 cells."""
    return {state: _tint(color) for state, color in table.state_colors.items()}


# ---------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Fonts:
    """The fonts of the printout and their metrics on the device printed on."""

    body: QFont
    header: QFont
    title: QFont
    body_metrics: QFontMetricsF
    header_metrics: QFontMetricsF
    title_metrics: QFontMetricsF
    line: float  # height of one line of body text (Chinese included)

    @classmethod
    def on(cls, device: QPaintDevice, points: float = FONT_POINTS) -> Fonts:
        """The fonts measured at ``device``'s resolution."""
        body = QFont(QGuiApplication.font())
        body.setPointSizeF(points)
        header = QFont(body)
        header.setBold(True)
        title = QFont(body)
        title.setPointSizeF(_TITLE_POINTS)
        title.setBold(True)
        metrics = QFontMetricsF(body, device)
        line = metrics.boundingRect(QRectF(0, 0, 1e6, 1e6), 0, "国Ag").height()
        return cls(
            body,
            header,
            title,
            metrics,
            QFontMetricsF(header, device),
            QFontMetricsF(title, device),
            line,
        )


def _flags(metrics: QFontMetricsF, text: str, width: float, align: int) -> tuple[int, float]:
    """The drawText flags that wrap ``text`` into ``width`` and the height it then takes;
    a word wider than the column is broken anywhere rather than cut off."""
    flags = int(align) | int(_TOP) | int(_WRAP)
    rect = metrics.boundingRect(QRectF(0, 0, width, 1e9), flags, text)
    if rect.width() > width + 0.5:
        flags = (flags & ~int(_WRAP)) | int(_ANYWHERE)
        rect = metrics.boundingRect(QRectF(0, 0, width, 1e9), flags, text)
    return flags, rect.height()


@dataclass(frozen=True)
class Slice:
    """A row on a page: the whole row (``top`` 0, ``height`` the row's), or the part of
    a row taller than a page that this page shows."""

    row: int
    top: float
    height: float


@dataclass(frozen=True)
class LedgerPages:
    """The ledger cut into pages, in device pixels of the paint rectangle."""

    table: LedgerTable
    fonts: Fonts
    width: float
    height: float
    dots_per_mm: float
    lefts: tuple[float, ...]  # each column's left edge, then the table's right edge
    padding: tuple[float, float]
    title_height: float  # the title block on page 1, with the gap under it
    group_height: float
    header_height: float
    footer_height: float
    row_heights: tuple[float, ...]
    wide_cells: frozenset[tuple[int, int]]  # (row, column) broken anywhere
    pages: tuple[tuple[Slice, ...], ...]

    def rows_on(self, page: int) -> list[int]:
        """The rows (indices into ``table.rows``) page ``page`` (0-based) shows."""
        return [s.row for s in self.pages[page]]

    def body_top(self, page: int) -> float:
        """Where the rows of page ``page`` begin (under the title and headers)."""
        return (self.title_height if page == 0 else 0.0) + self.group_height + self.header_height


def _row_height(
    fonts: Fonts, row: Sequence[str], inner: Sequence[float], centered: Sequence[bool]
) -> tuple[float, list[int]]:
    """The height of a row's tallest cell (text only) and the columns of its cells whose
    words had to be broken anywhere."""
    metrics, line = fonts.body_metrics, fonts.line
    tallest, wide = line, []
    for i, text in enumerate(row):
        if not text or ("\n" not in text and metrics.horizontalAdvance(text) <= inner[i]):
            continue
        flags, height = _flags(metrics, text, inner[i], _CENTER if centered[i] else _LEFT)
        if flags & int(_ANYWHERE):
            wide.append(i)
        tallest = max(tallest, height)
    return tallest, wide


def _header_height(metrics: QFontMetricsF, texts: Sequence[str], widths: Sequence[float]) -> float:
    return max(
        (
            metrics.boundingRect(QRectF(0, 0, w, 1e9), int(_MIDDLE) | int(_WRAP), t).height()
            for t, w in zip(texts, widths, strict=True)
        ),
        default=metrics.height(),
    )


def _title_height(table: LedgerTable, fonts: Fonts, width: float, gap: float) -> float:
    flags = int(_CENTER) | int(_WRAP)
    title = fonts.title_metrics.boundingRect(QRectF(0, 0, width, 1e9), flags, table.title)
    subtitle = fonts.body_metrics.boundingRect(QRectF(0, 0, width, 1e9), flags, table.subtitle)
    return title.height() + gap / 2 + subtitle.height() + gap


def _cut(heights: Sequence[float], room: Callable[[int], float]) -> list[tuple[Slice, ...]]:
    """Rows of ``heights`` onto pages of ``room(page)`` height each: a row goes whole to
    the next page when it does not fit, and only a row taller than a page is cut."""
    pages: list[tuple[Slice, ...]] = []
    current: list[Slice] = []
    used, space = 0.0, room(0)
    for row, height in enumerate(heights):
        if current and used + height > space:
            pages.append(tuple(current))
            current, used, space = [], 0.0, room(len(pages))
        top = 0.0
        while height - top > space:  # taller than a whole page
            pages.append((Slice(row, top, space),))
            top += space
            space = room(len(pages))
        current.append(Slice(row, top, height - top))
        used += height - top
    if current or not pages:
        pages.append(tuple(current))
    return pages


def paginate(table: LedgerTable, device: QPaintDevice, width: float, height: float) -> LedgerPages:
    """Measure ``table`` at ``device``'s resolution and cut it into pages of ``width`` ×
    ``height`` device pixels (the printer's paint rectangle)."""
    fonts = Fonts.on(device)
    mm = device.logicalDpiX() / 25.4
    pad_x, pad_y = (p * mm for p in _PADDING_MM)
    lefts = [0.0]
    for share in column_percents(table):
        lefts.append(lefts[-1] + width * share / 100)
    lefts[-1] = width
    inner = [lefts[i + 1] - lefts[i] - 2 * pad_x for i in range(len(table.headers))]
    spans, first = [], 0
    for _name, span in table.groups:
        spans.append(lefts[first + span] - lefts[first] - 2 * pad_x)
        first += span
    group = _header_height(fonts.header_metrics, [n for n, _ in table.groups], spans) + 2 * pad_y
    header = _header_height(fonts.header_metrics, table.headers, inner) + 2 * pad_y
    footer = fonts.line + _GAP_MM * mm
    title = _title_height(table, fonts, width, _GAP_MM * mm)
    heights: list[float] = []
    wide: set[tuple[int, int]] = set()
    for number, row in enumerate(table.rows):
        text_height, wide_columns = _row_height(fonts, row, inner, table.centered)
        heights.append(text_height + 2 * pad_y)
        wide.update((number, column) for column in wide_columns)
    page_room = height - group - header - footer

    def room(page: int) -> float:
        return max(page_room - (title if page == 0 else 0.0), fonts.line + 2 * pad_y)

    return LedgerPages(
        table=table,
        fonts=fonts,
        width=width,
        height=height,
        dots_per_mm=mm,
        lefts=tuple(lefts),
        padding=(pad_x, pad_y),
        title_height=title,
        group_height=group,
        header_height=header,
        footer_height=footer,
        row_heights=tuple(heights),
        wide_cells=frozenset(wide),
        pages=tuple(_cut(heights, room)),
    )


# ---------------------------------------------------------------- painting


class _PagePainter:
    """Draws the pages of a :class:`LedgerPages` with one QPainter; ``record`` (when
    given) gets, for each page, the texts drawn on it in order."""

    def __init__(
        self, layout: LedgerPages, painter: QPainter, record: list[list[str]] | None
    ) -> None:
        self.layout = layout
        self.painter = painter
        self.record = record
        self.fills = {state: QColor(fill) for state, fill in state_fills(layout.table).items()}
        self.states = frozenset(layout.table.state_columns)
        self.pen = QPen(QColor("#000000"))
        self.pen.setWidthF(max(1.0, _LINE_MM * layout.dots_per_mm))

    def _text(self, rect: QRectF, flags: int, text: str) -> None:
        if text:
            self.painter.drawText(rect, flags, text)
        if self.record is not None:
            self.record[-1].append(text)

    def page(self, index: int) -> None:
        """Title (page 1), the two header rows, the page's rows, the grid, the footer."""
        if self.record is not None:
            self.record.append([])
        layout = self.layout
        top = 0.0
        if index == 0:
            top = self._title()
        bottom = self._headers(top)
        for part in layout.pages[index]:
            self._row(part, bottom)
            bottom += part.height
        self._grid(index, top, bottom)
        self.painter.setFont(layout.fonts.body)
        footer = QRectF(0, layout.height - layout.fonts.line, layout.width, layout.fonts.line)
        text = PAGE_FOOTER.format(page=index + 1, pages=len(layout.pages))
        self._text(footer, int(_CENTER) | int(_TOP), text)

    def _title(self) -> float:
        layout, painter = self.layout, self.painter
        flags = int(_CENTER) | int(_TOP) | int(_WRAP)
        painter.setFont(layout.fonts.title)
        rect = QRectF(0, 0, layout.width, layout.title_height)
        used = painter.boundingRect(rect, flags, layout.table.title).height()
        self._text(rect, flags, layout.table.title)
        painter.setFont(layout.fonts.body)
        gap = layout.fonts.line / 2
        self._text(rect.adjusted(0, used + gap, 0, 0), flags, layout.table.subtitle)
        return layout.title_height

    def _headers(self, top: float) -> float:
        layout, painter = self.layout, self.painter
        pad_x, pad_y = layout.padding
        flags = int(_MIDDLE) | int(_WRAP)
        painter.setFont(layout.fonts.header)
        first = 0
        for name, span in layout.table.groups:
            rect = QRectF(layout.lefts[first], top, 0, layout.group_height)
            rect.setRight(layout.lefts[first + span])
            painter.fillRect(rect, QColor(_GROUP_FILL))
            self._text(rect.adjusted(pad_x, pad_y, -pad_x, -pad_y), flags, name)
            first += span
        top += layout.group_height
        for i, header in enumerate(layout.table.headers):
            rect = QRectF(layout.lefts[i], top, 0, layout.header_height)
            rect.setRight(layout.lefts[i + 1])
            painter.fillRect(rect, QColor(_HEADER_FILL))
            self._text(rect.adjusted(pad_x, pad_y, -pad_x, -pad_y), flags, header)
        painter.setFont(layout.fonts.body)
        return top + layout.header_height

    def _row(self, part: Slice, y: float) -> None:
        layout, painter = self.layout, self.painter
        table, lefts = layout.table, layout.lefts
        pad_x, pad_y = layout.padding
        height = layout.row_heights[part.row]
        cut = part.top > 0 or part.height < height
        if cut:  # a row taller than a page: this page's part of it
            painter.save()
            painter.setClipRect(QRectF(0, y, layout.width, part.height))
        top = y - part.top
        values = table.rows[part.row]
        for i, text in enumerate(values):
            left, right = lefts[i], lefts[i + 1]
            if i in self.states and text in self.fills:
                painter.fillRect(QRectF(left, top, right - left, height), self.fills[text])
            align = int(_CENTER if table.centered[i] else _LEFT) | int(_TOP)
            wrap = _ANYWHERE if (part.row, i) in layout.wide_cells else _WRAP
            rect = QRectF(left + pad_x, top + pad_y, right - left - 2 * pad_x, height)
            self._text(rect, align | int(wrap), text)
        if cut:
            painter.restore()

    def _grid(self, index: int, top: float, bottom: float) -> None:
        layout, painter = self.layout, self.painter
        painter.setPen(self.pen)
        width = layout.width
        header = top + layout.group_height
        body = header + layout.header_height
        lines = [top, header, body]
        y = body
        for part in layout.pages[index]:
            y += part.height
            lines.append(y)
        for line in lines:
            painter.drawLine(QPointF(0, line), QPointF(width, line))
        first = 0
        edges = {0}
        for _name, span in layout.table.groups:
            first += span
            edges.add(first)
        for column, x in enumerate(layout.lefts):
            start = top if column in edges or column == len(layout.lefts) - 1 else header
            painter.drawLine(QPointF(x, start), QPointF(x, bottom))


def paint_ledger(
    table: LedgerTable, printer: QPrinter, record: list[list[str]] | None = None
) -> LedgerPages:
    """Lay ``table`` out for ``printer`` and paint every page into it (one
    ``printer.newPage()`` between pages); the pages as laid out. ``record`` (when given)
    gets the texts drawn on each page."""
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    layout = paginate(table, printer, float(area.width()), float(area.height()))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("printer could not be opened")
    try:
        pages = _PagePainter(layout, painter, record)
        for index in range(len(layout.pages)):
            if index:
                printer.newPage()
            pages.page(index)
    finally:
        painter.end()
    return layout


class LedgerPrintPreview(PreviewDialog):
    """The ledger's print preview: A3 landscape, narrow margins, small print."""

    PAGE = QPageSize.PageSizeId.A3
    ORIENTATION = QPageLayout.Orientation.Landscape
    MARGINS_MM = (10.0, 12.0, 10.0, 12.0)
    SIZE = (1200, 860)

    def __init__(self, title: str, table: LedgerTable, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.table = table
        self.layout_pages: LedgerPages | None = None

    def paint_pages(self, printer: QPrinter) -> None:
        """Lay out and paint the ledger for ``printer`` (the preview's, or the one the
        user prints on), with a wait cursor: some seconds for thousands of tasks."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.layout_pages = paint_ledger(self.table, printer)
        finally:
            QApplication.restoreOverrideCursor()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, table: LedgerTable) -> None:
        """Show the preview modally (tests patch this)."""
        cls(title, table, parent).exec()
