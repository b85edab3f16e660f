"""The importer on small inline documents: each way a document marks responsibility."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import ImportFailed
from tracker.importing.annotations import find_annotations, parse_annotation
from tracker.importing.document import Place, SourceLine
from tracker.importing.importer import parse_plan
from tracker.importing.outline import chinese_number, parse_outline
from tracker.importing.result import ParsedPlan

from builders import write_docx


def plan_from_text(tmp_path: Path, text: str, name: str = "plan.txt") -> ParsedPlan:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_plan(path)


def lines(text: str) -> list[SourceLine]:
    return [SourceLine(t, Place(line=i)) for i, t in enumerate(text.split("\n"), 1)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十二", 12), ("二十三", 23)],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_label_form_first_unit_leads() -> None:
    ann = parse_annotation("责任单位：自治区发展改革委、科技厅、国网宁夏电力公司")
    assert ann is not None
    assert ann.leads == ["自治区发展改革委"]
    assert ann.cooperating == ["科技厅", "国网宁夏电力公司"]


def test_label_form_with_comma_and_duty_tail() -> None:
    ann = parse_annotation("责任单位：市发改委、工信局，各县（市）区人民政府按照职责分工分别负责")
    assert ann is not None
    assert ann.leads == ["市发改委"]
    assert ann.cooperating == ["工信局", "各县（市）区人民政府"]


def test_several_leads_and_duty_tail() -> None:
    ann = parse_annotation(
        "市发展改革委、市经济和信息化局、市生态环境局牵头，市委编办、市司法局等按职责分工负责"
    )
    assert ann is not None
    assert ann.leads == ["市发展改革委", "市经济和信息化局", "市生态环境局"]
    assert ann.cooperating == ["市委编办", "市司法局"]


def test_no_lead_marker_first_leads() -> None:
    ann = parse_annotation("市住房城乡建设局、市自然资源局、市城管执法局等按职责分工负责")
    assert ann is not None
    assert ann.leads == ["市住房城乡建设局"]
    assert ann.cooperating == ["市自然资源局", "市城管执法局"]


def test_national_forms() -> None:
    ann = parse_annotation("牵头单位：国家发展改革委 参加单位：工业和信息化部、生态环境部")
    assert ann is not None
    assert ann.leads == ["国家发展改革委"]
    assert ann.cooperating == ["工业和信息化部", "生态环境部"]
    ann = parse_annotation("负责单位：国家能源局、国家发展改革委")
    assert ann is not None
    assert ann.leads == ["国家能源局"]
    assert ann.cooperating == ["国家发展改革委"]


def test_blanket_note_inside_annotation() -> None:
    ann = parse_annotation(
        "市发展改革委牵头，市水利局等按职责分工负责。以下均须各县（区）、广元经济技术开发区负责，不再列出"
    )
    assert ann is not None
    assert ann.leads == ["市发展改革委"]
    assert ann.blanket == ["各县（区）", "广元经济技术开发区"]


@pytest.mark.parametrize(
    "inner", ["垃圾", "5G", "市、区", "技术", "含生物质能", "2022年版", "水源"]
)
def test_ordinary_parentheses_are_not_annotations(inner: str) -> None:
    assert find_annotations(f"推进工作（{inner}）建设。") == []


def test_unlabelled_unit_list_at_end_of_measure() -> None:
    found = find_annotations(
        "推动建材行业碳达峰。严格执行产能置换。（自治区工业和信息化厅、发展改革委、科技厅）"
    )
    assert len(found) == 1
    assert found[0].leads == ["自治区工业和信息化厅"]


def test_outline_joins_wrapped_lines_and_ignores_false_numbers() -> None:
    root = parse_outline(
        lines(
            "（一）能源行动\n\n1.发展新能源。到2025年装机达到\n\n500万千瓦。（责任\n\n单位：市发改委、工信局）\n"
            "2.推进氢能。示范应用。\n（市发改委牵头，市科技局等按职责分工负责）"
        )
    )
    section = root.children[0]
    assert section.marker == "（一）"
    assert [c.marker for c in section.children] == ["1", "2"]
    first = section.children[0]
    assert "500万千瓦" in first.text  # "500万千瓦" did not start a new item
    assert first.title == "发展新能源"


@pytest.mark.parametrize("page", ["第 3 页 共 20 页", "共20页 第3页", "·3·", "Page 3 of 20"])
def test_page_numbers_inside_a_paragraph_are_dropped(page: str) -> None:
    # one rule for the text and the PDF reader: tracker.importing.vocabulary.is_page_number
    root = parse_outline(
        lines(
            f"（一）能源行动\n1.发展新能源。到2025年\n{page}\n新增装机。（责任单位：市发\n{page}\n改委）"
        )
    )
    assert (
        root.children[0].children[0].text == "发展新能源。到2025年新增装机。（责任单位：市发改委）"
    )


def test_a_number_and_a_space_start_an_item_only_after_a_break() -> None:
    # "1 巩固水电" is how some PDFs print "1."; a line wrapped before "2 万千瓦" is not item 2
    root = parse_outline(
        lines(
            "（一）能源行动\n1 巩固水电。稳定运行水电站。（市发改委牵头）\n2 发展新能源。推进剑阁县\n"
            "3 万千瓦风电场建设，新增装机\n3 万千瓦。（市发改委牵头）\n3 推进氢能。示范应用。"
        )
    )
    items = root.children[0].children
    assert [c.marker for c in items] == ["1", "2", "3"]
    assert "推进剑阁县3 万千瓦风电场建设，新增装机3 万千瓦。" in items[1].text
    assert items[2].title == "推进氢能"


def test_measures_with_annotation_split_and_alone_on_a_line(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "某市碳达峰实施方案\n\n二、重点任务\n\n（一）实施能源行动\n\n"
        "1. 巩固水电。稳定运行水电站。（市发展改革委\n\n牵头，市水利局、国网某市供电公司等按职责分工负责。"
        "以下均须各县（区）负责，不再列出）\n\n"
        "2. 发展新能源。推进风电。\n\n（市发展改革委、市自然资源局牵头，市气象局等按职责分工负责）\n\n"
        "三、对外合作\n\n（一）开展绿色贸易。扩大出口。（市商务局、市发展改革委等按职责分工负责）\n",
    )
    assert plan.method == "annotations"
    assert [t.code for t in plan.tasks] == ["（一）1", "（一）2", "三（一）"]
    first, second, third = plan.tasks
    assert first.area_title == "实施能源行动"
    assert first.lead_units == ["市发展改革委"]
    assert "各县（区）" not in first.cooperating_units
    assert second.lead_units == ["市发展改革委", "市自然资源局"]
    assert second.cooperating_units[-1] == "各县（区）"  # blanket note applies to what follows
    assert third.area_title == "对外合作"
    assert third.lead_units == ["市商务局"]
    assert "各县（区）" in third.cooperating_units


def test_two_annotations_in_one_measure_make_two_tasks(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "（一）工业行动\n1.推动工业绿色发展\n构建绿色产业体系。加快优化结构。（责任单位：市工信局、发改委）\n"
        "实施清洁生产。推进审核。（责任单位：市生态环境局、工信局）\n",
    )
    assert [t.code for t in plan.tasks] == ["（一）1-1", "（一）1-2"]
    assert plan.tasks[0].title == "推动工业绿色发展"
    assert plan.tasks[1].lead_units[0].endswith("生态环境局")


def test_plan_without_annotations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pilot.txt"
    path.write_text(
        "试点建设方案\n一、总体要求\n（一）指导思想。坚持系统观念。\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed, match=r"pilot\.txt.*没有找到任务分工"):
        parse_plan(path)


TABLE = (
    "某市碳达峰实施方案\n（一）能源行动\n1.推进清洁能源开发利用。内容。\n2.控制化石能源消费。内容。\n"
    "（二）工业行动\n1.推动工业绿色低碳发展。内容。\n2.严控节能减排约束指标。内容。\n3.实施技术降碳。内容。\n"
    "某市碳达峰实施方案任务分工\n"
    "序号\t重点领域\t行动措施\t主要工作\t牵头单位\t配合单位\n"
    "1\t一、能源行动\t推进清洁能源开发利用\t到2025年，清洁能源装机达到650万千瓦左右。\t市发改委\t市工信局、自然资源局\n"
    "2\t\t控制化石能源消费\t坚持煤电节能降碳改造，落实煤炭消费压减工\t市发改委\t/\n"
    "\n序号\t重点领域\t行动措施\t主要工作\t牵头单位\t配合单位\n"
    "\t\t\t作，合理控制石油消费。\t\t\n"
    "3\t\t推动工业绿色低碳发展\t构建绿色低碳产业体系。\t市工信局\t市发改委、科技局\n"
    "\t\t\t实施重点行业清洁生产。\t市生态环境局\t市工信局\n"
    "4\t\t严控节能减排约束指标\t严格控制高耗能行业新增产能。\t市工信局\t市发改委\n"
    "5\t\t二、工业行动\t实施技术降碳\t实施重点耗能行业节能改造行动。\t市工信局\n"
)


def test_pdf_table_with_page_breaks_subrows_shift_and_middle_labels(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, TABLE)
    assert plan.method == "table"
    assert [t.code for t in plan.tasks] == ["1", "2", "3-1", "3-2", "4", "5"]
    by_code = {t.code: t for t in plan.tasks}
    # the continuation row after the repeated header is joined to measure 2
    assert by_code["2"].content.endswith("落实煤炭消费压减工作，合理控制石油消费。")
    assert by_code["2"].cooperating_units == []  # "/" means none
    # the sub-row is its own task with its own lead, under the same measure
    assert by_code["3-2"].title == "推动工业绿色低碳发展"
    assert by_code["3-2"].lead_units[0].endswith("生态环境局")
    # measure 3 sits above the label of its block but the body says it is industry
    assert by_code["3-1"].area_title == "工业行动"
    assert by_code["1"].area_title == "能源行动"
    # row 5 is shifted one column to the right: repaired, with a warning
    assert by_code["5"].title == "实施技术降碳"
    assert by_code["5"].lead_units == ["市工业和信息化局"]
    assert any("错位" in w.message for w in plan.warnings)
    assert by_code["1"].targets and by_code["1"].targets[0].year == 2025


def test_label_on_its_own_line_and_square_brackets(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "（一）能源行动\n1.发展风电。推进项目建设。\n责任单位：市发展改革委、市自然资源局\n"
        "2.发展光伏。推进项目建设。【牵头单位：市能源局；参加单位：市住建局】\n"
        "3.发展储能。推进示范。\n",
    )
    assert [t.code for t in plan.tasks] == ["（一）1", "（一）2"]
    assert plan.tasks[0].lead_units == ["市发展改革委"]
    assert plan.tasks[0].cooperating_units == ["市自然资源局"]
    assert plan.tasks[1].lead_units == ["市能源局"]
    assert plan.tasks[1].cooperating_units == ["市住房城乡建设局"]
    # item 3 lost its annotation while its siblings have one: say so
    assert any(w.where == "第5行" and "发展储能" in w.message for w in plan.warnings)


def test_table_with_lead_and_responsible_columns(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
        "1\t推进光伏建设。\t市发改委\t市住建局、市自然资源局\t2025年\n",
    )
    task = plan.tasks[0]
    assert task.lead_units == ["市发展改革委"]
    assert task.cooperating_units == ["市住房城乡建设局", "市自然资源局"]
    assert task.deadline == "2025年"


def test_two_row_header_repeated_after_page_break(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "序号\t重点任务\t责任单位\t\t完成时限\n"
        "\t\t牵头单位\t配合单位\t\n"
        "1\t推进光伏建设。\t市发改委\t市住建局\t2025年\n"
        "序号\t重点任务\t责任单位\t\t完成时限\n"
        "\t\t牵头单位\t配合单位\t\n"
        "2\t推进风电建设。\t市能源局\t/\t2026年\n",
    )
    assert [t.code for t in plan.tasks] == ["1", "2"]
    assert plan.tasks[0].lead_units == ["市发展改革委"]
    assert plan.tasks[0].cooperating_units == ["市住房城乡建设局"]
    assert plan.tasks[1].cooperating_units == []
    assert plan.tasks[1].deadline == "2026年"


def test_single_responsible_column_marks_the_lead(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "序号\t重点任务\t责任单位\n1\t推进光伏建设。\t市住建局、市发改委（牵头）、市财政局\n",
    )
    assert plan.tasks[0].lead_units == ["市发展改革委"]
    assert plan.tasks[0].cooperating_units == ["市住房城乡建设局", "市财政局"]


def test_page_numbers_inside_an_annotation_are_dropped(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "（一）能源行动\n1.发展风电。推进项目建设。（责任单位：市发展改革委、\n\n— 5 —\n\n市自然资源局）\n",
    )
    assert plan.tasks[0].cooperating_units == ["市自然资源局"]
    assert "5" not in plan.tasks[0].content


def test_heading_with_unnumbered_annotated_paragraphs(tmp_path: Path) -> None:
    # Word's automatic numbering leaves no "1." in the text: each paragraph is an item
    path = write_docx(
        tmp_path / "auto.docx",
        paragraphs=[
            "某县碳达峰实施方案",
            "（一）能源绿色低碳转型行动",
            "大力发展光伏。推进屋顶光伏。（县发展改革局牵头，县住建局等按职责分工负责）",
            "推进节能改造。实施公共建筑改造。（责任单位：县住建局、县财政局）",
        ],
    )
    plan = parse_plan(path)
    assert [(t.code, t.area_title, t.title) for t in plan.tasks] == [
        ("（一）-1", "能源绿色低碳转型行动", "大力发展光伏"),
        ("（一）-2", "能源绿色低碳转型行动", "推进节能改造"),
    ]
    assert plan.tasks[1].lead_units == ["县住房城乡建设局"]


PROVINCE = """某省碳达峰实施方案

