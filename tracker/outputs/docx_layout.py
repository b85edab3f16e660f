"""The official document layout (GB/T 9704-2012) for python-docx: page, fonts, paragraph
styles, page numbers, a landscape section and large tables built as XML.

Layout numbers come from ``resources/outputs/report.json``:

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the type area (156 × 225
  mm) holds 22 lines of 28 characters: every paragraph has an exact line spacing of one
  22nd of the type area's height (and the line grid, ``w:docGrid``, has that pitch), and
  the body styles condense each character by a fraction of a point so that exactly 28
  characters of 3号 fit in 156 mm (28 × 16 pt is 158 mm). A character grid would do the
  same in Word, but LibreOffice gives each 16 pt character two grid cells of 15.8 pt;
  character spacing lays out alike everywhere;
- fonts are set on ``w:eastAsia`` as well as ``w:ascii``/``w:hAnsi`` (python-docx sets only
  the latter, and Word takes Chinese text from the former); the theme fonts of the default
  template are removed so they cannot win; each official font gets a fallback in the font
  table (``w:altName``) for a PC that lacks it;
- page numbers ``— N —`` in 4号宋体 at the outside edge, one character in: right on odd
  pages, left on even pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from tracker.outputs.common import chinese_number, clean_text

# The paragraph styles (by name; python-docx looks styles up by name).
BODY = "Normal"
TITLE = "公文标题"
HEADING1 = "公文一级标题"
HEADING2 = "公文二级标题"
PLAIN = "公文顶格"
SIGNATURE = "公文落款"
ATTACHMENT_MARK = "附件标识"
ATTACHMENT_TITLE = "附件标题"
TABLE_TEXT = "表格文字"
TABLE_HEADER = "表格表头"
PAGE_NUMBER = "页码"
STYLE_IDS = {
    BODY: "Normal",
    TITLE: "GwTitle",
    HEADING1: "GwHeading1",
    HEADING2: "GwHeading2",
    PLAIN: "GwPlain",
    SIGNATURE: "GwSignature",
    ATTACHMENT_MARK: "GwAttachmentMark",
    ATTACHMENT_TITLE: "GwAttachmentTitle",
    TABLE_TEXT: "GwTableText",
    TABLE_HEADER: "GwTableHeader",
    PAGE_NUMBER: "GwPageNumber",
}

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_PT = 20


def _attributes(element: Any, **attributes: str) -> None:
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)


def _child(parent: Any, tag: str, **attributes: str) -> Any:
    """The first ``tag`` child of ``parent`` (appended if missing), with ``attributes``
    set; only for elements whose children have no order to keep (the font table)."""
    found = parent.find(qn(tag))
    if found is None:
        found = etree.SubElement(parent, qn(tag))
    _attributes(found, **attributes)
    return found


@dataclass(frozen=True)
class Grid:
    """The type area's grid: the line pitch and the spacing added to each body character
    (twips, negative: condensed), for the layout's lines per page and characters per line."""

    line_pitch: int
    char_spacing: int
    body_size: float

    @property
    def char_pitch_pt(self) -> float:
        """The width of one body character (points), spacing included."""
        return self.body_size + self.char_spacing / TWIPS_PER_PT

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Grid:
        """Compute the grid from the page, margins, lines and characters of a layout."""
        page, margins = spec["page"], spec["page"]["margins"]
        height_mm = page["height"] - margins["top"] - margins["bottom"]
        width_mm = page["width"] - margins["left"] - margins["right"]
        line_pitch = int(height_mm * TWIPS_PER_MM / page["lines_per_page"])
        body = float(spec["sizes"]["body"])
        pitch_twips = width_mm * TWIPS_PER_MM / page["chars_per_line"]
        # The largest spacing (a whole twip) with which N characters still fit, N + 1 not.
        return cls(line_pitch, math.floor(pitch_twips - body * TWIPS_PER_PT), body)


# ---------------------------------------------------------------- fonts


