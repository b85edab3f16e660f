"""Make the PDF test fixtures (run once by hand; the results are committed).

    .venv/bin/python tools/make_pdf_fixtures.py [--out tests/fixtures/pdf]

Needs LibreOffice (``soffice``) and the Noto CJK fonts. For each plan text of our own
writing in the output folder (``*.txt``) it writes:

* ``<name>.docx`` — the plan typeset as an official document (GB/T 9704 page, a running
  header line with the plan's title, page numbers "— 3 —" in the footer, headings, first-line
  indents); tab-separated lines become a ruled table whose header row repeats on every page,
  whose rows may break across pages, whose 重点领域 cells are merged down their block and
  whose sub-rows (no 序号, no 行动措施) share the merged 序号 / 行动措施 cells above;
* ``<name>.pdf`` — that document converted by LibreOffice (a real text layer, real rules).

and from the first plan:

* ``扫描件.pdf`` — its first page as a picture only (a scan: no text layer);
* ``加密.pdf`` — the plan PDF with an open password (``示例``).

The fixtures are small, so the tests run on a fresh clone without LibreOffice.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "pdf"
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
PASSWORD = "示例"


def _font(run: Run, size: float, family: str = SERIF, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.name = family
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), family)


def _page_number_field(paragraph: Paragraph) -> None:
    """ "— PAGE —" as Word fields, so every page shows its own number."""
    _font(paragraph.add_run("— "), 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        _font(run, 14)
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._element.append(field)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.text = text
            run._element.append(instruction)
    _font(paragraph.add_run(" —"), 14)


def _set_up_page(document: docx.document.Document, running_header: str) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(header.add_run(running_header), 10.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(footer)


def _paragraph(document: docx.document.Document, text: str, first: bool) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(29)
    if first:  # the title
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text), 22, SANS, bold=True)
        return
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Pt(32)
    if text[:1] in "一二三四五六七八九十" and "、" in text[:4]:
        _font(paragraph.add_run(text), 16, SANS)
    elif text.startswith("（") and len(text) < 30:
        _font(paragraph.add_run(text), 16, SERIF, bold=True)
    else:
        _font(paragraph.add_run(text), 16)


def _repeat_as_header(table: Table) -> None:
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row_properties.append(flag)


def _table(document: docx.document.Document, rows: list[list[str]]) -> None:
    """A ruled table: header repeated on each page, 重点领域 merged down its block, the
    序号 and 行动措施 of a sub-row merged with the row above."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(10), Mm(22), Mm(24), Mm(56), Mm(22), Mm(22)][:width]
    table.autofit = False
    for column, column_width in zip(table.columns, widths, strict=False):
        column.width = column_width
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.width = widths[c] if c < len(widths) else Mm(20)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            _font(paragraph.add_run(text), 10.5, SANS if r == 0 else SERIF, bold=r == 0)
    _repeat_as_header(table)
    _merge_down(table, rows, column=1, blank=lambda r: not rows[r][1])
    for column in (0, 2):
        _merge_down(table, rows, column, blank=lambda r: not rows[r][0] and not rows[r][2])


def _merge_down(table: Table, rows: list[list[str]], column: int, blank: object) -> None:
    assert callable(blank)
    r = 1
    while r < len(rows):
        end = r
        while end + 1 < len(rows) and blank(end + 1):
            end += 1
        if end > r:
            text = rows[r][column]
            merged = table.cell(r, column).merge(table.cell(end, column))
            for paragraph in merged.paragraphs[1:]:
                paragraph._element.getparent().remove(paragraph._element)
            merged.paragraphs[0].runs[0].text = text
        r = end + 1


def build_docx(source: Path, target: Path) -> None:
    """Typeset one plan text (see the module docstring)."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    document = docx.Document()
    _set_up_page(document, f"{lines[0]}（测试样本）")
    table_rows: list[list[str]] = []
    for index, line in enumerate(lines):
        if "\t" in line:
            table_rows.append(line.split("\t"))
            continue
        if table_rows:
            _table(document, table_rows)
            table_rows = []
        if line == "附件":
            document.add_section(WD_SECTION.NEW_PAGE)
        _paragraph(document, line, first=index == 0)
    if table_rows:
        _table(document, table_rows)
    document.save(str(target))


def soffice() -> str:
    """The LibreOffice program, or exit with a message."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        sys.exit("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui")
    return program


def to_pdf(source: Path, folder: Path, options: str = "") -> Path:
    """Convert with LibreOffice in a throwaway profile; the PDF lands in ``folder``."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf" + (f":writer_pdf_Export:{options}" if options else ""),
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return folder / f"{source.stem}.pdf"


def scanned_copy(pdf: Path, target: Path) -> None:
    """The first page of ``pdf`` as a grey JPEG picture on an otherwise empty page."""
    source = pdfium.PdfDocument(str(pdf))
    width, height = source[0].get_size()
    picture = source[0].render(scale=0.8, grayscale=True).to_pil()
    with tempfile.TemporaryDirectory() as tmp:
        jpeg = Path(tmp) / "page.jpg"
        picture.save(jpeg, quality=40)
        scan = pdfium.PdfDocument.new()
        page = scan.new_page(width, height)
        image = pdfium.PdfImage.new(scan)
        image.load_jpeg(str(jpeg), inline=True)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
        scan.save(str(target))


def encrypted_copy(docx_path: Path, target: Path) -> None:
    """The document exported again with an open password."""
    options = json.dumps(
        {
            "EncryptFile": {"type": "boolean", "value": "true"},
            "DocumentOpenPassword": {"type": "string", "value": PASSWORD},
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf = to_pdf(docx_path, Path(tmp), options)
        shutil.copyfile(pdf, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sources = sorted(args.out.glob("*.txt"))
    if not sources:
        sys.exit(f"no plan texts (*.txt) in {args.out}")
    for source in sources:
        target = source.with_suffix(".docx")
        build_docx(source, target)
        pdf = to_pdf(target, args.out)
        pages = len(pdfium.PdfDocument(str(pdf)))
        print(f"{pdf.name}: {pages} pages, {pdf.stat().st_size // 1024} KB")
    first = sources[0]
    scanned_copy(first.with_suffix(".pdf"), args.out / "扫描件.pdf")
    encrypted_copy(first.with_suffix(".docx"), args.out / "加密.pdf")
    for name in ("扫描件.pdf", "加密.pdf"):
        print(f"{name}: {(args.out / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