三、重点任务

（一）能源绿色低碳转型行动。

1.大力发展非化石能源。科学有序推进水电开发。（省发展改革委、省能源局牵头，省水利厅等按职责分工负责；各市（州）人民政府负责落实。以下各项任务均需各市（州）人民政府落实，不再列出）

2.严格控制化石能源消费。
（1）严格合理控制煤炭消费。推进煤电节能降碳改造。（省能源局牵头，省发展改革委按职责分工负责）
（2）合理调控油气消费。到2030年，天然气消费量力争达到600亿立方米。（省发展改革委、省能源局按职责分工负责）
"""


def test_sub_items_are_tasks_under_their_measure(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, PROVINCE)
    assert [(t.code, t.title) for t in plan.tasks] == [
        ("（一）1", "大力发展非化石能源"),
        ("（一）2（1）", "严格控制化石能源消费"),
        ("（一）2（2）", "严格控制化石能源消费"),
    ]
    first, coal, gas = plan.tasks
    assert first.lead_units == ["省发展改革委", "省能源局"]
    assert first.cooperating_units == ["省水利厅", "各市（州）人民政府"]
    assert coal.content.startswith("严格合理控制煤炭消费")
    assert coal.cooperating_units == ["省发展改革委", "各市（州）人民政府"]
    assert gas.targets[0].value == 600
    assert gas.targets[0].year == 2030


def test_doubtful_unit_names_are_warned_at_their_task(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path, "（一）能源行动\n1.发展风电。推进。（责任单位：市发改委、口岸办）\n"
    )
    assert plan.tasks[0].cooperating_units == ["市口岸办"]
    assert [w.where for w in plan.warnings if "口岸办" in w.message] == ["第2行"]


def test_two_measure_like_columns_the_later_is_the_work(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "序号\t重点任务\t具体措施\t责任单位\n"
        "1\t发展光伏\t推进整县屋顶分布式光伏开发。到2025年，光伏装机达到50万千瓦。\t县发改局、县住建局\n",
    )
    task = plan.tasks[0]
    assert (task.title, task.lead_units) == ("发展光伏", ["县发展改革局"])
    assert task.content.startswith("推进整县屋顶分布式光伏开发")
    assert task.targets[0].value == 50


def test_text_table_with_area_rows_without_tabs(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "序号\t重点任务\t主要内容\t牵头单位\t配合单位\n"
        "一、能源绿色低碳转型行动\n"
        "1\t发展光伏\t推进屋顶光伏。\t县发改局\t县住建局\n"
        "二、节能降碳增效行动\n"
        "2\t节能改造\t推进公共建筑节能改造。\t县住建局\t县财政局\n",
    )
    assert [(t.code, t.area_title) for t in plan.tasks] == [
        ("1", "能源绿色低碳转型行动"),
        ("2", "节能降碳增效行动"),
    ]
    assert plan.warnings == []  # rows naming their area leave nothing to guess


def test_label_inside_a_paragraph_without_brackets(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "（一）能源行动\n1.发展风电。推进项目建设。责任单位：市发改委、市自然资源局。\n"
        "2.发展光伏。推进项目。牵头单位：市能源局；配合单位：市住建局。\n",
    )
    assert [t.lead_units for t in plan.tasks] == [["市发展改革委"], ["市能源局"]]
    assert plan.tasks[0].cooperating_units == ["市自然资源局"]
    assert plan.tasks[1].cooperating_units == ["市住房城乡建设局"]
    assert "责任单位" not in plan.tasks[0].content


def test_national_task_division_document(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "2030年前碳达峰行动方案重点任务分工\n\n一、能源绿色低碳转型行动\n\n"
        "（一）推进煤炭消费替代。严格合理控制煤炭消费增长。（牵头单位：国家发展改革委、国家能源局"
        " 参加单位：工业和信息化部、生态环境部等）\n"
        "（二）大力发展新能源。（负责单位：国家能源局、国家发展改革委、自然资源部）\n",
    )
    assert plan.title == "2030年前碳达峰行动方案"
    assert [t.code for t in plan.tasks] == ["一（一）", "一（二）"]
    assert plan.tasks[0].lead_units == ["国家发展改革委", "国家能源局"]
    assert plan.tasks[0].cooperating_units == ["工业和信息化部", "生态环境部"]
    assert plan.tasks[1].lead_units == ["国家能源局"]


ACTIONS = """某市碳达峰实施方案

