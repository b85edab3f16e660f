"""Read a PDF's text layer into the importer's :class:`SourceDocument` form.

What a reader of the printed page sees is what the parsers get:

* **paragraphs**, rebuilt from printed lines: a line that runs to the right margin and is
  followed by a line that is not indented continues into it, also across a page break;
  a short line, an indented line, a change of type size or a larger gap ends a paragraph.
  Each paragraph keeps the page and line where each of its printed lines starts, so a
  task says “第3页第12行”;
* **no running headers and footers**: a line repeated at the same place at the top or the
  bottom of most pages, and page numbers in their usual forms (— 3 —, -3-, 第3页, 3/20);
* **ruled tables**, read by their rules, not by text position: the cells come from the
  lines drawn on the page; a merged cell spans its rows; a table that goes on over the page
  break is one table: its repeated header rows are dropped, a first row without 序号 (and
  without 牵头单位) continues the row above cell by cell, and a merged cell split by the
  page break is one cell again.

Libraries: pypdfium2 (PDFium, the PDF engine of Chrome) reads the characters with their
boxes and the vector paths; it takes a few milliseconds a page and opens the damaged and
oddly encoded files that offices publish. The table geometry — rules to intersections to
cells to tables — is pdfplumber's (the Nurminen/Tabula lattice algorithm), fed with the
rules PDFium found; pdfplumber's own, slower text extraction is not used.

Lines are counted on each page from the top, the running header and footer not counted
(as Word's line numbering counts them); a line of a table row counts once however many
cells it crosses.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import math
import re
import statistics
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from tracker.errors import ImportFailed
from tracker.importing.document import Place, SourceLine, SourceTable
from tracker.importing.result import ImportWarning
from tracker.importing.table_plan import header_fields
from tracker.importing.vocabulary import is_none_mark, is_page_number, vocabulary

__all__ = ["PdfContent", "is_page_number", "read_pdf"]

# PDFium is not thread-safe: one document at a time in this process.
_PDFIUM_LOCK = threading.Lock()

_ASK_FOR_ORIGINAL = "请向发文单位索取电子版（Word 文档或带文字的 PDF）"
_RULE_TOLERANCE = 3.0  # points: rules this close are one rule, and meet when this close
_MIN_RULE = 2.0  # points: a shorter segment is no rule
_MARGIN_ZONE = 0.2  # running headers and footers sit in the top or bottom fifth of a page
_LIST_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、．.]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]"
    r"|\d{1,3}\s*[.．、](?!\d)|[①-⑳]|——)"
)
# A line ending so, followed by one starting with a list marker, ends its paragraph.
_SENTENCE_END = tuple("。；;！!？?：:）)”")
_UNREADABLE = re.compile("[\ue000-\uf8ff\ufffd\x00-\x08\x0e-\x1f]")


@dataclass
class PdfContent:
    """What :func:`read_pdf` found: paragraphs, tables, and the pages it could not read."""

    lines: list[SourceLine]
    tables: list[SourceTable]
    warnings: list[ImportWarning]


# ------------------------------------------------------------------------- page content


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Line:
    """One printed line: its characters left to right, its box, its number on the page."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    em: float  # the width of a Chinese character in this line's type
    number: int = 0

    @property
    def height(self) -> float:
        """The height of the line's type."""
        return self.bottom - self.top


@dataclass(eq=False)
class _Cell:
    """A cell of a ruled table on one page: its box, grid rows and columns, its text."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: range
    columns: range
    chars: list[_Char] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    text: str = ""


@dataclass
class _Grid:
    """One ruled table, as drawn on one page."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    columns: list[float]  # x of each column boundary
    cover: list[list[_Cell]]  # row → column → the cell covering it


@dataclass
class _Page:
    number: int
    width: float
    height: float
    chars: list[_Char]
    edges: list[dict[str, Any]]
    has_images: bool
    lines: list[_Line] = field(default_factory=list)  # body lines, outside tables
    grids: list[_Grid] = field(default_factory=list)


