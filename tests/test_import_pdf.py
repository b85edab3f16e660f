"""PDF plans read from their text layer: paragraphs rebuilt across lines and pages, running
headers and page numbers dropped, ruled tables read by their rules, every task with its
page and line; scanned, encrypted and damaged PDFs refused with their own message.

The fixtures in tests/fixtures/pdf are plans of our own writing, typeset by LibreOffice
(tools/make_pdf_fixtures.py): the same plan as .txt, .docx and .pdf."""

from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tracker.cli import main
from tracker.db import Database
from tracker.errors import ImportFailed
from tracker.importing.document import Place, SourceDocument
from tracker.importing.importer import parse_plan
from tracker.importing.pdf import is_page_number
from tracker.importing.result import ParsedPlan, ParsedTask
from tracker.importing.sources import read_document
from tracker.services import plans
from tracker.services.actor import SYSTEM

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
TYPESET = FIXTURES / "示例市碳达峰实施方案"  # annotated measures, 5 pages
TABLE = FIXTURES / "示例县碳达峰实施方案任务分工"  # body + a ruled 任务分工 table over 2 pages
SCANNED = FIXTURES / "扫描件.pdf"
ENCRYPTED = FIXTURES / "加密.pdf"


def pdf_of(plan: Path) -> Path:
    return plan.with_suffix(".pdf")


def breakdown(plan: ParsedPlan) -> list[tuple[object, ...]]:
    """Everything of a task but its place (a line number means something else in each format)."""
    return [
        (
            t.area_code,
            t.area_title,
            t.code,
            t.title,
            t.content,
            t.lead_units,
            t.cooperating_units,
            t.targets,
            t.deadline,
            t.remarks,
        )
        for t in plan.tasks
    ]


def task(plan: ParsedPlan, code: str) -> ParsedTask:
    found = [t for t in plan.tasks if t.code == code]
    assert len(found) == 1, [t.code for t in plan.tasks]
    return found[0]


@pytest.fixture(scope="module")
def typeset() -> SourceDocument:
    return read_document(pdf_of(TYPESET))


@pytest.fixture(scope="module")
def typeset_plan() -> ParsedPlan:
    return parse_plan(pdf_of(TYPESET))


@pytest.fixture(scope="module")
def table_plan() -> ParsedPlan:
    return parse_plan(pdf_of(TABLE))


# ---------------------------------------------------------------- the same plan, three formats


@pytest.mark.parametrize("plan", [TYPESET, TABLE], ids=["typeset", "table"])
def test_txt_docx_and_pdf_give_the_same_breakdown(plan: Path) -> None:
    renderings = [parse_plan(plan.with_suffix(s)) for s in (".txt", ".docx", ".pdf")]

    assert [p.source_format for p in renderings] == ["txt", "docx", "pdf"]
    assert len({p.title for p in renderings}) == 1
    assert len({p.method for p in renderings}) == 1
    assert breakdown(renderings[0]) == breakdown(renderings[1]) == breakdown(renderings[2])
    assert len(renderings[2].tasks) >= 13


# ---------------------------------------------------------------- typeset text


def test_paragraphs_are_rebuilt_from_printed_lines(typeset: SourceDocument) -> None:
    source = TYPESET.with_suffix(".txt").read_text(encoding="utf-8")
    paragraphs = [line for line in source.splitlines() if line.strip()]

    assert [line.text for line in typeset.lines] == paragraphs


def test_running_header_and_page_numbers_are_dropped(typeset: SourceDocument) -> None:
    texts = [line.text for line in typeset.lines]

    assert not any("测试样本）" in text for text in texts)  # the header line of every page
    assert not any(re.search(r"—\s*\d+\s*—", text) for text in texts)


