"""半年 / 年度工作进展情况报告 (.docx): the GB/T 9704 layout and the figures a reader sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table

from tracker.db import Database
from tracker.errors import InvalidInput, PermissionDenied
from tracker.outputs import docx_layout
from tracker.outputs.common import layout
from tracker.outputs.report import export_report
from tracker.outputs.rows import LedgerData, LedgerRow, PeriodEntry, PeriodInfo
from tracker.services import monitoring

from factories import HOUSING, NDRC, TRICKY_TEXT, World, fill_reports, make_world, use_fast_hashing

H1 = "2025H1"
SIGNED = dt.date(2025, 7, 12)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    made = make_world(db)
    fill_reports(made)
    return made


@pytest.fixture
def report(world: World, tmp_path: Path) -> Any:
    path = tmp_path / "out" / "半年报告.docx"
    path.parent.mkdir()
    export_report(
        world.db, world.coordinator, path, period=H1, to="市碳达峰碳中和工作领导小组", today=SIGNED
    )
    return docx.Document(str(path))


def _style_fonts(style: Any) -> dict[str, str]:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {key.split("}")[1]: value for key, value in fonts.attrib.items()}


def _texts(document: Any, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_a4_with_the_official_margins(report: Any) -> None:
    body = report.sections[0]
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    margins = (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)
    assert tuple(round(m.mm) for m in margins) == (37, 35, 28, 26)


def test_fonts_are_set_for_chinese_text(report: Any) -> None:
    styles = report.styles
    expected = {
        "Normal": ("仿宋_GB2312", 16),
        "公文标题": ("方正小标宋简体", 22),
        "公文一级标题": ("黑体", 16),
        "公文二级标题": ("楷体", 16),
        "页码": ("宋体", 14),
    }
    for name, (font, size) in expected.items():
        fonts = _style_fonts(styles[name])
        assert fonts["eastAsia"] == font, name
        assert not any(key.endswith("Theme") for key in fonts), name
        assert styles[name].font.size.pt == size
    defaults = report.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None


def test_22_lines_of_28_characters(report: Any) -> None:
    spacing_xml = report.styles["Normal"].element.pPr.find(qn("w:spacing"))
    assert spacing_xml.get(qn("w:lineRule")) == "exact"
    pitch = int(spacing_xml.get(qn("w:line"))) / 20
    section = report.sections[0]
    height = Length(section.page_height - section.top_margin - section.bottom_margin).pt
    width = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert 22 * pitch <= height < 23 * pitch
    spacing = report.styles["Normal"].element.rPr.find(qn("w:spacing"))
    char = 16 + int(spacing.get(qn("w:val"))) / 20
    assert 28 * char <= width < 29 * char
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), int(grid.get(qn("w:linePitch")))) == ("lines", pitch * 20)
    indent = report.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"  # 首行缩进两字


def test_title_and_the_five_sections(report: Any) -> None:
    assert _texts(report, "公文标题") == ["某市碳达峰实施方案\n2025年上半年工作进展情况报告"]
    assert _texts(report, "公文一级标题") == [
        "一、总体进展",
        "二、分领域推进情况",
        "三、目标完成情况",
        "四、存在的问题",
        "五、下一步工作安排",
    ]
    level2 = _texts(report, "公文二级标题")
    assert level2[:2] == ["（一）能源绿色低碳转型行动", "（二）城乡建设碳达峰行动"]
    assert "（一）部分任务进度滞后" in level2
    plain = _texts(report, "公文顶格")
    assert "市碳达峰碳中和工作领导小组：" in plain
    assert report.core_properties.title == "某市碳达峰实施方案2025年上半年工作进展情况报告"


def test_overall_figures_equal_the_summary_service(world: World, report: Any) -> None:
    figures = monitoring.summary(world.db, world.coordinator, H1)
    text = "\n".join(p.text for p in report.paragraphs)
    counts = "、".join(f"{s}{n}项" for s, n in figures["by_status"].items() if n)
    assert counts == "已完成1项、序时推进1项、未报送1项"
    assert f"共明确重点任务{figures['task_count']}项，涉及牵头单位3个、配合单位3个" in text
    rate = figures["completion_rate"]
    assert (
        f"截至2025年6月底，按各牵头单位报送情况汇总，{counts}，完成率（已完成任务占比）为{rate:.1%}"
        in text
    )
    rep = figures["reports"]
    assert f"应报送进展填报{rep['expected']}份，已报送3份（其中逾期报送{rep['late']}份）" in text
    assert "本领域共有任务2项，其中序时推进1项、未报送1项。" in text


def test_sections_carry_the_reports(report: Any) -> None:
    text = "\n".join(p.text for p in report.paragraphs)
    first_line = TRICKY_TEXT.split("\n")[0]
    assert f"1.大力发展新能源。{first_line}" in text
    assert "尚未报送进展的任务：推动工业领域节能降碳。" in text
    assert "1.新能源装机规模：2025年目标达到500万千瓦；截至2025年6月底实际为320万千瓦" in text
    assert f"（{NDRC}报送），尚未达到目标值" in text
    assert "城镇新建建筑能耗占比：2025年目标控制在10%；" in text
    assert "已达到目标值" in text
    assert f"1.大力发展新能源（{NDRC}）：-项目用地指标紧张" in text
    assert "1.推动工业领域节能降碳（市工信局牵头）：已报送 0/2" in text
    assert f"推进城乡建设绿色低碳转型（{HOUSING}）：" not in text  # no next steps given


def test_signature_and_attachment_note(report: Any) -> None:
    paragraphs = report.paragraphs
    texts = [p.text for p in paragraphs]
    note = texts.index("附件：2025年上半年工作台账")
    assert texts[note + 2] == "碳达峰碳中和工作领导小组办公室"
    assert texts[note + 3] == "2025年7月12日"
    assert paragraphs[note + 2].paragraph_format.right_indent.pt == pytest.approx(31.5)
    assert paragraphs[note].paragraph_format.keep_with_next is True


def test_page_numbers_at_the_outside_edge(report: Any) -> None:
    assert report.settings.odd_and_even_pages_header_footer is True
    section = report.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment.name == side.upper()
        assert paragraph.style.name == "页码"
        instructions = paragraph._p.findall(f".//{qn('w:instrText')}")
        assert [i.text.strip() for i in instructions] == ["PAGE"]
        indent = paragraph.paragraph_format
        assert (indent.right_indent if side == "right" else indent.left_indent).pt == 14


def test_attachment_is_a_landscape_ledger_with_a_repeated_header(report: Any) -> None:
    attachment = report.sections[-1]
    assert len(report.sections) == 2
    assert attachment.orientation == WD_ORIENT.LANDSCAPE
    assert attachment.page_width > attachment.page_height
    assert attachment.footer.is_linked_to_previous  # page numbers run on
    assert "附件" in _texts(report, "附件标识")
    assert _texts(report, "附件标题") == ["某市碳达峰实施方案2025年上半年工作台账"]
    (table,) = report.tables
    rows = table._tbl.tr_lst
    assert len(rows) == 1 + 3
    header = rows[0]
    assert header.trPr.find(qn("w:tblHeader")) is not None
    headers = ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in header.tc_lst]
    assert headers == [c["header"] for c in layout("report")["table_columns"]]
    merges = [tc.tcPr.find(qn("w:vMerge")) for tc in (r.tc_lst[1] for r in rows[1:])]
    assert merges[0].get(qn("w:val")) == "restart"
    assert merges[1] is not None and merges[1].get(qn("w:val")) is None  # continues
    assert merges[2].get(qn("w:val")) == "restart"  # the next area
    first = ["\n".join(p.text for p in cell.paragraphs) for cell in table.rows[1].cells]
    assert first[0] == "1" and first[5] == "序时推进"
    assert first[6].startswith(TRICKY_TEXT)


def test_user_text_is_escaped_for_word(world: World, tmp_path: Path) -> None:
    from tracker.services import reports

    odd = "A<B & C>D \x07响铃 {PAGE} 《书名》"
    reports.save_report(
        world.db,
        world.housing,
        world.plan.task3,
        "2025H2",
        status="已完成",
        progress=odd,
        expect_version=None,
    )
    reports.submit_report(world.db, world.housing, world.plan.task3, "2025H2", expect_version=None)
    path = tmp_path / "年度.docx"
    export_report(world.db, world.coordinator, path, period="2025H2")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "A<B & C>D 响铃 {PAGE} 《书名》" in text
    cells = [c.text for c in document.tables[0].rows[3].cells]
    assert "A<B & C>D 响铃 {PAGE} 《书名》" in cells


def test_kind_must_fit_the_period_and_only_coordinators_issue_reports(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "r.docx"
    with pytest.raises(InvalidInput, match="年度报告应选全年"):
        export_report(world.db, world.coordinator, path, period=H1, kind="annual")
    with pytest.raises(InvalidInput, match="半年报告应选上半年"):
        export_report(world.db, world.coordinator, path, period="2025H2", kind="half-year")
    with pytest.raises(PermissionDenied, match="仅协调员"):
        export_report(world.db, world.ndrc, path, period=H1)
    assert not path.exists()
    export_report(world.db, world.coordinator, path, period="2025H2")
    title = docx.Document(str(path)).paragraphs[0].text
    assert title == "某市碳达峰实施方案\n2025年度工作进展情况报告"


def _many_rows(count: int) -> LedgerData:
    period = PeriodInfo(1, H1, "2025年上半年", 2025, 1, dt.date(2025, 7, 10), False)
    entry = PeriodEntry("序时推进", "进展", "问题", "计划", "已报送 1/1", False)
    rows = [
        LedgerRow(
            task_id=i,
            code=str(i),
            area_id=i // 50,
            area=f"领域{i // 50}",
            measure=f"措施{i}",
            content="主要工作内容",
            lead_ids=(1,),
            unit_roles=((1, "lead"),),
            leads="单位甲",
            cooperating="",
            targets="",
            entries=(entry,),
        )
        for i in range(count)
    ]
    return LedgerData(1, "测试方案", "0" * 64, [period], rows, {1: "单位甲"})


def test_the_attachment_does_not_touch_python_docx_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 5,000-row attachment must not go through Table.cell() (quadratic)."""
    from tracker.outputs import report as report_module
    from tracker.services.actor import SYSTEM

    def forbidden(*_args: object) -> None:
        raise AssertionError("Table.cell() used")

    monkeypatch.setattr(Table, "cell", forbidden)
    data = _many_rows(600)
    figures = {
        "task_count": 600,
        "by_status": {"序时推进": 600},
        "completed_status": "已完成",
        "completion_rate": 0.0,
        "reports": {"expected": 600, "by_state": {"已报送": 600}, "late": 0},
        "targets": [],
    }
    document = report_module.build_report(data, figures, "half-year", SYSTEM, SIGNED)
    (table,) = document.tables
    assert len(table._tbl.tr_lst) == 601
    assert docx_layout.TABLE_TEXT in [s.name for s in document.styles]