def set_fonts(rpr: Any, east_asia: str, latin: str) -> None:
    """Set a run's or style's fonts: ``w:eastAsia`` for Chinese, ``w:ascii``/``w:hAnsi``
    for Latin letters and digits; theme font attributes (which would win) are removed."""
    fonts = rpr.get_or_add_rFonts()
    for key in list(fonts.attrib):
        if key.endswith("Theme") or key.endswith("theme"):
            del fonts.attrib[key]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_defaults(document: DocxDocument, spec: Mapping[str, Any]) -> None:
    """Document defaults: body font and size, Chinese language, no space after paragraphs
    (the default template has each of these elements; only their attributes change)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = spec["fonts"]
    set_fonts(rpr, fonts["body"], fonts["latin"])
    half_points = str(round(spec["sizes"]["body"] * 2))
    _attributes(rpr.find(qn("w:sz")), val=half_points)
    _attributes(rpr.find(qn("w:szCs")), val=half_points)
    _attributes(rpr.find(qn("w:lang")), eastAsia="zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _attributes(ppr.find(qn("w:spacing")), after="0", line="240", lineRule="auto")
    _attributes(document.settings.element.find(qn("w:themeFontLang")), eastAsia="zh-CN")


def _font_table(document: DocxDocument, fallbacks: Mapping[str, str]) -> None:
    """Name a fallback for each official font in the font table (``w:altName``)."""
    part = document.part
    font_part = next(
        (rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")),
        None,
    )
    if font_part is None:
        return
    root = etree.fromstring(font_part.blob)
    for name, alternative in fallbacks.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        _child(font, "w:altName", val=alternative)
        _child(font, "w:charset", val="86")  # GB2312
        _child(font, "w:family", val="roman" if "黑" not in name else "modern")
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class ParagraphStyle:
    """A paragraph style of the report."""

    style_id: str
    name: str
    east_asia: str
    size: float
    align: str = "both"  # left | center | right | both
    first_line_chars: int = 0
    exact: bool = True  # exact line spacing on the grid (False: single)
    outline_level: int | None = None
    bold: bool = False
    latin: str | None = None
    snap: bool = True  # False: keep off the line grid (a title larger than a grid line)


_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:jc")
_PPR_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _insert(parent: Any, tag: str, successors: Sequence[str], **attributes: str) -> None:
    """Add a ``tag`` child to ``parent`` in its schema place (before ``successors``)."""
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    parent.insert_element_before(element, *successors)


def add_style(document: DocxDocument, style: ParagraphStyle, grid: Grid, latin: str) -> BaseStyle:
    """Add (or redefine) a paragraph style (through python-docx where it can, so that
    every element lands in its schema order, which Word insists on)."""
    styles = document.styles
    found = next((s for s in styles if s.style_id == style.style_id), None)
    target = found or styles.add_style(style.name, WD_STYLE_TYPE.PARAGRAPH)
    target.style_id = style.style_id
    fmt = target.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    if style.exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(grid.line_pitch)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if not style.exact or not style.snap:
        _insert(target.element.get_or_add_pPr(), "w:snapToGrid", _PPR_AFTER_SNAP, val="0")
    fmt.alignment = _ALIGN[style.align]
    ppr = target.element.get_or_add_pPr()
    # Set even when zero: LibreOffice lets a style without a base inherit Normal's indent.
    fmt.first_line_indent = Pt(style.first_line_chars * style.size)
    fmt.left_indent = fmt.right_indent = Pt(0)
    ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(style.first_line_chars * 100))
    if style.outline_level is not None:
        _insert(ppr, "w:outlineLvl", _PPR_AFTER_OUTLINE, val=str(style.outline_level))
    target.font.size = Pt(style.size)
    target.font.bold = style.bold
    rpr = target.element.get_or_add_rPr()
    set_fonts(rpr, style.east_asia, style.latin or latin)
    if style.size == grid.body_size and style.exact and grid.char_spacing:
        _insert(rpr, "w:spacing", _RPR_AFTER_SPACING, val=str(grid.char_spacing))
    return target  # type: ignore[no-any-return]


def report_styles(spec: Mapping[str, Any]) -> list[ParagraphStyle]:
    """The paragraph styles of the report, from the layout's fonts and sizes."""
    fonts, sizes = spec["fonts"], spec["sizes"]
    body, table = sizes["body"], sizes["table"]

    def style(name: str, font: str, size: float, **options: Any) -> ParagraphStyle:
        return ParagraphStyle(STYLE_IDS[name], name, font, size, **options)

    return [
        style(BODY, fonts["body"], body, first_line_chars=2),
        style(TITLE, fonts["title"], sizes["title"], align="center", snap=False),
        style(HEADING1, fonts["heading1"], body, first_line_chars=2, outline_level=0),
        style(HEADING2, fonts["heading2"], body, first_line_chars=2, outline_level=1),
        style(PLAIN, fonts["body"], body, align="left"),
        style(SIGNATURE, fonts["body"], body, align="right"),
        style(ATTACHMENT_MARK, fonts["heading1"], body, align="left"),
        style(
            ATTACHMENT_TITLE, fonts["title"], sizes["attachment_title"], align="center", snap=False
        ),
        style(TABLE_TEXT, fonts["table"], table, align="left", exact=False),
        style(TABLE_HEADER, fonts["table_header"], table, align="center", exact=False),
        style(
            PAGE_NUMBER,
            fonts["page_number"],
            sizes["page_number"],
            align="right",
            exact=False,
            latin=fonts["page_number"],
        ),
    ]


