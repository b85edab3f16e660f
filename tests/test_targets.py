"""Targets (目标) read from task text: inline examples of each rule, then whole documents —
our own plans (and the sample) always, the real seeds whenever ../shared/seeds is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker import config
from tracker.importing.result import TargetSpec
from tracker.importing.targets import extract_targets

from conftest import PLANS, SEEDS


def _fields(target: TargetSpec) -> tuple[int, str, str, str, float, str]:
    return (
        target.year,
        target.indicator,
        target.verb,
        target.comparator,
        target.value,
        target.unit,
    )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


# --- one sentence, one rule -----------------------------------------------------------------


def test_clause_with_year_gives_target_with_its_text() -> None:
    (target,) = extract_targets("到2025年，新能源装机规模力争达到5000万千瓦。")
    assert target == TargetSpec(
        year=2025,
        indicator="新能源装机规模",
        verb="达到",
        comparator="=",
        value=5000.0,
        unit="万千瓦",
        text="到2025年，新能源装机规模力争达到5000万千瓦",
    )


def test_year_carries_over_the_clauses_of_its_sentence() -> None:
    targets = extract_targets(
        "到2025年，新能源发电装机容量达到5000万千瓦以上，非水可再生能源电力消纳比重提高到"
        "28%以上，非化石能源消费比重达到15%左右，单位地区生产总值能源消耗和二氧化碳排放下降"
        "确保完成国家下达目标，为实现碳排放达峰奠定坚实基础。"
        "到2030年，非化石能源消费比重达到20%左右，新能源发电总装机容量达到7450万千瓦以上，"
        "非水可再生能源电力消纳比重提高到35.2%以上。"
    )
    assert [_fields(t) for t in targets] == [
        (2025, "新能源发电装机容量", "达到", ">=", 5000.0, "万千瓦"),
        (2025, "非水可再生能源电力消纳比重", "提高到", ">=", 28.0, "%"),
        (2025, "非化石能源消费比重", "达到", "≈", 15.0, "%"),
        (2030, "非化石能源消费比重", "达到", "≈", 20.0, "%"),
        (2030, "新能源发电总装机容量", "达到", ">=", 7450.0, "万千瓦"),
        (2030, "非水可再生能源电力消纳比重", "提高到", ">=", 35.2, "%"),
    ]
    assert targets[1].text == "非水可再生能源电力消纳比重提高到28%以上"
    assert targets[3].text == "到2030年，非化石能源消费比重达到20%左右"


def test_year_does_not_cross_the_end_of_a_sentence() -> None:
    text = "到2025年，煤炭消费比重降低至8%以下。将石油消费增速保持在5%以内。"
    assert [t.value for t in extract_targets(text)] == [8.0]


def test_semicolon_keeps_the_year() -> None:
    targets = extract_targets(
        "到2025年，清洁能源汽车销量占新车销量比例达到15%以上，市政车辆全部实现新能源替代；"
        "营运车辆单位运输周转量二氧化碳排放较2020年下降5％左右；到2030年，当年新增新能源、"
        "清洁能源动力的交通工具比例达到40%左右。"
    )
    assert [(t.year, t.indicator, t.value) for t in targets] == [
        (2025, "清洁能源汽车销量占新车销量比例", 15.0),
        (2025, "营运车辆单位运输周转量二氧化碳排放", 5.0),
        (2030, "当年新增新能源、清洁能源动力的交通工具比例", 40.0),
    ]


def test_pdf_spaces_and_line_breaks_are_normalised() -> None:
    targets = extract_targets(
        "到 2025 年，森林覆盖率达到 16%以上，森林蓄积量达到 188 万立方米，湿地面积达到 80 万亩，"
        "湿地保护率达到 85% 以上；到 2030 年，主要农作\n物化肥、农药利用率达到 43%以上。"
    )
    assert [_fields(t) for t in targets] == [
        (2025, "森林覆盖率", "达到", ">=", 16.0, "%"),
        (2025, "森林蓄积量", "达到", "=", 188.0, "万立方米"),
        (2025, "湿地面积", "达到", "=", 80.0, "万亩"),
        (2025, "湿地保护率", "达到", ">=", 85.0, "%"),
        (2030, "主要农作物化肥、农药利用率", "达到", ">=", 43.0, "%"),
    ]
    assert targets[0].text == "到2025年，森林覆盖率达到16%以上"


def test_clause_without_indicator_inherits_the_previous_one() -> None:
    targets = extract_targets(
        "到2025年，全市大宗工业固废年利用能力达到80万吨左右，到2030年达到100万吨左右。"
    )
    assert [_fields(t) for t in targets] == [
        (2025, "大宗工业固废年利用能力", "达到", "≈", 80.0, "万吨"),
        (2030, "大宗工业固废年利用能力", "达到", "≈", 100.0, "万吨"),
    ]
    assert targets[1].text == "到2030年达到100万吨左右"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "到2025年，单位地区生产总值二氧化碳排放累计下降 14%。",
            (2025, "单位地区生产总值二氧化碳排放", "下降", "=", 14.0, "%"),
        ),
        (
            "到 2030 年，单位面积建筑能耗比 2020 年降低 5%左右。",
            (2030, "单位面积建筑能耗", "降低", "≈", 5.0, "%"),
        ),
        (
            "到2030年，营运交通工具单位换算周转量碳排放强度比 2020 年下降 9.5%左右。",
            (2030, "营运交通工具单位换算周转量碳排放强度", "下降", "≈", 9.5, "%"),
        ),
        (
            "到2025年，规模以上工业企业单位增加值能耗较2020年下降18%。",
            (2025, "规模以上工业企业单位增加值能耗", "下降", "=", 18.0, "%"),
        ),
        (
            "到2025年，铁路运输量较2020年增加4000万吨。",
            (2025, "铁路运输量", "增加", "=", 4000.0, "万吨"),
        ),
        (
            "到 2025 年集装箱铁水联运量年均增长 2%左右。",
            (2025, "集装箱铁水联运量", "年均增长", "≈", 2.0, "%"),
        ),
    ],
)
def test_change_verbs_keep_the_base_year_out(
    text: str, expected: tuple[int, str, str, str, float, str]
) -> None:
    (target,) = extract_targets(text)
    assert _fields(target) == expected


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("到2025年，电解铝产能控制在130万吨以内。", "<=", 130.0, "万吨"),
        ("到2025年，煤炭消费比重降低至8%以下。", "<=", 8.0, "%"),
        ("到2025年，新建大型、超大型数据中心平均电能利用效率不高于1.2。", "<=", 1.2, ""),
        ("到 2025 年，新能源发电装机规模突破 500 万千瓦。", ">", 500.0, "万千瓦"),
        ("到2030年，建筑用电占建筑能耗比例超过65%。", ">", 65.0, "%"),
        ("到2025年，全区储能设施容量不低于新能源装机规模的10%。", ">=", 10.0, "%"),
        ("到2025年，城市绿色出行比例力争达到65%以上。", ">=", 65.0, "%"),
        ("到2030年，清洁能源装机规模达到650万千瓦左右。", "≈", 650.0, "万千瓦"),
        ("到2030年，湿地面积稳定在 80 万亩以上。", ">=", 80.0, "万亩"),
        ("到2025年，主要再生资源回收率达85%以上。", ">=", 85.0, "%"),
        ("到2025年，装配式建筑占同期新开工建筑面积比重达25%。", "=", 25.0, "%"),
        (
            "到2025年，燃煤电厂平均供电标准煤耗降低到300克/千瓦时以下。",
            "<=",
            300.0,
            "克/千瓦时",
        ),
        ("到2030年，绿氢生产规模达到30万吨/年以上。", ">=", 30.0, "万吨/年"),
        ("到2025年，天然气年生产能力力争达到65亿立方米。", "=", 65.0, "亿立方米"),
        ("到2025年，可再生能源发电量达到3.3万亿千瓦时左右。", "≈", 3.3, "万亿千瓦时"),
    ],
)
def test_comparator_value_and_unit(text: str, comparator: str, value: float, unit: str) -> None:
    (target,) = extract_targets(text)
    assert (target.comparator, target.value, target.unit) == (comparator, value, unit)


def test_change_after_a_level_inherits_the_indicator() -> None:
    targets = extract_targets("到2025年，森林覆盖率达到20%，比2020年提高2个百分点。")
    assert [_fields(t) for t in targets] == [
        (2025, "森林覆盖率", "达到", "=", 20.0, "%"),
        (2025, "森林覆盖率", "提高", "=", 2.0, "个百分点"),
    ]


def test_starting_value_is_not_the_target() -> None:
    (target,) = extract_targets("到2025年，非化石能源消费比重由2020年的10%提高到20%。")
    assert (target.indicator, target.value) == ("非化石能源消费比重", 20.0)


@pytest.mark.parametrize(
    "text",
    [
        "到2025年，煤炭、石油消费比重提高到32%和36%。",
        "到2025年，新能源装机比重达到10%—15%。",
    ],
)
def test_values_without_respectively_or_ranges_give_nothing(text: str) -> None:
    assert extract_targets(text) == []


def test_share_of_something_names_it_in_the_indicator() -> None:
    (target,) = extract_targets("到2025年，需求侧响应能力达到最大用电负荷的5%以上。")
    assert (target.indicator, target.value) == ("需求侧响应能力占最大用电负荷", 5.0)


def test_percentage_of_a_requirement_is_a_target() -> None:
    targets = extract_targets(
        "到2030年，新建居住建筑本体达到83%节能要求，新建公共建筑本体达到78%节能要求。"
    )
    assert [(t.indicator, t.value, t.unit) for t in targets] == [
        ("新建居住建筑本体节能要求", 83.0, "%"),
        ("新建公共建筑本体节能要求", 78.0, "%"),
    ]


def test_respectively_pairs_indicators_with_values() -> None:
    targets = extract_targets(
        "到2025年，不再新增合成氨、烧碱产能，单位合成氨、烧碱生产综合能耗分别下降8%、5%。"
    )
    assert [(t.indicator, t.verb, t.value) for t in targets] == [
        ("单位合成氨生产综合能耗", "下降", 8.0),
        ("烧碱生产综合能耗", "下降", 5.0),
    ]


@pytest.mark.parametrize(
    ("text", "indicators"),
    [
        (
            "到2025年，钢铁、水泥、平板玻璃单位产品能耗分别下降5%、4%、3%。",
            ["钢铁单位产品能耗", "水泥单位产品能耗", "平板玻璃单位产品能耗"],
        ),
        (
            "到2025年，风电、光伏装机规模分别达到100万千瓦、200万千瓦。",
            ["风电装机规模", "光伏装机规模"],
        ),
        (
            "到2025年，新能源汽车、充电桩保有量分别达到2万辆、8000台。",
            ["新能源汽车保有量", "充电桩保有量"],
        ),
        (
            "到2025年，森林覆盖率、森林蓄积量分别达到58%、6500万立方米。",
            ["森林覆盖率", "森林蓄积量"],
        ),
    ],
)
def test_listed_items_take_the_shared_indicator_tail(text: str, indicators: list[str]) -> None:
    assert [t.indicator for t in extract_targets(text)] == indicators


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        (
            "到2025年，全市煤电机组平均供电煤耗降至300克标煤/千瓦时以下。",
            "<=",
            300.0,
            "克标煤/千瓦时",
        ),
        (
            "到2025年，规模以上工业单位增加值能耗降至0.8吨标准煤/万元以内。",
            "<=",
            0.8,
            "吨标准煤/万元",
        ),
        (
            "到2025年，新建居住建筑单位面积能耗不超过8千克标准煤/平方米。",
            "<=",
            8.0,
            "千克标准煤/平方米",
        ),
        ("到2025年，新建公共建筑单位面积能耗不高于12千克/平方米。", "<=", 12.0, "千克/平方米"),
        ("到2030年，万元产值二氧化碳排放降至1.2吨二氧化碳/万元。", "=", 1.2, "吨二氧化碳/万元"),
        # units the vocabulary does not know: the bound still makes the target "at most"
        ("到2025年，单位产值用水量不超过5立升/万元。", "<=", 5.0, "立升/万元"),
        ("到2025年，数据中心能效降至1.3标准单位以下。", "<=", 1.3, "标准单位"),
        ("到2025年，城市噪声控制在55分贝以内。", "<=", 55.0, "分贝"),
    ],
)
def test_compound_and_unfamiliar_units_keep_their_bound(
    text: str, comparator: str, value: float, unit: str
) -> None:
    (target,) = extract_targets(text)
    assert (target.comparator, target.value, target.unit) == (comparator, value, unit)
    assert target.direction == "decrease"


def test_an_unfamiliar_unit_without_a_bound_is_not_read() -> None:
    assert extract_targets("到2025年，数据中心能效达到1.3标准单位。") == []


@pytest.mark.parametrize(
    ("text", "direction", "baseline"),
    [
        ("到2025年，单位地区生产总值能耗较2020年下降14%。", "decrease", 2020),
        ("到2025年，单位地区生产总值二氧化碳排放比2020年下降18%。", "decrease", 2020),
        ("到2030年，非化石能源消费比重较2025年提高5个百分点。", "increase", 2025),
        ("到2025年，非化石能源消费比重达到20%以上。", "increase", None),
        ("到2025年，煤炭消费比重降低至8%以下。", "decrease", None),
        ("到2025年，电解铝产能控制在130万吨以内。", "decrease", None),
        ("到2025年，新能源装机规模达到500万千瓦。", "", None),
    ],
)
def test_direction_and_baseline_year(text: str, direction: str, baseline: int | None) -> None:
    (target,) = extract_targets(text)
    assert (target.direction, target.baseline_year) == (direction, baseline)


def test_a_change_after_a_level_keeps_its_own_baseline() -> None:
    level, change = extract_targets("到2025年，森林覆盖率达到20%，比2020年提高2个百分点。")
    assert (level.baseline_year, change.baseline_year) == (None, 2020)
    assert (change.indicator, change.direction) == ("森林覆盖率", "increase")


def test_respective_changes_share_the_baseline() -> None:
    targets = extract_targets("到2025年，单位合成氨、烧碱生产综合能耗较2020年分别下降8%、5%。")
    assert [(t.indicator, t.baseline_year, t.direction) for t in targets] == [
        ("单位合成氨生产综合能耗", 2020, "decrease"),
        ("烧碱生产综合能耗", 2020, "decrease"),
    ]


def test_respectively_with_unequal_counts_gives_nothing() -> None:
    assert extract_targets("到2025年，单位合成氨综合能耗分别下降8%、5%。") == []


def test_enumeration_comma_separates_two_pairs_only() -> None:
    targets = extract_targets(
        "到 2025 年，森林覆盖率达到 58%以上、森林蓄积量达到 6500 万立方米。"
        "到2025年，秸秆综合利用率、农膜回收率达到90%以上。"
        "到2025年，全区储能设施容量不低于新能源装机规模的10%、连续储能时长2小时以上。"
    )
    assert [(t.indicator, t.value, t.unit, t.comparator) for t in targets] == [
        ("森林覆盖率", 58.0, "%", ">="),
        ("森林蓄积量", 6500.0, "万立方米", "="),
        ("秸秆综合利用率、农膜回收率", 90.0, "%", ">="),
        ("储能设施容量占新能源装机规模", 10.0, "%", ">="),
        ("连续储能时长", 2.0, "小时", ">="),
    ]
    assert targets[0].text == "到2025年，森林覆盖率达到58%以上"
    assert targets[1].text == "森林蓄积量达到6500万立方米"


def test_counted_objects() -> None:
    targets = extract_targets(
        "到2025年，争取创建35家绿色工厂，3个绿色园区，开发12个绿色产品。"
        "到2025年，培育绿色园区12家以上、绿色工厂100家以上。"
        "到2030年，建设公共充电桩1万台以上。"
        "到 2025 年，新建省级知识产权示范园区 1 个。"
        "到2025年，累计完成老旧小区节能改造150万平方米。"
    )
    assert [(t.indicator, t.verb, t.comparator, t.value, t.unit) for t in targets] == [
        ("绿色工厂", "创建", "=", 35.0, "家"),
        ("绿色园区", "创建", "=", 3.0, "个"),
        ("绿色产品", "开发", "=", 12.0, "个"),
        ("绿色园区", "培育", ">=", 12.0, "家"),
        ("绿色工厂", "培育", ">=", 100.0, "家"),
        ("公共充电桩", "建设", ">=", 1.0, "万台"),
        ("省级知识产权示范园区", "新建", "=", 1.0, "个"),
        ("老旧小区节能改造", "完成", "=", 150.0, "万平方米"),
    ]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("“十四五”期间新增水电装机容量 4.2 万千瓦，以水电为主的可再生能源体系更加巩固。", [2025]),
        ("“十五五”末，煤炭消费比重降低至6%以下。", [2030]),
        ("到“十四五”末，全市森林覆盖率提高到40%。", [2025]),
        ("“十四五”以来，全市新能源装机增长30%。", []),
        (
            "“十四五”期间，煤炭消费增长得到严格合理控制，2025年燃煤电厂平均供电标准煤耗降低到"
            "300克/千瓦时以下，单位GDP煤炭消耗下降15%；“十五五”期间煤炭消费逐步减少。",
            [2025, 2025],
        ),
        (
            "2025年，一般工业固废综合利用率达到43％；到2030年，大宗固废综合利用水平不断提高。",
            [2025],
        ),
    ],
)
def test_other_year_markers(text: str, years: list[int]) -> None:
    assert [t.year for t in extract_targets(text)] == years


def test_bare_year_is_stripped_from_the_indicator() -> None:
    (target, _) = extract_targets(
        "“十四五”期间，2025年燃煤电厂平均供电标准煤耗降低到300克/千瓦时以下，单位GDP煤炭消耗下降15%。"
    )
    assert target.indicator == "燃煤电厂平均供电标准煤耗"


@pytest.mark.parametrize(
    "text",
    [
        # a number without a year
        "新建通道可再生能源电量比例原则上不低于50%，加快建成以新能源外送为主的特高压直流工程。",
        "逐步实施执行居住建筑75%节能设计标准，新建建筑节能标准执行率达到100%。",
        # a year without a number
        "到2030年，城市公共建筑全部完成节能改造。",
        "到2025年，试点建设取得明显进展，试点范围内有利于绿色低碳发展的政策机制基本构建。",
        # a year from a book title, from history, a 5G code, a number qualifying a noun
        "按照《建筑节能标准（2025年版）》，新建建筑能效提高20%。",
        "2025年版标准施行后，新建建筑能效提高20%。",
        "按照《到2025年建筑节能规划》，新建建筑能效提高20%。",
        "截至2021年底，全市新能源装机达到300万千瓦。",
        "2021年，全区新能源装机容量达到1800万千瓦。",
        "“十三五”时期，全区单位地区生产总值能耗下降15%。",
        "到2025年，推进“光伏+储能”5G基站建设，基站能效达到5G标准。",
        "到2025年，单机容量超过2万千瓦的风电项目全部完成改造。",
        # the base year is never the target year nor its value
        "与2020年相比，单位地区生产总值能耗有所下降。",
    ],
)
def test_not_targets(text: str) -> None:
    assert extract_targets(text) == []


def test_number_qualifying_a_share_is_not_taken_for_its_verb() -> None:
    targets = extract_targets("到2025年，全市新能源装机达500万千瓦，占全区的30%。")
    assert [(t.indicator, t.value) for t in targets] == [("新能源装机", 500.0)]


def test_table_cells_are_separate() -> None:
    row = (
        "3\t\t提高绿色电力消费比重\t积极开展清洁能源利用新模式示范。到2025年，电力消费比重"
        "提高到35%以上；到2030年，电力消费比重提高到40%以上。\t市发改委\t市工信局、交通局"
    )
    targets = extract_targets(row)
    assert [(t.year, t.indicator, t.value) for t in targets] == [
        (2025, "电力消费比重", 35.0),
        (2030, "电力消费比重", 40.0),
    ]


# --- the seed documents --------------------------------------------------------------------

# The verbs of the issue, independent of the module's own list.
_SPEC_VERBS = (
    "达到|提高到|提高至|提升到|提升至|增加到|增长到|降低到|降至|下降到|控制在|稳定在|保持在"
    "|不低于|不超过|不高于|突破|超过|下降|降低|减少|提高|增长|增加"
)
_COMMITMENT = re.compile(rf"到\s*20\d\d\s*年[^。]*?(?:{_SPEC_VERBS})\s*\d")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs as the importer sees them: a table row alone, and running text joined
    across the page breaks that cut a paragraph until it ends with 。 or an annotation."""
    paragraphs: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if "\t" in line:
            if current:
                paragraphs.append(current)
                current = ""
            paragraphs.append(line)
            continue
        current += line
        if current.endswith(("。", "）", ")")):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _document_paragraphs(paths: list[Path]) -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(paths):
        paragraphs.extend(_paragraphs(path.read_text(encoding="utf-8")))
    return paragraphs


def _documents(which: str) -> list[Path]:
    if which == "seeds":
        return sorted(SEEDS.glob("*.txt"))
    return [*PLANS.glob("*.txt"), *config.SAMPLE_DIR.glob("*.txt")]


DOCUMENTS = ["own", pytest.param("seeds", marks=pytest.mark.seeds)]


@pytest.mark.parametrize("which", DOCUMENTS)
def test_every_commitment_in_the_documents_is_found(which: str) -> None:
    committed = [p for p in _document_paragraphs(_documents(which)) if _COMMITMENT.search(p)]
    assert len(committed) >= 10, "too few 到20xx年 commitments to test"
    missed = [p[:80] for p in committed if not extract_targets(p)]
    assert missed == []


@pytest.mark.parametrize("which", DOCUMENTS)
def test_every_target_in_the_documents_is_plausible(which: str) -> None:
    found = [t for p in _document_paragraphs(_documents(which)) for t in extract_targets(p)]
    assert found
    wrong = [
        t
        for t in found
        if not 2020 < t.year <= 2060
        or not t.indicator
        or _number(t.value) not in t.text
        or "2020" in _number(t.value)
        or re.search(r"\s", t.text)
    ]
    assert wrong == []