def read_pdf(data: bytes, name: str) -> PdfContent:
    """Paragraphs and ruled tables of a PDF's text layer, each with its page and line.

    Raises :class:`ImportFailed` for an encrypted, damaged or scanned (image-only) PDF.
    """
    with _PDFIUM_LOCK:
        document = _open(data, name)
        try:
            pages = [_read_page(document, index) for index in range(len(document))]
        finally:
            document.close()
    warnings = _check_text_layer(pages, name)
    for page in pages:
        page.grids = _find_grids(page)
        page.lines = _body_lines(page)
    _drop_running_lines(pages)
    _number_lines(pages)
    return PdfContent(_paragraphs(pages), _tables(pages), warnings)


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            problem = (
                "PDF 文件设置了打开密码（已加密），无法读取；请向发文单位索取未加密的文件，"
                "或在 PDF 阅读器中输入密码打开后另存为不加密的 PDF 再导入"
            )
        elif code == pdfium_c.FPDF_ERR_SECURITY:
            problem = "PDF 文件使用了不支持的加密方式，无法读取；请另存为不加密的 PDF 后再导入"
        else:
            problem = (
                "PDF 文件已损坏或格式不正确（文件结构无法读取），可能是下载或复制没有完成；"
                "请重新获取文件"
            )
        raise ImportFailed(name, problem) from exc
    if len(document) == 0:
        document.close()
        raise ImportFailed(name, "PDF 文件中没有任何页面")
    return document


def _read_page(document: pdfium.PdfDocument, index: int) -> _Page:
    page = document[index]
    try:
        to_page = _display_transform(page)
        width, height = _display_size(page)
        chars = _chars(page, to_page)
        edges, has_images = _edges(page, to_page)
    finally:
        page.close()
    return _Page(index + 1, width, height, chars, edges, has_images)


def _display_size(page: pdfium.PdfPage) -> tuple[float, float]:
    left, bottom, right, top = page.get_cropbox()
    if page.get_rotation() in (90, 270):
        return top - bottom, right - left
    return right - left, top - bottom


def _display_transform(page: pdfium.PdfPage) -> Callable[[float, float], tuple[float, float]]:
    """PDF user space (origin bottom left) → the page as shown (origin top left, rotated)."""
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation()
    if rotation == 90:
        return lambda x, y: (y - bottom, x - left)
    if rotation == 180:
        return lambda x, y: (right - x, y - bottom)
    if rotation == 270:
        return lambda x, y: (top - y, right - x)
    return lambda x, y: (x - left, top - y)


def _chars(
    page: pdfium.PdfPage, to_page: Callable[[float, float], tuple[float, float]]
) -> list[_Char]:
    """The page's printed characters (no whitespace, nothing PDFium made up)."""
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        chars: list[tuple[int, _Char]] = []
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(handle, index)
            if code == 0 or pdfium_c.FPDFText_IsGenerated(handle, index) == 1:
                continue
            text = chr(code)
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            if text.isspace():
                if top <= bottom:
                    continue  # a space without a place: the gaps say where words part
                text = " "
            x0, y0 = to_page(left, top)
            x1, y1 = to_page(right, bottom)
            angle = round(math.degrees(pdfium_c.FPDFText_GetCharAngle(handle, index))) % 360
            chars.append((angle, _Char(text, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))))
    finally:
        textpage.close()
    return _upright(chars)


def _upright(chars: list[tuple[int, _Char]]) -> list[_Char]:
    """The characters written in the page's reading direction: a diagonal watermark
    (征求意见稿, 样本) or a rotated stamp is left out."""
    if not chars:
        return []
    usual = Counter(angle for angle, char in chars if char.text != " ").most_common(1)
    direction = usual[0][0] if usual else 0
    return [
        c for angle, c in chars if min((angle - direction) % 360, (direction - angle) % 360) <= 3
    ]