# ---------------------------------------------------------------- the document


def new_document(spec: Mapping[str, Any], *, title: str, author: str) -> DocxDocument:
    """An empty document in the official layout: defaults, styles, A4 page, grid, footers."""
    document = Document()
    grid = Grid.from_spec(spec)
    _set_defaults(document, spec)
    _font_table(document, spec["font_fallbacks"])
    for style in report_styles(spec):
        add_style(document, style, grid, spec["fonts"]["latin"])
    section = document.sections[0]
    page, margins = spec["page"], spec["page"]["margins"]
    section.page_width, section.page_height = Mm(page["width"]), Mm(page["height"])
    section.orientation = WD_ORIENT.PORTRAIT
    _margins(section, margins, page)
    _grid(section, grid)
    document.settings.odd_and_even_pages_header_footer = True
    _page_numbers(section, spec)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.language = "zh-CN"
    return document


def _margins(section: Any, margins: Mapping[str, float], page: Mapping[str, Any]) -> None:
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = Mm(page["header_distance"])
    section.footer_distance = Mm(page["footer_distance"])
    section.gutter = Mm(0)


def _grid(section: Any, grid: Grid | None) -> None:
    """The line grid of a section (None: no grid, for the table pages)."""
    element = section._sectPr.find(qn("w:docGrid"))
    if element is None:
        element = OxmlElement("w:docGrid")
        section._sectPr.insert_element_before(element, "w:printerSettings", "w:sectPrChange")
    if grid is None:
        element.attrib.pop(qn("w:type"), None)
        element.set(qn("w:linePitch"), "312")
        return
    element.set(qn("w:type"), "lines")
    element.set(qn("w:linePitch"), str(grid.line_pitch))


def _page_numbers(section: Any, spec: Mapping[str, Any]) -> None:
    """``— N —`` at the outside edge, one character in from the margin."""
    indent = Pt(spec["sizes"]["page_number"])
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = PAGE_NUMBER
        paragraph.alignment = _ALIGN[align]
        if align == "right":
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        before, _, after = spec["page_number"].partition("{page}")
        paragraph.add_run(before)
        _page_field(paragraph)
        paragraph.add_run(after)


def _page_field(paragraph: Paragraph) -> None:
    runs = [
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ]
    for run in runs:
        paragraph._p.append(parse_xml(run))