def test_an_annotation_broken_across_a_page_is_read_whole(
    typeset: SourceDocument, typeset_plan: ParsedPlan
) -> None:
    paragraph = next(line for line in typeset.lines if line.text.startswith("1.大力发展新能源"))
    pages = {paragraph.place.page} | {place.page for _, place in paragraph.line_starts}
    assert pages == {1, 2}  # the fixture really breaks this paragraph over two pages

    first = task(typeset_plan, "（一）1")
    assert first.lead_units == ["市发展改革委"]
    assert first.cooperating_units == [
        "市自然资源局",
        "市生态环境局",
        "市住房城乡建设局",
        "市农业农村局",
        "国网示例供电公司",
    ]


def test_every_task_names_its_page_and_line(typeset_plan: ParsedPlan) -> None:
    assert all(re.fullmatch(r"第\d+页第\d+行", t.where) for t in typeset_plan.tasks)
    # Counted on the printed page 2 (the running header not counted): the annotation of
    # measure 2 starts on its 6th line, measure 3's on its 10th.
    assert task(typeset_plan, "（一）2").where == "第2页第6行"
    assert task(typeset_plan, "（一）3").where == "第2页第10行"
    assert str(Place(page=3, line=12)) == "第3页第12行"


def test_warnings_name_page_and_line(typeset_plan: ParsedPlan) -> None:
    assert typeset_plan.warnings
    assert all(re.fullmatch(r"第\d+页第\d+行", w.where) for w in typeset_plan.warnings)


def watermarked(source: Path, target: Path, text: str) -> Path:
    """``source`` with ``text`` written diagonally across every page, as a draft stamp."""
    document = pdfium.PdfDocument(str(source))
    encoded = (text + "\0").encode("utf-16-le")
    angle = math.radians(45)
    for index in range(len(document)):
        page = document[index]
        stamp = pdfium_c.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", ctypes.c_float(60))
        pdfium_c.FPDFText_SetText(
            stamp, ctypes.cast(ctypes.c_char_p(encoded), ctypes.POINTER(pdfium_c.FPDF_WCHAR))
        )
        cos, sin = math.cos(angle), math.sin(angle)
        pdfium_c.FPDFPageObj_Transform(stamp, cos, sin, -sin, cos, 150, 250)
        pdfium_c.FPDFPage_InsertObject(page.raw, stamp)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
    document.save(str(target))
    return target


def test_a_diagonal_watermark_is_not_read_into_the_text(
    tmp_path: Path, typeset: SourceDocument, typeset_plan: ParsedPlan
) -> None:
    path = watermarked(pdf_of(TYPESET), tmp_path / "draft.pdf", "DRAFT 2025 COPY")

    document = read_document(path)
    plan = parse_plan(path)

    assert [line.text for line in document.lines] == [line.text for line in typeset.lines]
    assert breakdown(plan) == breakdown(typeset_plan)


