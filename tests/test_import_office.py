"""The same task breakdown from Word and Excel files holding the 任务分工 table with merged cells."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.errors import ImportFailed
from tracker.importing.importer import parse_plan
from tracker.importing.result import ParsedPlan

from builders import write_docx, write_xlsx
from conftest import PLAN_TABLE, SEED_001

HEADER = ["序号", "重点领域", "行动措施", "主要工作", "牵头单位", "配合单位"]


@dataclass(frozen=True)
class TableSource:
    """A plan whose 任务分工 table, read from text, is written again as a Word/Excel table."""

    path: Path
    city: str
    areas: int


@pytest.fixture(
    scope="module",
    params=[
        TableSource(PLAN_TABLE, "云岭市", 5),
        pytest.param(TableSource(SEED_001, "银川市", 12), marks=pytest.mark.seeds, id="seed-001"),
    ],
    ids=lambda s: s.path.stem,
)
def source(request: pytest.FixtureRequest) -> TableSource:
    value: TableSource = request.param
    return value


@pytest.fixture(scope="module")
def text_plan(source: TableSource) -> ParsedPlan:
    return parse_plan(source.path)


def table_rows(plan: ParsedPlan) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The breakdown as a real table: one row per task, 重点领域 merged over each area's
    block, 序号 and 行动措施 merged over the sub-rows of a measure. Row 0 is the header."""
    rows: list[list[str]] = [HEADER]
    merges: list[tuple[int, int, int, int]] = []
    area_start = measure_start = 1
    for i, task in enumerate(plan.tasks):
        r = i + 1
        previous = plan.tasks[i - 1] if i else None
        new_area = previous is None or previous.area_title != task.area_title
        new_measure = previous is None or previous.title != task.title or new_area
        seq = task.code.split("-")[0]
        rows.append(
            [
                seq if new_measure else "",
                f"{task.area_code}、{task.area_title}" if new_area else "",
                task.title if new_measure else "",
                task.content,
                "、".join(task.lead_units),
                "、".join(task.cooperating_units) or "/",
            ]
        )
        following = plan.tasks[i + 1] if i + 1 < len(plan.tasks) else None
        if following is None or following.area_title != task.area_title:
            if r > area_start:
                merges.append((area_start, 1, r, 1))
            area_start = r + 1
        if (
            following is None
            or following.title != task.title
            or following.area_title != task.area_title
        ):
            if r > measure_start:
                merges.extend([(measure_start, 0, r, 0), (measure_start, 2, r, 2)])
            measure_start = r + 1
    return rows, merges


def same_breakdown(got: ParsedPlan, want: ParsedPlan) -> None:
    assert len(got.tasks) == len(want.tasks)
    for g, w in zip(got.tasks, want.tasks, strict=True):
        assert (g.code, g.area_title, g.title) == (w.code, w.area_title, w.title)
        assert g.content == w.content
        assert g.lead_units == w.lead_units, g.code
        assert g.cooperating_units == w.cooperating_units, g.code
        assert [t.value for t in g.targets] == [t.value for t in w.targets]


def test_word_table_with_merged_cells(
    tmp_path: Path, text_plan: ParsedPlan, source: TableSource
) -> None:
    rows, merges = table_rows(text_plan)
    assert any(m[1] == 1 for m in merges) and any(m[1] == 0 for m in merges)
    path = write_docx(
        tmp_path / "分工.docx",
        paragraphs=[f"{source.city}碳达峰实施方案任务分工", ""],
        tables=[rows],
        merges={0: merges},
    )
    plan = parse_plan(path)
    assert plan.method == "table"
    assert plan.source_format == "docx"
    assert len(plan.areas) == source.areas
    same_breakdown(plan, text_plan)


def test_excel_sheet_with_title_row_merges_and_extra_columns(
    tmp_path: Path, text_plan: ParsedPlan, source: TableSource
) -> None:
    rows, merges = table_rows(text_plan)
    # extra columns 完成时限 and 备注; the header sits under a merged title row
    wide = [[*rows[0], "完成时限", "备注"]] + [[*r, "2025年底前", ""] for r in rows[1:]]
    ranges = [
        f"{chr(65 + left)}{top + 2}:{chr(65 + right)}{bottom + 2}"
        for top, left, bottom, right in merges
    ]
    path = write_xlsx(
        tmp_path / "任务分工.xlsx",
        {"任务分工": wide, "说明": [["本表由市发展改革委汇总"]]},
        merges={"任务分工": ranges},
        titles={"任务分工": f"{source.city}碳达峰实施方案任务分工"},
    )
    plan = parse_plan(path)
    assert plan.title == f"{source.city}碳达峰实施方案"
    assert plan.source_format == "xlsx"
    same_breakdown(plan, text_plan)
    assert {t.deadline for t in plan.tasks} == {"2025年底前"}
    assert plan.tasks[0].where == "工作表“任务分工”第3行"


def test_spreadsheet_without_task_table_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "预算.xlsx", {"Sheet1": [["项目", "金额"], ["培训", 3000]]})
    with pytest.raises(ImportFailed) as info:
        parse_plan(path)
    assert "预算.xlsx" in str(info.value)
    assert "没有找到任务分工表" in str(info.value)