# ------------------------------------------------------------------------- rules


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _object_matrix(obj: Any) -> _Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return _IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _page_objects(page: pdfium.PdfPage) -> Iterator[tuple[Any, _Matrix]]:
    """Every path and image object with its matrix to user space, inside forms too."""

    def walk(
        count: int, get: Callable[[int], Any], outer: _Matrix
    ) -> Iterator[tuple[Any, _Matrix]]:
        for index in range(count):
            obj = get(index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            matrix = _compose(_object_matrix(obj), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                yield from walk(
                    pdfium_c.FPDFFormObj_CountObjects(obj),
                    functools.partial(_form_child, obj),
                    matrix,
                )
            elif kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
                yield obj, matrix

    handle = page.raw
    yield from walk(
        pdfium_c.FPDFPage_CountObjects(handle),
        lambda i: pdfium_c.FPDFPage_GetObject(handle, i),
        _IDENTITY,
    )


def _form_child(form: Any, index: int) -> Any:
    return pdfium_c.FPDFFormObj_GetObject(form, index)


def _edges(
    page: pdfium.PdfPage, to_page: Callable[[float, float], tuple[float, float]]
) -> tuple[list[dict[str, Any]], bool]:
    """The horizontal and vertical rules drawn on the page (as pdfplumber edges), and
    whether the page shows any image."""
    edges: list[dict[str, Any]] = []
    has_images = False
    for obj, matrix in _page_objects(page):
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            has_images = True
            continue
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
            continue
        if fill.value == 0 and not stroke.value:
            continue  # an invisible path
        for start, end in _path_segments(obj, matrix, closed_when_filled=fill.value != 0):
            edge = _edge(to_page(*start), to_page(*end))
            if edge is not None:
                edges.append(edge)
    return edges, has_images


def _path_segments(
    obj: Any, matrix: _Matrix, *, closed_when_filled: bool
) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of a path in user space (curves are no rules)."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    current: tuple[float, float] | None = None
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if closed_when_filled and start is not None and current is not None:
                yield current, start
            start = current = point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            yield current, point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            yield current, start
            current = start
    if closed_when_filled and start is not None and current is not None and current != start:
        yield current, start


def _edge(p: tuple[float, float], q: tuple[float, float]) -> dict[str, Any] | None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 1.0 and abs(x1 - x0) >= _MIN_RULE:
        top = (y0 + y1) / 2
        left, right = min(x0, x1), max(x0, x1)
        return {"x0": left, "x1": right, "top": top, "bottom": top, "width": right - left,
                "height": 0.0, "orientation": "h"}  # fmt: skip
    if abs(x1 - x0) < 1.0 and abs(y1 - y0) >= _MIN_RULE:
        left = (x0 + x1) / 2
        top, bottom = min(y0, y1), max(y0, y1)
        return {"x0": left, "x1": left, "top": top, "bottom": bottom, "width": 0.0,
                "height": bottom - top, "orientation": "v"}  # fmt: skip
    return None


# ------------------------------------------------------------------------- the text layer


def _check_text_layer(pages: list[_Page], name: str) -> list[ImportWarning]:
    """Refuse a PDF without readable text; warn about pages that are only pictures."""
    total = sum(len(page.chars) for page in pages)
    if total == 0:
        if any(page.has_images for page in pages):
            raise ImportFailed(
                name,
                "这是扫描件：PDF 中只有图像，没有文字层，无法读取其中的文字；"
                f"{_ASK_FOR_ORIGINAL}，或先用 OCR（文字识别）软件处理后再导入",
            )
        raise ImportFailed(
            name, f"PDF 中没有可读取的文字（可能是空白页，或文字已转为图形）；{_ASK_FOR_ORIGINAL}"
        )
    unreadable = sum(1 for page in pages for c in page.chars if _UNREADABLE.match(c.text))
    if unreadable > 0.2 * total:
        raise ImportFailed(
            name,
            "PDF 的文字无法解码（字体缺少字符映射，复制出来是乱码）；"
            f"{_ASK_FOR_ORIGINAL}，或先用 OCR（文字识别）软件处理后再导入",
        )
    return [
        ImportWarning(
            str(Place(page=page.number)),
            "该页没有文字层（像是扫描的图像），其中的内容未能读取，请对照原件核对",
        )
        for page in pages
        if not page.chars and page.has_images
    ]


# ------------------------------------------------------------------------- lines


def _em(chars: list[_Char]) -> float:
    widths = [c.x1 - c.x0 for c in chars if not c.text.isascii()]
    heights = [c.bottom - c.top for c in chars]
    return statistics.median(widths) if widths else 0.6 * statistics.median(heights)


def _group_lines(chars: list[_Char], page: int) -> list[_Line]:
    """Characters into printed lines, top to bottom, each left to right."""
    bands: list[list[_Char]] = []
    centre = 0.0
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        height = char.bottom - char.top
        if bands and abs(middle - centre) < 0.35 * max(height, 1.0):
            bands[-1].append(char)
            centre += (middle - centre) / len(bands[-1])
        else:
            bands.append([char])
            centre = middle
    return [
        _line(sorted(band, key=lambda c: c.x0), page)
        for band in bands
        if any(c.text != " " for c in band)
    ]


def _line(chars: list[_Char], page: int) -> _Line:
    em = _em(chars)
    parts: list[str] = []
    previous: _Char | None = None
    spaced = False
    for char in chars:
        if char.text == " ":
            spaced = previous is not None  # a space written in the text, kept once
            continue
        if previous is not None:
            if char.text == previous.text and abs(char.x0 - previous.x0) < 0.3 * em:
                continue  # printed twice, slightly shifted: a simulated bold face
            gap = char.x0 - previous.x1
            if gap > 3 * em:
                parts.append("\t")  # columns of a table drawn without rules
            elif spaced or (gap > 0.15 * em and _latin(previous.text) and _latin(char.text)):
                parts.append(" ")
        parts.append(char.text)
        previous = char
        spaced = False
    printed = [c for c in chars if c.text != " "] or chars
    return _Line(
        page=page,
        text="".join(parts),
        x0=min(c.x0 for c in printed),
        x1=max(c.x1 for c in printed),
        top=min(c.top for c in printed),
        bottom=max(c.bottom for c in printed),
        em=em,
    )


def _latin(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _join_text(before: str, after: str) -> str:
    """Two printed lines of one paragraph: Chinese joins directly, Latin words keep a space."""
    if before and after and _latin(before[-1]) and _latin(after[0]):
        return f"{before} {after}"
    return before + after


def _inside(char: _Char, x0: float, top: float, x1: float, bottom: float) -> bool:
    middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


def _body_lines(page: _Page) -> list[_Line]:
    """The lines outside the page's tables; the tables' cells get their own text."""
    outside: list[_Char] = []
    for char in page.chars:
        grid = next(
            (g for g in page.grids if _inside(char, g.x0 - 1, g.top - 1, g.x1 + 1, g.bottom + 1)),
            None,
        )
        if grid is None:
            outside.append(char)
            continue
        cell = next(
            (
                c
                for row in grid.cover
                for c in row
                if _inside(char, c.x0 - 1, c.top - 1, c.x1 + 1, c.bottom + 1)
            ),
            None,
        )
        if cell is not None:
            cell.chars.append(char)
    for grid in page.grids:
        for cell in _unique_cells(grid):
            _fill_cell(cell, page.number)
    return _group_lines(outside, page.number) if outside else []


def _fill_cell(cell: _Cell, page: int) -> None:
    """Group the characters collected in a cell into lines and join them into its text."""
    cell.lines = _group_lines(cell.chars, page) if cell.chars else []
    text = ""
    for line in cell.lines:
        if text and _LIST_START.match(line.text):
            text += "\n" + line.text  # a list inside the cell: one item a line
        else:
            text = _join_text(text, line.text)
    cell.text = text.strip()


# ------------------------------------------------------------------------- tables on a page


def _find_grids(page: _Page) -> list[_Grid]:
    """The ruled tables on the page (at least two columns), top to bottom."""
    if len(page.edges) < 4:
        return []
    edges = merge_edges(
        page.edges, _RULE_TOLERANCE, _RULE_TOLERANCE, _RULE_TOLERANCE, _RULE_TOLERANCE
    )
    intersections = edges_to_intersections(edges, _RULE_TOLERANCE, _RULE_TOLERANCE)
    grids: list[_Grid] = []
    for boxes in cells_to_tables(intersections_to_cells(intersections)):
        grid = _grid(page.number, boxes)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.top)


def _grid(page: int, boxes: list[tuple[float, float, float, float]]) -> _Grid | None:
    xs = sorted({x for box in boxes for x in (box[0], box[2])})
    ys = sorted({y for box in boxes for y in (box[1], box[3])})
    if len(xs) < 3 or len(ys) < 2:
        return None  # one column: a framed box of text, not a table
    cover: list[list[_Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for x0, top, x1, bottom in boxes:
        rows = range(ys.index(top), ys.index(bottom))
        columns = range(xs.index(x0), xs.index(x1))
        cell = _Cell(x0, top, x1, bottom, rows, columns)
        for r in rows:
            for c in columns:
                if cover[r][c] is None:
                    cover[r][c] = cell
    full = [
        [
            cell
            if cell is not None
            else _Cell(xs[c], ys[r], xs[c + 1], ys[r + 1], range(r, r + 1), range(c, c + 1))
            for c, cell in enumerate(row)
        ]
        for r, row in enumerate(cover)
    ]  # a position no rules close (a missing border) is an empty cell of its own
    return _Grid(page, xs[0], ys[0], xs[-1], ys[-1], xs, full)


def _unique_cells(grid: _Grid) -> list[_Cell]:
    seen: dict[int, _Cell] = {}
    for row in grid.cover:
        for cell in row:
            seen.setdefault(id(cell), cell)
    return list(seen.values())


# ------------------------------------------------------------------------- running lines


def _shape(text: str) -> str:
    """A line's text with its numbers made alike: "— 3 —" and "— 4 —" repeat each other."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _margin_lines(page: _Page) -> Iterator[tuple[str, _Line]]:
    """The first and last few lines of a page that lie in its top or bottom fifth."""
    for line in page.lines[:3]:
        if line.bottom <= _MARGIN_ZONE * page.height:
            yield "top", line
    for line in page.lines[-3:]:
        if line.top >= (1 - _MARGIN_ZONE) * page.height:
            yield "bottom", line


def _drop_running_lines(pages: list[_Page]) -> None:
    """Drop running headers and footers (a line repeated at the same place on most pages)
    and page numbers."""
    texted = [page for page in pages if page.lines]
    needed = max(2, round(0.4 * len(texted) + 0.49))
    places: dict[tuple[str, str], list[float]] = {}
    for page in texted:
        for zone, line in _margin_lines(page):
            places.setdefault((zone, _shape(line.text)), []).append(line.top)
    repeated = {
        key
        for key, tops in places.items()
        if sum(1 for top in tops if abs(top - statistics.median(tops)) < 8) >= needed
    }
    for page in texted:
        dropped = {
            id(line)
            for zone, line in _margin_lines(page)
            if "\t" not in line.text  # a table row repeated on each page is the table's
            and ((zone, _shape(line.text)) in repeated or is_page_number(line.text))
        }
        page.lines = [line for line in page.lines if id(line) not in dropped]


# ------------------------------------------------------------------------- line numbers


def _number_lines(pages: list[_Page]) -> None:
    """Number the printed lines of each page from the top (body and table text alike; a
    row of table cells side by side is one line)."""
    for page in pages:
        printed = list(page.lines)
        for grid in page.grids:
            for cell in _unique_cells(grid):
                printed.extend(cell.lines)
        printed.sort(key=lambda line: line.top)
        number, band_bottom = 0, float("-inf")
        for line in printed:
            if line.top >= band_bottom - 0.3 * line.height:
                number += 1
                band_bottom = line.bottom
            else:
                band_bottom = max(band_bottom, line.bottom)
            line.number = number


def _line_at(page: _Page, top: float) -> int | None:
    """The number of the first printed line at or below ``top`` on the page."""
    numbers = [line for line in page.lines if line.top >= top - 1]
    for grid in page.grids:
        numbers.extend(
            line for cell in _unique_cells(grid) for line in cell.lines if line.top >= top - 1
        )
    return min(numbers, key=lambda line: line.top).number if numbers else None


# ------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class _Layout:
    """A page's text block: left and right margins, the width of a character, line pitch."""

    left: float
    right: float
    em: float
    height: float  # of a line of body text
    pitch: float  # usual distance from one line's top to the next, in line heights


def _common(values: list[float], share: float) -> list[float]:
    """Values (rounded to a point) that occur on at least ``share`` of the lines."""
    counts = Counter(round(v) for v in values)
    least = max(2, share * len(values))
    return [float(v) for v, n in counts.items() if n >= least] or [float(v) for v in values]


def _layout(lines: list[_Line]) -> _Layout:
    em = statistics.median(line.em for line in lines)
    pitches = [
        (b.top - a.top) / a.height
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.height > 0 and 0 < b.top - a.top < 4 * a.height
    ]
    return _Layout(
        left=min(_common([line.x0 for line in lines], 0.05)),
        right=max(_common([line.x1 for line in lines], 0.05)),
        em=em,
        height=statistics.median(line.height for line in lines),
        pitch=statistics.median(pitches) if pitches else 1.6,
    )


def _layouts(pages: list[_Page]) -> dict[int, _Layout]:
    """The text block of each page (of the whole document where a page has few lines;
    facing pages may have mirrored margins)."""
    every = [line for page in pages for line in page.lines]
    if not every:
        return {}
    document = _layout(every)
    return {
        page.number: _layout(page.lines) if len(page.lines) >= 8 else document for page in pages
    }


def _continues(a: _Line, b: _Line, layouts: dict[int, _Layout]) -> bool:
    """Whether printed line ``b`` goes on with the paragraph of line ``a``."""
    if "\t" in a.text or "\t" in b.text:
        return False
    if abs(a.height - b.height) > 0.15 * max(a.height, b.height):
        return False  # another type size: a title, a heading, a note
    layout_a, layout_b = layouts[a.page], layouts[b.page]
    if a.page == b.page and (b.top - a.top) > 1.4 * layout_a.pitch * a.height:
        return False  # a gap between paragraphs
    em = max(a.em, b.em, 1.0)
    if a.height > 1.25 * layout_a.height:
        return True  # two lines of a large title
    if b.x0 > layout_b.left + 0.8 * em:
        return False  # indented or centred: a paragraph begins
    if a.x1 < layout_a.right - 2 * em:
        return False  # a short line ends its paragraph
    return not (_LIST_START.match(b.text) and a.text.endswith(_SENTENCE_END))


def _flow(pages: list[_Page]) -> list[_Line | None]:
    """The body lines in reading order; None where a table stands between two lines."""
    flow: list[_Line | None] = []
    for page in pages:
        items: list[tuple[float, _Line | None]] = [(line.top, line) for line in page.lines]
        items.extend((grid.top, None) for grid in page.grids)
        flow.extend(item for _, item in sorted(items, key=lambda pair: pair[0]))
    return flow


def _paragraphs(pages: list[_Page]) -> list[SourceLine]:
    layouts = _layouts(pages)
    paragraphs: list[list[_Line]] = []
    previous: _Line | None = None
    for line in _flow(pages):
        if line is not None and previous is not None and _continues(previous, line, layouts):
            paragraphs[-1].append(line)
        elif line is not None:
            paragraphs.append([line])
        previous = line
    return [_source_line(lines) for lines in paragraphs]


def _source_line(lines: list[_Line]) -> SourceLine:
    text = ""
    starts: list[tuple[int, Place]] = []
    for line in lines:
        joined = _join_text(text, line.text)
        if text:
            starts.append((len(joined) - len(line.text), Place(page=line.page, line=line.number)))
        text = joined
    first = lines[0]
    return SourceLine(text, Place(page=first.page, line=first.number), tuple(starts))


# ------------------------------------------------------------------------- tables


@dataclass(eq=False)
class _TableCell:
    """A cell of the whole table (one object for every row a merged cell spans)."""

    text: str
    column: int  # the first column it covers
    spans: int = 0  # rows of the table it covers


@dataclass
class _Table:
    """A ruled table, put together from its parts on consecutive pages."""

    last: _Grid
    header: list[tuple[str, ...]]  # the first rows, to recognise them repeated on a page
    fields: dict[int, str]  # column → field, when the first row is a 任务分工 header
    rows: list[list[_TableCell]] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


def _row_key(grid: _Grid, row: int) -> tuple[str, ...]:
    return tuple(
        re.sub(r"\s+", "", cell.text) if cell.columns.start == c else ""
        for c, cell in enumerate(grid.cover[row])
    )


def _tables(pages: list[_Page]) -> list[SourceTable]:
    tables: list[_Table] = []
    for page in pages:
        for grid in page.grids:
            if tables and _goes_on(tables[-1].last, grid, pages):
                _append_part(tables[-1], grid, pages[grid.page - 1])
            else:
                tables.append(_new_table(grid, page))
    return [_source_table(table) for table in tables]


def _goes_on(before: _Grid, grid: _Grid, pages: list[_Page]) -> bool:
    """``grid`` continues the table that ended with ``before`` on the previous page: nothing
    stands between them but the page break, and the columns are the same."""
    if grid.page != before.page + 1:
        return False
    page_before, page = pages[before.page - 1], pages[grid.page - 1]
    if page_before.grids[-1] is not before or page.grids[0] is not grid:
        return False
    if any(line.top > before.bottom for line in page_before.lines):
        return False
    if any(line.bottom < grid.top for line in page.lines):
        return False
    if len(grid.columns) != len(before.columns):
        return False
    return all(
        abs((x - grid.x0) - (y - before.x0)) < 4
        for x, y in zip(grid.columns, before.columns, strict=True)
    )


def _new_table(grid: _Grid, page: _Page) -> _Table:
    header = [_row_key(grid, r) for r in range(min(3, len(grid.cover)))]
    table = _Table(grid, header, header_fields(list(header[0])) or {})
    _add_rows(table, grid, page, start=0, cells={})
    return table


def _append_part(table: _Table, grid: _Grid, page: _Page) -> None:
    """Add the part of a table on the next page: repeated header rows dropped, a continued
    row joined cell by cell, a merged cell cut by the page break made whole again."""
    table.last = grid
    start = 0
    while (
        start < len(grid.cover)
        and start < len(table.header)
        and _row_key(grid, start) == table.header[start]
    ):
        start += 1
    if start == len(grid.cover):
        return
    cells: dict[int, _TableCell] = {}
    previous = table.rows[-1]
    continued = _is_continuation(table, grid, start)
    for column, cell in enumerate(grid.cover[start]):
        above = previous[column]
        if id(cell) in cells or above.column != cell.columns.start:
            continue
        merged = above.spans > 1 or len(cell.rows) > 1 or table.fields.get(column) == "area"
        if continued:
            above.text = _join_text(above.text, cell.text)
        elif merged and (not above.text or not cell.text):
            above.text = above.text or cell.text
        else:
            continue
        cells[id(cell)] = above
    _add_rows(table, grid, page, start + 1 if continued else start, cells)


def _is_continuation(table: _Table, grid: _Grid, row: int) -> bool:
    """A row at the top of a page without its own 序号 is the rest of the row above,
    broken by the page — unless it names its own lead unit (a sub-row of a merged measure)
    and the row above ended whole."""
    columns = {f: c for c, f in table.fields.items()}
    cells = grid.cover[row]
    if cells[columns.get("seq", 0)].text:
        return False
    lead = columns.get("lead", columns.get("units"))
    if lead is None or not cells[lead].text:
        return True
    above = table.rows[-1]
    work = columns.get("work", columns.get("measure"))
    return _cut_unit_list(above[lead].text) or (
        work is not None and above[work].text.endswith(_CUT_ENDINGS)
    )


_CUT_ENDINGS = tuple("、，,；;：:（(“的和及与")


def _cut_unit_list(text: str) -> bool:
    """A unit list that stops inside a name (各县（市）区人民政 | 府): the page cut it."""
    text = text.strip()
    if not text or is_none_mark(text) or text.endswith(("）", ")")):
        return False
    return text.endswith(_CUT_ENDINGS) or not text.endswith(vocabulary().unit_suffixes)


def _add_rows(
    table: _Table, grid: _Grid, page: _Page, start: int, cells: dict[int, _TableCell]
) -> None:
    for r in range(start, len(grid.cover)):
        row: list[_TableCell] = []
        for cell in grid.cover[r]:
            shared = cells.get(id(cell))
            if shared is None:
                shared = cells[id(cell)] = _TableCell(cell.text, cell.columns.start)
            if not row or row[-1] is not shared:
                shared.spans += 1
            row.append(shared)
        table.rows.append(row)
        table.places.append(_row_place(grid, r, page))


def _row_place(grid: _Grid, row: int, page: _Page) -> Place:
    """The page and line where a row's own text begins (or where the row begins)."""
    own = [line for cell in grid.cover[row] if cell.rows.start == row for line in cell.lines]
    if own:
        return Place(page=grid.page, line=min(own, key=lambda line: line.top).number)
    top = grid.cover[row][0].top if grid.cover[row][0].rows.start == row else grid.top
    return Place(page=grid.page, line=_line_at(page, top))


def _source_table(table: _Table) -> SourceTable:
    rows = [
        [cell.text if cell.column == c else "" for c, cell in enumerate(row)] for row in table.rows
    ]
    return SourceTable(rows=rows, places=list(table.places), merged_filled=True)
