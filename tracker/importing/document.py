"""What a reader hands to the parsers: a document's text lines and tables, each with its place.

Readers (``sources.py``, ``pdf.py``) turn a .txt / .docx / .xlsx / .pdf file into a
:class:`SourceDocument`; the parsers never look at the file format again. Every line and
every table row carries a :class:`Place`, so that any warning or error can say where in the
file it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.importing.result import ImportWarning


@dataclass(frozen=True)
class Place:
    """A position in a source file, printed in Chinese: 第12行, 第3段, 表2第5行, 工作表“分工”第7行,
    and in a PDF 第3页第12行 (the 12th line of text on page 3, running header and footer
    not counted)."""

    line: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    sheet: str | None = None
    page: int | None = None

    def __str__(self) -> str:
        if self.page is not None:
            return (
                f"第{self.page}页第{self.line}行" if self.line is not None else f"第{self.page}页"
            )
        if self.sheet is not None:
            return f"工作表“{self.sheet}”第{self.row}行"
        if self.table is not None:
            return f"表{self.table}第{self.row}行"
        if self.line is not None:
            return f"第{self.line}行"
        if self.paragraph is not None:
            return f"第{self.paragraph}段"
        return "文件"


@dataclass(frozen=True)
class SourceLine:
    """One line of running text (a text-file line, a Word paragraph, a PDF paragraph).

    A paragraph rebuilt from several printed lines (PDF) keeps where each of its lines
    starts: ``line_starts`` holds (offset in ``text``, place) for every line after the
    first, so that a task found inside it can name its own line.
    """

    text: str
    place: Place
    line_starts: tuple[tuple[int, Place], ...] = ()


@dataclass
class SourceTable:
    """A table: rows of cell texts, one :class:`Place` per row.

    ``merged_filled`` is True when the reader knew the merged cells and copied a merged
    cell's text into every row it spans (Word, Excel); False for tables recovered from
    plain text, where a merged label appears on one row only.
    """

    rows: list[list[str]]
    places: list[Place]
    merged_filled: bool = False
    name: str = ""


@dataclass
class SourceDocument:
    """A plan document as read from disk."""

    path: Path
    format: str  # "txt" | "docx" | "xlsx" | "pdf", or the legacy format converted ("doc" …)
    sha256: str
    lines: list[SourceLine] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    encoding: str | None = None
    warnings: list[ImportWarning] = field(default_factory=list)  # what the reader could not read