def test_word_document_with_annotated_paragraphs(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "方案.docx",
        paragraphs=[
            "某县碳达峰实施方案",
            "（一）能源绿色低碳转型行动",
            "1.大力发展光伏。到2025年，光伏装机达到50万千瓦。（县发展改革局牵头，县自然资源局等按职责分工负责）",
            "2.推进节能改造。（责任单位：县住建局、财政局）",
        ],
    )
    plan = parse_plan(path)
    assert plan.method == "annotations"
    assert [t.code for t in plan.tasks] == ["（一）1", "（一）2"]
    assert plan.tasks[0].where == "第3段"
    assert plan.tasks[1].cooperating_units == ["县财政局"]
    assert plan.tasks[0].targets[0].value == 50


def write_auto_numbered_docx(path: Path, paragraphs: list[tuple[int | None, str]]) -> Path:
    """A .docx whose headings and items use Word's automatic numbering: level 0 is
    （一）（二）…, level 1 is 1. 2. …; ``None`` is a plain paragraph."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
            "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/>"
            "<w:lvlText w:val='（%1）'/></w:lvl>"
            "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='decimal'/>"
            "<w:lvlText w:val='%2.'/></w:lvl></w:abstractNum>"
        )
    )
    numbering.append(
        parse_xml(f"<w:num {nsdecls('w')} w:numId='90'><w:abstractNumId w:val='90'/></w:num>")
    )
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f"<w:numPr {nsdecls('w')}><w:ilvl w:val='{level}'/>"
                    "<w:numId w:val='90'/></w:numPr>"
                )
            )
    document.save(str(path))
    return path


def test_word_automatic_numbering_gives_the_structure(tmp_path: Path) -> None:
    path = write_auto_numbered_docx(
        tmp_path / "自动编号.docx",
        [
            (None, "某县碳达峰实施方案"),
            (0, "能源绿色低碳转型行动"),
            (1, "大力发展光伏。推进屋顶光伏。（县发展改革局牵头，县住建局等按职责分工负责）"),
            (1, "推进节能改造。（责任单位：县住建局、县财政局）"),
            (0, "节能降碳增效行动"),
            (1, "提升节能管理。（责任单位：县发展改革局）"),
        ],
    )
    plan = parse_plan(path)
    assert [(t.code, t.area_title, t.title) for t in plan.tasks] == [
        ("（一）1", "能源绿色低碳转型行动", "大力发展光伏"),
        ("（一）2", "能源绿色低碳转型行动", "推进节能改造"),
        ("（二）1", "节能降碳增效行动", "提升节能管理"),
    ]


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCountingThousand", "十二"),
        (23, "chineseCounting", "二十三"),
        (3, "decimalEnclosedCircle", "③"),
        (4, "upperRoman", "IV"),
        (2, "lowerLetter", "b"),
        (7, "decimal", "7"),
    ],
)
def test_word_number_formats(n: int, fmt: str, label: str) -> None:
    from tracker.importing.numbering import format_number

    assert format_number(n, fmt) == label


def test_word_table_with_area_rows_across_the_table(tmp_path: Path) -> None:
    rows = [
        ["序号", "重点任务", "主要内容", "牵头单位", "配合单位", "完成时限"],
        ["一、能源绿色低碳转型行动", "", "", "", "", ""],
        ["1", "发展光伏", "推进屋顶光伏。", "县发展改革局", "县住建局", "2025年"],
        ["2", "发展风电", "推进分散式风电。", "县发展改革局", "/", "2026年"],
        ["二、节能降碳增效行动", "", "", "", "", ""],
        ["3", "节能改造", "推进公共建筑节能改造。", "县住建局", "县财政局", "2025年"],
    ]
    path = write_docx(
        tmp_path / "分工表.docx",
        paragraphs=["某县碳达峰实施方案任务分工表"],
        tables=[rows],
        merges={0: [(1, 0, 1, 5), (4, 0, 4, 5)]},
    )
    plan = parse_plan(path)
    assert [(t.code, t.area_code, t.area_title, t.title) for t in plan.tasks] == [
        ("1", "一", "能源绿色低碳转型行动", "发展光伏"),
        ("2", "一", "能源绿色低碳转型行动", "发展风电"),
        ("3", "二", "节能降碳增效行动", "节能改造"),
    ]
    assert plan.title == "某县碳达峰实施方案"
    assert plan.tasks[2].cooperating_units == ["县财政局"]


def test_workbook_with_one_sheet_per_area(tmp_path: Path) -> None:
    header = ["序号", "主要任务", "牵头单位", "配合单位"]
    path = write_xlsx(
        tmp_path / "分工.xlsx",
        {
            "一、能源绿色低碳转型行动": [header, [1, "推进屋顶光伏。", "县发改局", "县住建局"]],
            "二、节能降碳增效行动": [header, [2, "推进节能改造。", "县住建局", "/"]],
        },
    )
    plan = parse_plan(path)
    assert [(t.code, t.area_code, t.area_title) for t in plan.tasks] == [
        ("1", "一", "能源绿色低碳转型行动"),
        ("2", "二", "节能降碳增效行动"),
    ]