def landscape_section(document: DocxDocument, spec: Mapping[str, Any]) -> Any:
    """Start a new page in landscape for the 附件 (page numbers continue, no line grid)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    page = spec["page"]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(page["height"]), Mm(page["width"])
    _margins(section, page["landscape_margins"], page)
    _grid(section, None)
    return section


def text_width_twips(spec: Mapping[str, Any], *, landscape: bool) -> int:
    """The width of the type area in twips."""
    page = spec["page"]
    if landscape:
        margins = page["landscape_margins"]
        return int((page["height"] - margins["left"] - margins["right"]) * TWIPS_PER_MM)
    margins = page["margins"]
    return int((page["width"] - margins["left"] - margins["right"]) * TWIPS_PER_MM)


# ---------------------------------------------------------------- title and signature


def chars(text: str) -> float:
    """Width of ``text`` in body characters: a letter or digit counts half."""
    narrow = len(text.encode("ascii", "ignore"))
    return (len(text) - narrow) + narrow / 2


def title_lines(spec: Mapping[str, Any], title: str) -> list[str]:
    """A title on one line when it fits the type area at the title size, else broken at
    the ``|`` marks the wording puts where a break keeps the words whole (GB/T 9704:
    标题回行时词意完整); without the marks in the result."""
    page, margins = spec["page"], spec["page"]["margins"]
    width_pt = (page["width"] - margins["left"] - margins["right"]) / 25.4 * 72
    whole = title.replace("|", "")
    if chars(whole) <= width_pt / spec["sizes"]["title"]:
        return [whole]
    return [part for part in title.split("|") if part]


# ---------------------------------------------------------------- paragraphs


Runs = Sequence[tuple[str, bool]]


@dataclass
class _Paragraph:
    style: str
    runs: Runs
    keep_with_next: bool = False
    left: float = 0.0
    right: float = 0.0
    line_breaks: bool = False

    def xml(self) -> str:
        props = ""
        if self.style != BODY:
            props += f'<w:pStyle w:val="{STYLE_IDS[self.style]}"/>'
        if self.keep_with_next:
            props += "<w:keepNext/>"
        if self.left or self.right:
            props += (
                f'<w:ind w:left="{round(self.left * TWIPS_PER_PT)}" '
                f'w:right="{round(self.right * TWIPS_PER_PT)}"/>'
            )
        runs = []
        for text, bold in self.runs:
            bold_xml = "<w:rPr><w:b/></w:rPr>" if bold else ""
            for index, line in enumerate(text.split("\n")):
                br = "<w:br/>" if index else ""
                runs.append(
                    f'<w:r>{bold_xml}{br}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
                )
        return f"<w:p><w:pPr>{props}</w:pPr>{''.join(runs)}</w:p>"


class Body:
    """Paragraphs added to the end of a document's body, written as XML and parsed in
    batches. python-docx's ``add_paragraph`` looks for the body's ``w:sectPr`` among all
    the body's children for every paragraph: quadratic, 10 s for a 5,000-task report."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self._pending: list[_Paragraph] = []

    def add(
        self,
        parts: Runs | str,
        style: str = BODY,
        *,
        keep_with_next: bool = False,
        left: float = 0.0,
        right: float = 0.0,
        line_breaks: bool = False,
    ) -> None:
        """Add a paragraph of ``style`` made of ``(text, bold)`` runs (or one plain text),
        indented ``left``/``right`` points. A line break in the text starts a new paragraph
        of the same style (a manual line break would stretch the line before it when the
        paragraph is justified), unless ``line_breaks`` keeps them in one paragraph."""
        runs: Runs = [(parts, False)] if isinstance(parts, str) else parts

        def paragraph(content: Runs, breaks: bool = False) -> _Paragraph:
            return _Paragraph(style, content, keep_with_next, left, right, breaks)

        if line_breaks:
            self._pending.append(paragraph([(clean_text(t), b) for t, b in runs], True))
            return
        current: list[tuple[str, bool]] = []
        for text, bold in runs:
            for index, line in enumerate(clean_text(text).split("\n")):
                if index:
                    self._pending.append(paragraph(current))
                    current = []
                if line:
                    current.append((line, bold))
        self._pending.append(paragraph(current))

    def keep_last_with_next(self) -> None:
        """Keep the paragraph added last on the same page as the next one."""
        if self._pending:
            self._pending[-1].keep_with_next = True

    def flush(self) -> None:
        """Put the pending paragraphs into the document (before its last ``w:sectPr``)."""
        if not self._pending:
            return
        xml = "".join(p.xml() for p in self._pending)
        self._pending.clear()
        fragment = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
        anchor = self.document.element.body.sectPr
        for child in list(fragment):
            anchor.addprevious(child)

    def add_block(self, element: Any) -> None:
        """Put a block element (a table) after the paragraphs added so far.

        An empty element of the same kind is put into the document and the children are
        moved into it one by one: lxml moves a node with many children (a table of 50,000
        rows) into another document in quadratic time, but each small row in linear time.
        """
        self.flush()
        shell = OxmlElement(f"{element.prefix}:{etree.QName(element).localname}")
        self.document.element.body.sectPr.addprevious(shell)
        for child in list(element):
            shell.append(child)


def front(body: Body, title_lines: Sequence[str], addressee: str | None, opening: str) -> None:
    """The title (its lines), a blank line, the addressee (主送机关, when given) and the
    opening paragraph of a report."""
    body.add("\n".join(title_lines), TITLE, line_breaks=True)
    body.add("", PLAIN)
    if addressee:
        body.add(addressee, PLAIN)
    body.add(opening)