三、重点任务

（一）能源绿色低碳转型行动

1.大力发展新能源。建设光伏电站。（责任单位：市发展改革委、市自然资源局）

2.推动煤炭清洁利用。实施三改联动。（责任单位：市发展改革委）

（二）工业领域碳达峰行动

1.推动重点行业节能降碳。实施节能改造。（责任单位：市工业和信息化局）

（三）城镇建设绿色低碳行动（责任单位：市住房城乡建设局、市自然资源局）

推进既有建筑节能改造，推广装配式建筑。

（四）交通运输绿色低碳行动

推广新能源汽车，完善充电设施网络。（责任单位：市交通运输局、市公安局）

四、对外合作

（一）深化绿色贸易合作。扩大绿色产品出口。（责任单位：市商务局）

（二）加强技术交流。引进低碳技术。（责任单位：市科技局）
"""


def test_an_annotated_action_without_measures_is_one_task_in_its_own_area(
    tmp_path: Path,
) -> None:
    plan = plan_from_text(tmp_path, ACTIONS)

    assert [(t.code, t.area_title, t.title) for t in plan.tasks] == [
        ("（一）1", "能源绿色低碳转型行动", "大力发展新能源"),
        ("（一）2", "能源绿色低碳转型行动", "推动煤炭清洁利用"),
        ("（二）1", "工业领域碳达峰行动", "推动重点行业节能降碳"),
        ("（三）", "城镇建设绿色低碳行动", "城镇建设绿色低碳行动"),
        ("（四）", "交通运输绿色低碳行动", "交通运输绿色低碳行动"),
        ("四（一）", "对外合作", "深化绿色贸易合作"),
        ("四（二）", "对外合作", "加强技术交流"),
    ]
    building, transport = plan.tasks[3], plan.tasks[4]
    assert building.content == "推进既有建筑节能改造，推广装配式建筑。"
    assert building.lead_units == ["市住房城乡建设局"]
    assert building.cooperating_units == ["市自然资源局"]
    assert transport.content == "推广新能源汽车，完善充电设施网络。"
    assert transport.lead_units == ["市交通运输局"]
    assert len(plan.areas) == 5
    assert not plan.warnings


@pytest.mark.parametrize("points", [("（1）", "（2）"), ("①", "②")], ids=["（1）", "①"])
def test_a_list_of_points_closed_by_one_annotation_is_one_task(
    tmp_path: Path, points: tuple[str, str]
) -> None:
    first, second = points
    plan = plan_from_text(
        tmp_path,
        "某市碳达峰实施方案\n一、重点任务\n（一）能源行动\n1.大力发展新能源。重点包括：\n"
        f"{first}光伏发电；\n{second}风力发电。（责任单位：市发展改革委、市自然资源局）\n"
        "2.推进节能。加强管理。（责任单位：市工业和信息化局）\n",
    )
    assert [(t.code, t.content, t.lead_units, t.cooperating_units) for t in plan.tasks] == [
        (
            "（一）1",
            f"重点包括：{first}光伏发电；{second}风力发电。",
            ["市发展改革委"],
            ["市自然资源局"],
        ),
        ("（一）2", "加强管理。", ["市工业和信息化局"], []),
    ]
    assert plan.tasks[0].where == "第6行"  # the annotation's line, as for any measure


def test_points_with_their_own_annotations_stay_tasks_of_their_own(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        "某市碳达峰实施方案\n一、重点任务\n（一）能源行动\n1.大力发展新能源。\n"
        "①光伏发电。（责任单位：市发展改革委）\n②风力发电。（责任单位：市自然资源局）\n",
    )
    assert [(t.code, t.title, t.lead_units) for t in plan.tasks] == [
        ("（一）1①", "大力发展新能源", ["市发展改革委"]),
        ("（一）1②", "大力发展新能源", ["市自然资源局"]),
    ]


def test_full_width_numbers_are_written_as_digits() -> None:
    root = parse_outline(lines("（一）能源行动\n１．发展新能源。\n２．推进氢能。"))
    assert [c.marker for c in root.children[0].children] == ["1", "2"]


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            (False, True),
            ["“发展新能源”没有责任单位标注（同级其他各项都有），未作为任务导入，请核对"],
        ),
        (
            (False, True, True),
            ["“发展新能源”没有责任单位标注（同级其他各项都有），未作为任务导入，请核对"],
        ),
        (
            (False, False, True, True),
            [
                "“发展新能源”没有责任单位标注（同级 4 项中 2 项有），未作为任务导入，请核对",
                "“推进氢能”没有责任单位标注（同级 4 项中 2 项有），未作为任务导入，请核对",
            ],
        ),
        ((False, False, True), []),  # most items have none: the annotated one is the exception
    ],
)
def test_an_item_without_annotation_among_annotated_siblings_is_said(
    tmp_path: Path, marked: tuple[bool, ...], expected: list[str]
) -> None:
    titles = ["发展新能源", "推进氢能", "节能降碳", "绿色建筑"]
    body = "".join(
        f"{i}.{title}。加快推进。" + ("（责任单位：市发展改革委）" if has else "") + "\n"
        for i, (title, has) in enumerate(zip(titles, marked, strict=False), 1)
    )
    plan = plan_from_text(tmp_path, f"某市碳达峰实施方案\n一、重点任务\n（一）能源行动\n{body}")
    assert [w.message for w in plan.warnings] == expected
    assert len(plan.tasks) == sum(marked)
