"""One vocabulary for every reader: each responsibility label is read in each position —
in brackets, bare in a paragraph, alone on its line, and as a 任务分工 table header — and
every "none" mark empties a unit column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.importing.importer import parse_plan
from tracker.importing.result import ParsedPlan
from tracker.importing.table_plan import header_fields
from tracker.importing.units import split_unit_list
from tracker.importing.vocabulary import bare_label_line, is_none_mark, vocabulary

from builders import write_docx

WORDS = vocabulary()
LEAD, COOP = "市发展改革委", "市财政局"
LABELS = [
    *(("lead", w) for w in WORDS.lead_labels),
    *(("cooperating", w) for w in WORDS.cooperating_labels),
    *(("responsible", w) for w in WORDS.responsible_labels),
]


def annotation(role: str, label: str) -> str:
    """The same two units, written with ``label`` in its role."""
    if role == "lead":
        return f"{label}：{LEAD}；配合单位：{COOP}"
    if role == "cooperating":
        return f"牵头单位：{LEAD}；{label}：{COOP}"
    return f"{label}：{LEAD}、{COOP}"


def text_plan(tmp_path: Path, measure: str) -> ParsedPlan:
    path = tmp_path / "plan.txt"
    path.write_text(f"二、重点任务\n（一）能源绿色低碳转型行动\n{measure}\n", encoding="utf-8")
    return parse_plan(path)


def assert_one_task(plan: ParsedPlan) -> None:
    assert [(t.title, t.lead_units, t.cooperating_units) for t in plan.tasks] == [
        ("大力发展新能源", [LEAD], [COOP])
    ]


def label_id(item: tuple[str, str]) -> str:
    return item[1]


@pytest.mark.parametrize("label", LABELS, ids=label_id)
def test_label_in_brackets(tmp_path: Path, label: tuple[str, str]) -> None:
    plan = text_plan(tmp_path, f"1.大力发展新能源。建设光伏电站。（{annotation(*label)}）")

    assert_one_task(plan)


@pytest.mark.parametrize("label", LABELS, ids=label_id)
def test_label_bare_in_the_paragraph(tmp_path: Path, label: tuple[str, str]) -> None:
    plan = text_plan(tmp_path, f"1.大力发展新能源。建设光伏电站。{annotation(*label)}。")

    assert_one_task(plan)


@pytest.mark.parametrize("label", LABELS, ids=label_id)
def test_label_alone_on_its_line(tmp_path: Path, label: tuple[str, str]) -> None:
    plan = text_plan(tmp_path, f"1.大力发展新能源。建设光伏电站。\n{annotation(*label)}")

    assert_one_task(plan)
    assert bare_label_line(annotation(*label))


@pytest.mark.parametrize("label", LABELS, ids=label_id)
def test_label_as_table_header(tmp_path: Path, label: tuple[str, str]) -> None:
    role, word = label
    header = ["序号", "行动措施", "主要工作"]
    row = ["1", "大力发展新能源", "建设光伏电站"]
    if role == "lead":
        header += [word, "配合单位"]
        row += [LEAD, COOP]
    elif role == "cooperating":
        header += ["牵头单位", word]
        row += [LEAD, COOP]
    else:
        header += [word]
        row += [f"{LEAD}、{COOP}"]
    path = write_docx(tmp_path / "分工.docx", ["任务分工"], tables=[[header, row]])

    plan = parse_plan(path)

    assert plan.method == "table"
    assert_one_task(plan)


def test_header_words_are_one_list_per_field() -> None:
    fields = header_fields(["序号", "行动措施", "主要工作", "负责部门"])

    assert fields == {0: "seq", 1: "measure", 2: "work", 3: "units"}


@pytest.mark.parametrize("mark", sorted(WORDS.none_marks))
def test_none_marks_mean_no_unit(tmp_path: Path, mark: str) -> None:
    assert is_none_mark(mark)
    assert split_unit_list(mark) == []
    header = ["序号", "行动措施", "主要工作", "牵头单位", "配合单位"]
    rows = [header, ["1", "大力发展新能源", "建设光伏电站", LEAD, mark]]
    path = write_docx(tmp_path / "分工.docx", ["任务分工"], tables=[rows])

    plan = parse_plan(path)

    assert [(t.lead_units, t.cooperating_units) for t in plan.tasks] == [([LEAD], [])]


def test_a_unit_marked_as_lead_in_a_single_responsible_column(tmp_path: Path) -> None:
    rows = [
        ["序号", "行动措施", "主要工作", "责任单位"],
        ["1", "大力发展新能源", "建设光伏电站", f"{COOP}、{LEAD}（牵头）"],
    ]
    path = write_docx(tmp_path / "分工.docx", ["任务分工"], tables=[rows])

    plan = parse_plan(path)

    assert [(t.lead_units, t.cooperating_units) for t in plan.tasks] == [([LEAD], [COOP])]


# A PDF extraction wraps an annotation wherever the printed line ends: right after its
# "（", in the middle of a unit's name, or both; a bare label line wraps the same way.
WRAPPED = {
    "after the bracket": "建设光伏电站。（\n责任单位：市发展改革委、市财政局）",
    "after the bracket and in a name": "建设光伏电站。（\n责任单位：市发展改革委、市财\n政局）",
    "bare, in a name": "建设光伏电站。\n责任单位：市发展改革委、市财\n政局",
    "bare, after the list's comma": "建设光伏电站。\n责任单位：市发展改革委、\n市财政局。",
}


@pytest.mark.parametrize("measure", list(WRAPPED.values()), ids=list(WRAPPED))
def test_annotation_wrapped_by_the_page_is_read_whole(tmp_path: Path, measure: str) -> None:
    plan = text_plan(
        tmp_path, f"1.大力发展新能源。{measure}\n2.推进节能降碳。（责任单位：市工业和信息化局）"
    )

    assert [(t.title, t.lead_units, t.cooperating_units) for t in plan.tasks] == [
        ("大力发展新能源", [LEAD], [COOP]),
        ("推进节能降碳", ["市工业和信息化局"], []),
    ]


def test_a_complete_bare_label_line_takes_nothing_from_the_next_line(tmp_path: Path) -> None:
    plan = text_plan(
        tmp_path,
        "1.大力发展新能源。建设光伏电站。\n责任单位：市发展改革委、各县（区）\n"
        "到2025年，新增光伏装机100万千瓦。\n2.推进节能降碳。（责任单位：市工业和信息化局）",
    )

    assert [(t.lead_units, t.cooperating_units) for t in plan.tasks] == [
        ([LEAD], ["各县（区）"]),
        (["市工业和信息化局"], []),
    ]


# Ways documents write who leads, beyond a label and its list.
FORMS = {
    "role mark after the name": "（责任单位：市财政局、市发展改革委（牵头））",
    "lead label, then a 责任单位 label": "（牵头单位：市发展改革委，责任单位：市财政局）",
    "square-bracket label": "【责任单位】市发展改革委、市财政局",
    "square-bracket labels for both": "【牵头单位】市发展改革委【配合单位】市财政局",
    "会同": "（市发展改革委会同市财政局负责）",
}


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_more_ways_of_naming_the_lead(tmp_path: Path, form: str) -> None:
    plan = text_plan(tmp_path, f"1.大力发展新能源。建设光伏电站。{form}")

    assert_one_task(plan)
    assert plan.tasks[0].content == "建设光伏电站。"


def test_a_rule_written_by_two_units_is_no_annotation(tmp_path: Path) -> None:
    plan = text_plan(
        tmp_path,
        "1.大力发展新能源。统计办法（由市发展改革委会同市统计局制定）另行印发。"
        "（责任单位：市发展改革委、市财政局）",
    )

    assert_one_task(plan)


@pytest.mark.parametrize("word", WORDS.header_words["target"])
def test_a_target_column_is_kept_and_read(tmp_path: Path, word: str) -> None:
    rows = [
        ["序号", "行动措施", "主要工作", word, "牵头单位", "配合单位"],
        ["1", "大力发展新能源", "建设光伏电站", "到2025年，光伏装机达到100万千瓦", LEAD, COOP],
    ]
    path = write_docx(tmp_path / "分工.docx", ["任务分工"], tables=[rows])

    plan = parse_plan(path)

    assert_one_task(plan)
    task = plan.tasks[0]
    assert task.content == "建设光伏电站\n目标：到2025年，光伏装机达到100万千瓦"
    assert [(t.year, t.indicator, t.value, t.unit) for t in task.targets] == [
        (2025, "光伏装机", 100.0, "万千瓦")
    ]


LAYOUTS = {
    "annotation after the heading": "1.大力发展新能源（{a}）。建设光伏电站。",
    "annotation on the heading's line": "1.大力发展新能源。（{a}）建设光伏电站。",
    "annotation on a line of its own": "1.大力发展新能源\n（{a}）\n建设光伏电站。",
    "lead and cooperating on two lines": "1.大力发展新能源。建设光伏电站。\n牵头单位：{lead}\n配合单位：{coop}",
    "two lines, the first wrapped": "1.大力发展新能源。建设光伏电站。\n牵头单位：市发展改\n革委\n配合单位：{coop}",
}


@pytest.mark.parametrize("layout", list(LAYOUTS.values()), ids=list(LAYOUTS))
def test_where_the_annotation_stands(tmp_path: Path, layout: str) -> None:
    measure = layout.format(a=f"责任单位：{LEAD}、{COOP}", lead=LEAD, coop=COOP)
    plan = text_plan(tmp_path, f"{measure}\n2.推进节能降碳。（责任单位：市工业和信息化局）")

    assert [(t.title, t.lead_units, t.cooperating_units) for t in plan.tasks] == [
        ("大力发展新能源", [LEAD], [COOP]),
        ("推进节能降碳", ["市工业和信息化局"], []),
    ]
    assert plan.tasks[0].content == "建设光伏电站。"
    assert plan.warnings == []