def numbered_sections(
    body: Body,
    sections: Sequence[tuple[str, Callable[[], None]]],
    step: Callable[[int], None],
) -> None:
    """First-level sections 一、二、… : each heading, then its writer; ``step(n)`` after
    the n-th (progress and cancel)."""
    for number, (heading, write) in enumerate(sections, 1):
        body.add(f"{chinese_number(number)}、{heading}", HEADING1)
        write()
        step(number)


# Renderers add about a quarter of a character between Chinese and digits, four times in
# 2025年7月12日: a date is counted this much wider than its characters.
DATE_SLACK_CHARS = 1.0


def closing(
    body: Body,
    spec: Mapping[str, Any],
    issuer: str,
    date: str,
    attachment_line: str | None = None,
) -> None:
    """附件说明 (when given), the signing office and the date (GB/T 9704 7.3.5.2, 8): one
    blank line after the body, 附件：…, one blank line, the office two characters in from
    the right, the date below it starting two characters right of where the office's name
    starts. When the date is the longer (a short name: 示例市滨湖社区), the date stands two
    characters in from the right and the office moves right to start two characters after
    it. They are kept on one page with the end of the body, so the signature never stands
    alone on a page."""
    body.keep_last_with_next()
    body.add("", PLAIN, keep_with_next=True)
    if attachment_line:
        body.add(attachment_line, keep_with_next=True)
        body.add("", PLAIN, keep_with_next=True)
    pitch = Grid.from_spec(spec).char_pitch_pt
    date_chars = chars(date) + DATE_SLACK_CHARS
    if date_chars > chars(issuer):
        body.add(issuer, SIGNATURE, keep_with_next=True, right=(date_chars - chars(issuer)) * pitch)
        body.add(date, SIGNATURE, right=2 * pitch)
        return
    body.add(issuer, SIGNATURE, keep_with_next=True, right=2 * pitch)
    # The date is placed from the left, where the name starts plus two characters: its
    # own width depends on the digits' font and on the gaps renderers put around them.
    width = text_width_twips(spec, landscape=False) / TWIPS_PER_PT
    body.add(date, PLAIN, left=max(0.0, width - chars(issuer) * pitch))


# ---------------------------------------------------------------- tables as XML


def _cell_paragraphs(style: str, parts: Sequence[tuple[str, bool]]) -> str:
    """The ``w:p`` elements of one cell: a new paragraph at each line break."""
    paragraphs: list[list[str]] = [[]]
    for text, bold in parts:
        bold_xml = "<w:rPr><w:b/></w:rPr>" if bold else ""
        for index, line in enumerate(clean_text(text).split("\n")):
            if index:
                paragraphs.append([])
            if line:
                paragraphs[-1].append(
                    f'<w:r>{bold_xml}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
                )
    head = f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
    return "".join(head + "".join(runs) + "</w:p>" for runs in paragraphs)


@dataclass(frozen=True)
class TableCell:
    """One cell of a :func:`table` row: runs of ``(text, bold)``; ``merge`` is ``restart``
    for the first cell of a vertical merge, ``continue`` for the cells below it."""

    parts: tuple[tuple[str, bool], ...]
    merge: str | None = None


def table(
    widths: Sequence[int],
    headers: Sequence[str],
    rows: Sequence[Sequence[TableCell]],
    *,
    body_style: str = STYLE_IDS[TABLE_TEXT],
    header_style: str = STYLE_IDS[TABLE_HEADER],
) -> Any:
    """A bordered table with a header row repeated on every page, built as one XML string
    and parsed once: linear in the number of cells, where python-docx's ``cell()`` access
    is quadratic."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
    ]
    for width, header in zip(widths, headers, strict=True):
        parts.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
            f"</w:tcPr>{_cell_paragraphs(header_style, [(header, False)])}</w:tc>"
        )
    parts.append("</w:tr>")
    for row in rows:
        parts.append("<w:tr>")
        for width, cell in zip(widths, row, strict=True):
            merge = ""
            if cell.merge == "restart":
                merge = '<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>'
            elif cell.merge == "continue":
                merge = "<w:vMerge/>"
            content = _cell_paragraphs(body_style, cell.parts if cell.merge != "continue" else ())
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merge}</w:tcPr>{content}</w:tc>'
            )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return parse_xml("".join(parts))
