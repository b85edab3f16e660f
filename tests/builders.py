"""Builders of small test files: Word documents, Excel workbooks and raw zip archives.

They write real files with python-docx and openpyxl, so tests can state their input
inline: the paragraphs and table cells of a .docx, the sheets of an .xlsx, with merged
cells, number formats and formula cells that carry a cached value.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import docx
import openpyxl
from lxml import etree

# A merged block of a Word table: (top row, left column, bottom row, right column),
# 0-based and inclusive.
Span = tuple[int, int, int, int]

MB = 1024 * 1024


@dataclass(frozen=True)
class Formula:
    """A formula cell of :func:`write_xlsx`, with the value Excel would have cached for it.

    openpyxl writes formulas without a value; the builder patches ``cached`` into the
    sheet XML, as if the file had been saved by Excel.
    """

    formula: str  # "=A2*2"
    cached: str | int | float | bool


def write_docx(
    path: Path,
    paragraphs: Sequence[str] = (),
    tables: Sequence[Sequence[Sequence[str]]] = (),
    merges: Mapping[int, Sequence[Span]] | None = None,
) -> Path:
    """Write a .docx: the paragraphs, then each table (rows of cell texts).

    ``merges`` maps a table's index to the blocks of cells to merge. Only the top-left cell
    of a block may hold text; the other positions of the block must be "". A "\\n" in a
    cell text starts a new paragraph in the cell.
    """
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for index, rows in enumerate(tables):
        width = max((len(row) for row in rows), default=0)
        table = document.add_table(rows=len(rows), cols=width)
        spans = (merges or {}).get(index, ())
        for top, left, bottom, right in spans:
            table.cell(top, left).merge(table.cell(bottom, right))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                covering = [s for s in spans if s[0] <= r <= s[2] and s[1] <= c <= s[3]]
                if covering and (r, c) != covering[0][:2]:
                    if text:
                        raise ValueError(f"table {index} cell ({r}, {c}) is inside a merge")
                    continue
                _set_cell_text(table.cell(r, c), text)
    document.save(str(path))
    return path


def _set_cell_text(cell: docx.table._Cell, text: str) -> None:
    first, *more = text.split("\n")
    cell.text = first
    for line in more:
        cell.add_paragraph(line)


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    merges: Mapping[str, Sequence[str]] | None = None,
    titles: Mapping[str, str] | None = None,
    number_formats: Mapping[str, Mapping[str, str]] | None = None,
    hidden: Collection[str] = (),
) -> Path:
    """Write an .xlsx (or .xlsm) with one sheet per entry of ``sheets`` (rows of values).

    - ``titles``: a sheet's title text goes in row 1, merged across the width of its rows;
      the rows then start on row 2 (cell addresses in ``merges`` and ``number_formats``
      are the final ones).
    - ``merges``: ranges such as ``"A3:A5"`` per sheet.
    - ``number_formats``: ``{"Sheet": {"C2": "0.0%"}}``.
    - ``hidden``: titles of sheets to hide.
    - a :class:`Formula` value writes a formula with its cached result.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    cached: dict[str, dict[str, object]] = {}
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        first_row = 1
        if titles and title in titles:
            width = max((len(row) for row in rows), default=1)
            sheet.cell(row=1, column=1, value=titles[title])
            if width > 1:
                sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
            first_row = 2
        for r, row in enumerate(rows, start=first_row):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, Formula):
                    cell.value = value.formula
                    cached.setdefault(title, {})[cell.coordinate] = value.cached
                elif value is not None:
                    cell.value = value
        for cell_range in (merges or {}).get(title, ()):
            sheet.merge_cells(cell_range)
        for coordinate, number_format in (number_formats or {}).get(title, {}).items():
            sheet[coordinate].number_format = number_format
        if title in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(str(path))
    if cached:
        _patch_cached_values(path, cached)
    return path


def _patch_cached_values(path: Path, cached: Mapping[str, Mapping[str, object]]) -> None:
    """Put each formula's cached value into its <v> element, as Excel does on saving."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    parts = {info.filename: data for info, data in members}
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    workbook = etree.fromstring(parts["xl/workbook.xml"])
    sheet_parts = {}
    for sheet in workbook.iter(f"{main}sheet"):
        target = targets[sheet.get(f"{rel_ns}id")]
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        sheet_parts[sheet.get("name")] = part
    for title, values in cached.items():
        part = sheet_parts[title]
        root = etree.fromstring(parts[part])
        for cell in root.iter(f"{main}c"):
            if cell.get("r") not in values:
                continue
            value = values[cell.get("r")]
            v = cell.find(f"{main}v")
            if v is None:
                v = etree.SubElement(cell, f"{main}v")
            if isinstance(value, bool):
                cell.set("t", "b")
                v.text = "1" if value else "0"
            elif isinstance(value, int | float):
                cell.attrib.pop("t", None)
                v.text = repr(value)
            else:
                cell.set("t", "str")
                v.text = str(value)
        parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, _ in members:
            archive.writestr(info, parts[info.filename])


def write_zip(
    path: Path, members: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Write a zip archive with the given members (name → content)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_zip_bomb(
    path: Path,
    size: int = 300 * MB,
    member: str = "word/document.xml",
    others: Mapping[str, bytes] | None = None,
) -> Path:
    """Write a zip whose ``member`` inflates to ``size`` zero bytes.

    The zeros are streamed through the compressor 1 MB at a time, so a 300 MB member
    costs a few hundred KB on disk and little memory.
    """
    chunk = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in (others or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=size > 2**31) as stream:
            remaining = size
            while remaining > 0:
                stream.write(chunk[: min(remaining, MB)])
                remaining -= MB
    return path
