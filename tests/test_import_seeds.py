"""The importer on the real plans in ../shared/seeds: counts, areas, units of single tasks.

Every test here reads the real documents (marker ``seeds``): skipped with the reason in a
clone without ../shared, failing under CI=true (see conftest.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tracker.errors import ImportFailed
from tracker.importing.importer import parse_plan
from tracker.importing.result import ParsedPlan, ParsedTask

from conftest import SEED_000, SEED_001, SEED_002, SEED_004

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def plan_000() -> ParsedPlan:
    return parse_plan(SEED_000)


@pytest.fixture(scope="module")
def plan_001() -> ParsedPlan:
    return parse_plan(SEED_001)


@pytest.fixture(scope="module")
def plan_004() -> ParsedPlan:
    return parse_plan(SEED_004)


def task(plan: ParsedPlan, code: str) -> ParsedTask:
    found = [t for t in plan.tasks if t.code == code]
    assert len(found) == 1, f"no single task {code}: {[t.code for t in plan.tasks]}"
    return found[0]


def by_title(plan: ParsedPlan, title: str) -> list[ParsedTask]:
    return [t for t in plan.tasks if t.title == title]


# ---------------------------------------------------------------- 000 Ningxia region


def test_000_counts(plan_000: ParsedPlan) -> None:
    assert plan_000.method == "annotations"
    assert len(plan_000.tasks) == 49
    per_area = Counter(t.area_title for t in plan_000.tasks)
    actions = [a for a in per_area if a.endswith("行动")]
    assert len(actions) == 10
    assert sum(per_area[a] for a in actions) == 43
    assert per_area["对外合作"] == 2
    assert per_area["政策保障"] == 4
    assert "组织实施" not in per_area


def test_000_units(plan_000: ParsedPlan) -> None:
    first = task(plan_000, "（一）1")
    assert first.title == "大力发展新能源"
    assert first.lead_units == ["自治区发展改革委"]
    assert first.cooperating_units == [
        "自治区自然资源厅",
        "自治区住房城乡建设厅",
        "自治区农业农村厅",
        "自治区林草局",
        "国网宁夏电力公司",
    ]
    # the measure whose list has no 责任单位： label
    building = task(plan_000, "（三）5")
    assert building.lead_units == ["自治区工业和信息化厅"]
    assert "自治区住房城乡建设厅" in building.cooperating_units  # 住房和城乡建设厅 is an alias
    # a comma inside the list: 五市人民政府、宁东管委会，自治区发展改革委、…
    joint = task(plan_000, "（十）3")
    assert joint.lead_units == ["五市人民政府"]
    assert joint.cooperating_units[:3] == ["宁东管委会", "自治区发展改革委", "自治区工业和信息化厅"]
    trade = task(plan_000, "四（一）")
    assert trade.area_title == "对外合作"
    assert trade.lead_units == ["自治区商务厅"]


def test_000_targets(plan_000: ParsedPlan) -> None:
    targets = task(plan_000, "（一）1").targets
    years = [t.year for t in targets]
    assert 2025 in years and 2030 in years
    assert any(t.value == 5000 and t.unit == "万千瓦" and t.year == 2025 for t in targets)


# ---------------------------------------------------------------- 001 Yinchuan city (table)


def test_001_table_is_the_breakdown(plan_001: ParsedPlan) -> None:
    assert plan_001.method == "table"
    assert len(plan_001.tasks) == 43
    assert len({t.title for t in plan_001.tasks}) == 39
    assert len(plan_001.areas) == 12


def test_001_measures_per_area_follow_the_body_headings(plan_001: ParsedPlan) -> None:
    # the body's （一）…（十） actions have 3,4,3,4,3,4,3,3,4,3 numbered measures; then
    # 对外合作 has 2 and 政策保障 3 — whatever row of the block the table prints a label on
    measures: dict[str, set[str]] = {}
    for t in plan_001.tasks:
        measures.setdefault(f"{t.area_code}、{t.area_title}", set()).add(t.title)
    assert [len(m) for m in measures.values()] == [3, 4, 3, 4, 3, 4, 3, 3, 4, 3, 2, 3]
    assert next(iter(measures)) == "一、能源绿色低碳转型行动"
    assert list(measures)[-1] == "十二、政策保障"


# measure → the action its body heading gives (the table prints some labels mid-block)
BODY_AREAS = {
    "推进清洁能源开发利用": "能源绿色低碳转型行动",
    "加强新型基础设施节能降碳": "节能降碳增效行动",
    "推动工业绿色低碳发展": "工业领域碳达峰行动",
    "实施工业领域技术降碳": "工业领域碳达峰行动",
    "推进农村建设和用能低碳转型": "城乡建设低碳发展行动",
    "完善绿色交通基础设施": "交通运输绿色低碳行动",
    "推进产业园区绿色循环化发展": "循环经济助力降碳行动",
    "推进农业农村减排固碳": "生态系统固碳增汇提升行动",
    "完善创新体制机制": "绿色低碳科技创新支撑行动",
    "加强生态文明宣传教育": "绿色低碳全民行动",
    "科学合理确定碳达峰路径": "各县（市）区梯次有序碳达峰行动",
    "组织开展碳达峰试点建设": "各县（市）区梯次有序碳达峰行动",
    "推进绿色贸易合作": "对外合作",
    "健全统计核算体系": "政策保障",
}


@pytest.mark.parametrize(("measure", "area"), sorted(BODY_AREAS.items()))
def test_001_measure_lands_in_its_body_area(plan_001: ParsedPlan, measure: str, area: str) -> None:
    tasks = by_title(plan_001, measure)
    assert tasks, measure
    assert {t.area_title for t in tasks} == {area}


def test_001_subrows_are_tasks_with_their_own_lead(plan_001: ParsedPlan) -> None:
    industry = by_title(plan_001, "推动工业绿色低碳发展")
    assert [t.code for t in industry] == ["8-1", "8-2"]
    assert industry[0].lead_units == ["市工业和信息化局"]
    assert industry[1].lead_units == ["市生态环境局"]
    buildings = by_title(plan_001, "推进建筑能效提升")
    assert buildings[0].lead_units == ["市市政管理局"]
    assert "市市政管理局" in buildings[1].cooperating_units  # bare 市政管理局 after 市… names


def test_001_prefix_inheritance_and_continuations(plan_001: ParsedPlan) -> None:
    first = task(plan_001, "1")
    assert first.lead_units == ["市发展改革委"]
    assert first.cooperating_units[:2] == ["市工业和信息化局", "市自然资源局"]
    assert first.cooperating_units[-2:] == ["各县（市）区人民政府", "各园区管委会"]
    # measure 6 continues on the next page after a repeated header
    assert task(plan_001, "6").content.endswith("推动清洁能源取代化石能源。")
    # measure 23's cooperating list breaks mid-name across the page
    assert "各县（市）区人民政府" in task(plan_001, "23").cooperating_units
    # "/" means no cooperating unit; several leads in one cell
    paths = task(plan_001, "32")
    assert paths.cooperating_units == []
    assert paths.lead_units == ["各县（市）区人民政府", "各园区管委会"]


def test_001_shifted_row_repaired_with_warning(plan_001: ParsedPlan) -> None:
    row = task(plan_001, "28")
    assert row.title == "加强生态文明宣传教育"
    assert row.lead_units == ["市委宣传部"]  # "市委宣传 部": stray space removed
    assert row.content.startswith("开展多种形式的资源环境国情教育")
    assert row.content.endswith("增强社会公众绿色低碳意识。")
    assert any(w.where == "第294行" and "错位" in w.message for w in plan_001.warnings)


# ---------------------------------------------------------------- 004 Guangyuan city


def test_004_counts(plan_004: ParsedPlan) -> None:
    assert plan_004.method == "annotations"
    assert len(plan_004.tasks) == 48
    per_area = Counter(t.area_title for t in plan_004.tasks)
    actions = [a for a in per_area if a.endswith("行动")]
    assert len(actions) == 10
    assert sum(per_area[a] for a in actions) == 39
    assert (per_area["对外合作"], per_area["政策保障"], per_area["组织实施"]) == (2, 4, 3)


def test_004_units(plan_004: ParsedPlan) -> None:
    hydro = task(plan_004, "（一）1")
    assert hydro.lead_units == ["市发展改革委"]
    assert hydro.cooperating_units[:4] == [
        "市自然资源局",
        "市生态环境局",
        "市水利局",
        "国网广元供电公司",
    ]
    # the blanket note adds its units to every following task
    solar = task(plan_004, "（一）2")
    assert solar.cooperating_units[-2:] == ["各县（区）", "广元经济技术开发区"]
    grid = task(plan_004, "（一）5")  # annotation split across lines: （市发展改革委 / 牵头，…
    assert grid.lead_units == ["市发展改革委"]
    assert "市天然气综合利用工业园区管委会" in grid.cooperating_units
    several = task(plan_004, "（二）1")
    assert several.lead_units == ["市发展改革委", "市经济和信息化局", "市生态环境局"]
    assert "市委编办" in several.cooperating_units
    assert "人民银行广元市分行" in several.cooperating_units
    forest = task(plan_004, "（八）2")  # （市自然资源局、 / 市林业局牵头，…
    assert forest.lead_units == ["市自然资源局", "市林业局"]
    alone = task(plan_004, "（十）3")  # the annotation stands on its own line
    assert alone.lead_units == ["市发展改革委"]
    assert "市机关事务服务中心" in alone.cooperating_units
    assert task(plan_004, "五（一）").area_title == "组织实施"


def test_002_has_no_task_breakdown() -> None:
    with pytest.raises(ImportFailed) as info:
        parse_plan(SEED_002)
    assert SEED_002.name in str(info.value)
    assert "没有找到任务分工" in str(info.value)


@pytest.mark.parametrize("seed", [SEED_000, SEED_001, SEED_004])
def test_every_task_has_a_lead_and_clean_units(seed: Path) -> None:
    plan = parse_plan(seed)
    for t in plan.tasks:
        assert t.lead_units, t.code
        for name in [*t.lead_units, *t.cooperating_units]:
            assert name and " " not in name and "负责" not in name and "牵头" not in name, (
                t.code,
                name,
            )
        assert not set(t.lead_units) & set(t.cooperating_units)
