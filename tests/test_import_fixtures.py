"""The importer on plans of our own writing (tests/fixtures/plans), one per way a document
marks responsibility and one with a PDF-style 任务分工 table carrying every artefact the
table reader repairs. Each breakdown is checked task by task: what a person reading the
document would write down."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import ImportFailed
from tracker.importing.importer import parse_plan
from tracker.importing.result import ParsedPlan

from conftest import PLAN_CITY, PLAN_COUNTY, PLAN_NO_BREAKDOWN, PLAN_REGION, PLAN_TABLE

# (code, area, measure, leads, cooperating) of every task, in document order.
Breakdown = list[tuple[str, str, str, list[str], list[str]]]


def breakdown(plan: ParsedPlan) -> Breakdown:
    return [(t.code, t.area_title, t.title, t.lead_units, t.cooperating_units) for t in plan.tasks]


@pytest.fixture(scope="module")
def region() -> ParsedPlan:
    return parse_plan(PLAN_REGION)


@pytest.fixture(scope="module")
def city() -> ParsedPlan:
    return parse_plan(PLAN_CITY)


@pytest.fixture(scope="module")
def county() -> ParsedPlan:
    return parse_plan(PLAN_COUNTY)


@pytest.fixture(scope="module")
def table() -> ParsedPlan:
    return parse_plan(PLAN_TABLE)


# ---------------------------------------------------------------- （责任单位：…） after the measure

ENERGY, SAVING, BUILDING = "能源绿色低碳转型行动", "节能降碳增效行动", "城乡建设低碳发展行动"

REGION: Breakdown = [
    (
        "（一）1",
        ENERGY,
        "大力发展风电和光伏",
        ["省发展改革委"],
        # bare names inherit 省; 住房和城乡建设厅 is the alias of 住房城乡建设厅
        ["省自然资源厅", "省住房城乡建设厅", "省农业农村厅", "国网青山电力公司"],
    ),
    ("（一）2", ENERGY, "稳妥推进煤电转型", ["省发展改革委"], ["省生态环境厅", "国网青山电力公司"]),
    ("（一）3", ENERGY, "加快新型储能建设", ["省发展改革委"], ["省科技厅"]),
    (
        "（二）1",
        SAVING,
        "强化节能审查和监察",
        ["省发展改革委"],
        ["省工业和信息化厅", "省市场监管局"],
    ),
    # the list without its 责任单位： label
    (
        "（二）2",
        SAVING,
        "推进重点用能设备更新",
        ["省工业和信息化厅"],
        ["省发展改革委", "省市场监管局"],
    ),
    # a comma in the list: the unit before it leads
    (
        "（二）3",
        SAVING,
        "推进园区节能降碳",
        ["东湖管委会"],
        ["省发展改革委", "省工业和信息化厅", "省商务厅"],
    ),
    ("（三）1", BUILDING, "推广绿色建筑", ["省住房城乡建设厅"], ["省发展改革委", "省市场监管局"]),
    # （责任 / 单位：… wrapped across two lines
    (
        "（三）2",
        BUILDING,
        "推进农村用能低碳转型",
        ["省农业农村厅"],
        ["省住房城乡建设厅", "省乡村振兴局"],
    ),
    ("四（一）", "对外合作", "推进绿色贸易", ["省商务厅"], ["省发展改革委"]),
    ("四（二）", "对外合作", "加强绿色技术合作", ["省科技厅"], ["省商务厅", "省外事办"]),
    ("五（一）", "政策保障", "健全统计核算体系", ["省统计局"], ["省发展改革委", "省生态环境厅"]),
    ("五（二）", "政策保障", "完善财税价格政策", ["省财政厅"], ["省税务局", "省发展改革委"]),
]


def test_region_plan_with_responsibility_labels(region: ParsedPlan) -> None:
    assert (region.title, region.kind, region.method) == (
        "青山省碳达峰实施方案",
        "region",
        "annotations",
    )
    assert (region.start_year, region.horizon_year) == (2023, 2030)
    assert breakdown(region) == REGION
    assert region.warnings == []  # 组织实施 has no annotations and no tasks, as intended
    solar = region.tasks[0]
    assert [(t.year, t.indicator, t.value, t.unit) for t in solar.targets] == [
        (2025, "风电和光伏发电装机规模", 3000.0, "万千瓦")
    ]
    assert solar.content.startswith("坚持集中式与分布式并举")
    assert solar.content.endswith("达到3000万千瓦。")


# ---------------------------------------------------------------- 牵头 / 按职责分工负责 sentences

ACT_ENERGY, ACT_SAVING = "实施能源绿色低碳转型行动", "实施节能降碳增效行动"
ACT_BUILDING, ACT_TRANSPORT = "实施城乡建设碳达峰行动", "实施交通运输绿色低碳行动"
BLANKET = ["各县（区）", "临川高新区"]  # 以下均须各县（区）、临川高新区负责，不再列出

CITY: Breakdown = [
    (
        "（一）1",
        ACT_ENERGY,
        "提升水电综合效益",
        ["市发展改革委"],
        ["市水利局", "市自然资源局", "国网临川供电公司", *BLANKET],
    ),
    # a paragraph wrapped across lines
    (
        "（一）2",
        ACT_ENERGY,
        "有序发展风电和光伏",
        ["市发展改革委"],
        ["市自然资源局", "市林业局", *BLANKET],
    ),
    # several leads
    (
        "（一）3",
        ACT_ENERGY,
        "推进天然气增储上产",
        ["市发展改革委", "市经济和信息化局", "市住房城乡建设局"],
        ["市应急管理局", "市市场监管局", *BLANKET],
    ),
    # （市发展改革委 / 牵头，… split across lines
    (
        "（一）4",
        ACT_ENERGY,
        "加快建设新型电力系统",
        ["市发展改革委"],
        ["市经济和信息化局", "国网临川供电公司", *BLANKET],
    ),
    # no 牵头 at all: the first unit leads
    (
        "（二）1",
        ACT_SAVING,
        "全面提升节能管理能力",
        ["市发展改革委"],
        ["市经济和信息化局", "市市场监管局", *BLANKET],
    ),
    # the annotation alone on its own line; 按照职责分工分别负责
    (
        "（二）2",
        ACT_SAVING,
        "推进重点用能设备节能增效",
        ["市经济和信息化局"],
        ["市发展改革委", "市市场监管局", *BLANKET],
    ),
    # nested brackets: 各县（区）人民政府 is one unit
    (
        "（三）1",
        ACT_BUILDING,
        "推动建筑节能改造",
        ["市住房城乡建设局"],
        ["市发展改革委", "市机关事务服务中心", "各县（区）人民政府", *BLANKET],
    ),
    (
        "（三）2",
        ACT_BUILDING,
        "推进农村用能低碳转型",
        ["市农业农村局", "市乡村振兴局"],
        ["市住房城乡建设局", *BLANKET],
    ),
    # the list broken after 、 at the end of a line
    (
        "（四）1",
        ACT_TRANSPORT,
        "推广新能源车辆",
        ["市交通运输局"],
        ["市发展改革委", "市住房城乡建设局", "市公安局", "国网临川供电公司", *BLANKET],
    ),
    # annotated items of 组织实施 are tasks of that chapter
    ("三（一）", "组织实施", "加强统筹协调", ["市发展改革委"], ["市直各有关部门", *BLANKET]),
    (
        "三（二）",
        "组织实施",
        "强化考核评估",
        ["市委组织部", "市发展改革委"],
        ["市统计局", *BLANKET],
    ),
]


def test_city_plan_with_lead_sentences_and_a_blanket_note(city: ParsedPlan) -> None:
    assert (city.title, city.kind, city.method) == ("临川市碳达峰实施方案", "city", "annotations")
    assert (city.start_year, city.horizon_year) == (2024, 2030)
    assert breakdown(city) == CITY
    assert city.warnings == []
    wrapped = city.tasks[1]
    assert "在风能资源较好的山区建设分散式风电项目" in wrapped.content  # joined, no gap
    assert [(t.year, t.value, t.unit) for t in city.tasks[8].targets] == [(2025, 80.0, "%")]


# ---------------------------------------------------------------- 牵头单位：/参加单位：, 负责单位：

PARKS = ["各乡镇人民政府", "县经济开发区管委会"]  # 下述工作事项，均需…落实，不再重复列出

COUNTY: Breakdown = [
    (
        "（一）1",
        "能源结构调整行动",
        "发展分布式光伏",
        ["县发展改革局"],
        ["县机关事务服务中心", "县教育局", "县卫生健康局", *PARKS],
    ),
    ("（一）2", "能源结构调整行动", "推进清洁取暖", ["县住房城乡建设局"], ["县农业农村局", *PARKS]),
    # 责任单位： written into the paragraph without brackets
    (
        "（二）1",
        "产业绿色升级行动",
        "推进工业企业节能改造",
        ["县工业和信息化局"],
        ["县发展改革局", *PARKS],
    ),
    (
        "（二）2",
        "产业绿色升级行动",
        "发展循环农业",
        ["县农业农村局", "县畜牧兽医局"],
        ["县生态环境局", *PARKS],
    ),
]


def test_county_plan_with_national_labels_and_a_standalone_blanket_note(
    county: ParsedPlan,
) -> None:
    assert (county.title, county.method) == ("平岗县碳达峰实施方案", "annotations")
    assert county.start_year == 2023  # 二〇二三年十一月
    assert breakdown(county) == COUNTY
    assert county.warnings == []
    assert [(t.year, t.value, t.unit) for t in county.tasks[3].targets] == [(2025, 92.0, "%")]


# ---------------------------------------------------------------- a PDF-style 任务分工 table

T_ENERGY, T_SAVING, T_INDUSTRY = "能源绿色低碳转型行动", "节能降碳增效行动", "工业领域碳达峰行动"
T_PEOPLE, T_POLICY = "绿色低碳全民行动", "政策保障"

TABLE: Breakdown = [
    # 一、能源… is printed on the middle row of its block
    (
        "1",
        T_ENERGY,
        "扩大清洁能源供应",
        ["市发展改革委"],
        ["市自然资源局", "市生态环境局", "市林业局"],
    ),
    (
        "2",
        T_ENERGY,
        "严格控制化石能源消费",
        ["市发展改革委"],
        ["市工业和信息化局", "市生态环境局", "市市场监管局"],
    ),
    (
        "3",
        T_ENERGY,
        "扩大绿电消费",
        ["市发展改革委"],
        ["市工业和信息化局", "国网云岭供电公司"],
    ),
    # continued after the page break under a repeated header
    (
        "4",
        T_SAVING,
        "强化节能管理",
        ["市发展改革委"],
        ["市工业和信息化局", "市市场监管局", "市统计局"],
    ),
    (
        "5",
        T_SAVING,
        "推进重点用能设备节能降碳",
        ["市工业和信息化局"],
        ["市发展改革委", "市市场监管局"],
    ),
    # 各县（市）区人 / 民政府: the name broken across the page break
    (
        "6",
        T_SAVING,
        "加强数据中心节能降碳",
        ["市工业和信息化局"],
        ["市发展改革委", "市大数据管理局", "各县（市）区人民政府"],
    ),
    # a sub-row with its own lead
    (
        "7-1",
        T_INDUSTRY,
        "建设绿色制造体系",
        ["市工业和信息化局"],
        ["市发展改革委", "市生态环境局"],
    ),
    (
        "7-2",
        T_INDUSTRY,
        "建设绿色制造体系",
        ["市生态环境局"],
        ["市工业和信息化局", "市发展改革委"],
    ),
    (
        "8",
        T_INDUSTRY,
        "坚决遏制高耗能项目盲目发展",
        ["市发展改革委"],
        ["市工业和信息化局", "市生态环境局"],
    ),
    # shifted one column right, its area label split over the page break, "市委宣传 部"
    ("9", T_PEOPLE, "开展节能降碳宣传", ["市委宣传部"], []),
    (
        "10",
        T_PEOPLE,
        "倡导简约适度生活",
        ["市发展改革委"],
        ["市教育局", "市住房城乡建设局", "市妇联"],
    ),
    ("11", T_PEOPLE, "强化领导干部培训", ["市委组织部"], ["市委宣传部", "市委党校"]),
    ("12", T_POLICY, "健全统计核算体系", ["市统计局"], ["市发展改革委", "市生态环境局"]),
    ("13", T_POLICY, "完善绿色金融政策", ["市财政局"], ["人民银行云岭市分行", "市地方金融监管局"]),
    # two leads in one cell, "/" for no cooperating unit
    ("14", T_POLICY, "建立工作推进机制", ["各县（市）区人民政府", "各园区管委会"], []),
]


def test_pdf_table_is_the_breakdown_with_every_artefact_repaired(table: ParsedPlan) -> None:
    assert (table.title, table.method, table.start_year) == ("云岭市碳达峰实施方案", "table", 2024)
    assert breakdown(table) == TABLE
    assert [f"{code}、{title}" for code, title in table.areas] == [
        "一、能源绿色低碳转型行动",
        "二、节能降碳增效行动",
        "三、工业领域碳达峰行动",
        "四、绿色低碳全民行动",
        "五、政策保障",
    ]


def test_pdf_table_rows_continued_across_page_breaks(table: ParsedPlan) -> None:
    by_code = {t.code: t for t in table.tasks}
    assert by_code["4"].content == (
        "严格开展新建项目节能审查，充实节能监察力量，为重点用能单位提供节能诊断服务，"
        "推行合同能源管理。"
    )
    shifted = by_code["9"]
    assert shifted.content.startswith("通过讲座、展览和网络平台普及节能降碳知识。")
    assert shifted.content.endswith("全国低碳日主题活动，提高市民节能降碳意识。")
    assert [(w.where, "错位" in w.message) for w in table.warnings] == [("第83行", True)]
    assert shifted.where == "第83行"


def test_pdf_table_targets_and_places(table: ParsedPlan) -> None:
    by_code = {t.code: t for t in table.tasks}
    assert [(t.year, t.indicator, t.value, t.unit) for t in by_code["1"].targets] == [
        (2025, "新能源装机规模", 300.0, "万千瓦")
    ]
    assert [(t.year, t.value, t.unit) for t in by_code["3"].targets] == [(2025, 30.0, "%")]
    assert by_code["1"].where == "第68行"


# ---------------------------------------------------------------- no breakdown at all


def test_a_document_without_a_breakdown_is_refused_with_its_name() -> None:
    with pytest.raises(ImportFailed) as info:
        parse_plan(PLAN_NO_BREAKDOWN)
    assert PLAN_NO_BREAKDOWN.name in str(info.value)
    assert "没有找到任务分工" in str(info.value)


@pytest.mark.parametrize(
    "path", [PLAN_REGION, PLAN_CITY, PLAN_COUNTY, PLAN_TABLE], ids=lambda p: p.stem
)
def test_every_task_has_a_lead_and_clean_units(path: Path) -> None:
    for t in parse_plan(path).tasks:
        assert t.lead_units, t.code
        for name in [*t.lead_units, *t.cooperating_units]:
            assert name and " " not in name and "负责" not in name and "牵头" not in name
        assert not set(t.lead_units) & set(t.cooperating_units)