@pytest.mark.parametrize(
    "text",
    [
        *("— 3 —", "-3-", "- 12 -", "·3·", "～3～", "3", "第3页", "第 3 页", "第3页共20页"),
        *("第 3 页 共 20 页", "第3页，共20页", "共20页 第3页", "3共20页", "3/20", "- 3 / 20 -"),
        *("Page 3", "Page 3 of 20"),
    ],
)
def test_page_number_forms(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize(
    "text", ["2025年", "3.加快建设", "第3行", "（3）", "2030", "第3批", "1.5", "—"]
)
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


# ---------------------------------------------------------------- ruled table


def test_table_row_broken_by_the_page_is_joined_cell_by_cell(table_plan: ParsedPlan) -> None:
    circular = task(table_plan, "5")

    assert circular.content.endswith("建设大宗固废综合利用基地。")
    assert circular.cooperating_units == ["县发展改革局", "县生态环境局", "示例县经济开发区管委会"]
    assert circular.where.startswith("第3页")


def test_merged_area_cell_spans_its_rows_over_the_page_break(table_plan: ParsedPlan) -> None:
    green = task(table_plan, "6")

    assert green.where.startswith("第4页")  # below the page break …
    assert green.area_title == "工业领域碳达峰行动"  # … in the block labelled on page 3
    assert [a for _, a in table_plan.areas] == [
        "能源绿色低碳转型行动",
        "工业领域碳达峰行动",
        "城乡建设绿色低碳行动",
        "交通运输绿色低碳行动",
        "保障措施",
    ]


def test_repeated_header_sub_rows_and_none_marks(table_plan: ParsedPlan) -> None:
    assert [t.code for t in table_plan.tasks] == [
        "1", "2", "3", "4-1", "4-2", "5", "6", "7", "8", "9", "10", "11", "12",
    ]  # fmt: skip
    sub = task(table_plan, "4-2")
    assert (sub.title, sub.lead_units) == ("推动传统产业节能降碳", ["县市场监管局"])
    assert task(table_plan, "3").cooperating_units == []  # "/"
    assert all(t.title != "行动措施" for t in table_plan.tasks)


def test_table_rows_keep_page_and_line(table_plan: ParsedPlan) -> None:
    places = [t.where for t in table_plan.tasks]

    assert all(re.fullmatch(r"第[34]页第\d+行", p) for p in places)
    assert places == sorted(places, key=lambda p: tuple(map(int, re.findall(r"\d+", p))))


# ---------------------------------------------------------------- refused PDFs


def refused(path: Path) -> str:
    with pytest.raises(ImportFailed) as info:
        parse_plan(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_scanned_pdf_is_refused_with_what_to_do() -> None:
    message = refused(SCANNED)

    assert "扫描件" in message
    assert "没有文字层" in message
    assert "电子版" in message and "OCR" in message


def test_encrypted_pdf_is_refused() -> None:
    message = refused(ENCRYPTED)

    assert "设置了打开密码" in message


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = pdf_of(TYPESET).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])

    assert "已损坏" in refused(path)


def test_pdf_header_with_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)

    assert "已损坏" in refused(path)


def test_file_named_pdf_that_is_no_pdf(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    assert "不是有效的 PDF 文件" in refused(path)

    word = tmp_path / "word.pdf"
    word.write_bytes(TYPESET.with_suffix(".docx").read_bytes())
    assert "扩展名是 .pdf，但内容是 Word 文档" in refused(word)


def test_a_scanned_page_among_text_pages_is_warned(tmp_path: Path) -> None:
    combined = pdfium.PdfDocument.new()
    combined.import_pages(pdfium.PdfDocument(str(pdf_of(TYPESET))))
    combined.import_pages(pdfium.PdfDocument(str(SCANNED)))
    path = tmp_path / "mixed.pdf"
    combined.save(str(path))

    plan = parse_plan(path)

    assert len(plan.tasks) == 15
    assert any(w.where == "第6页" and "没有文字层" in w.message for w in plan.warnings)


def test_cli_refuses_a_scan_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "tracker.sqlite3")

    assert main(["--db", db, "import", str(SCANNED)]) == 2
    assert "扫描件" in capsys.readouterr().err
    assert main(["--db", db, "plans", "--json"]) == 0
    assert '"plans": []' in capsys.readouterr().out.replace("\n", "").replace("  ", "")


def test_cli_imports_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "tracker.sqlite3")

    assert main(["--db", db, "import", str(pdf_of(TABLE))]) == 0
    assert main(["--db", db, "tasks", "--json"]) == 0
    out = capsys.readouterr().out
    assert "第3页第" in out and "县市场监管局" in out


def test_stored_pdf_tasks_keep_places_and_target_direction(db: Database) -> None:
    parsed = plans.preview_import(db, pdf_of(TYPESET))
    stored = plans.commit_import(db, parsed, SYSTEM)

    tasks = plans.list_tasks(db, SYSTEM, plan_id=stored.plan_id)

    transport = next(t for t in tasks if t["code"] == "（四）1")
    assert re.fullmatch(r"第3页第\d+行", transport["where"])
    assert [(t["indicator"], t["direction"], t["baseline_year"]) for t in transport["targets"]] == [
        ("公共充电桩", "increase", None),
        ("营运车辆单位换算周转量碳排放强度", "decrease", 2020),
    ]
    building = next(t for t in tasks if t["code"] == "（三）")
    assert building["area"] == "城乡建设绿色低碳行动"
