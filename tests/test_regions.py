"""Regions (地区): the issuer read from a plan's title, its province, and where a unit named in
its plan belongs — the table of provinces and cities, and regions the table does not know."""

from __future__ import annotations

import json

import pytest

from tracker.config import RESOURCES
from tracker.importing.regions import (
    LEVEL_CITY,
    LEVEL_COUNTY,
    LEVEL_PARK,
    LEVEL_PROVINCE,
    RegionSpec,
    guess_region,
    owner_index,
    province_names,
    region_from_name,
)
from tracker.importing.units import NameScope, unit_scope


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "宁夏回族自治区碳达峰实施方案",
            RegionSpec("宁夏回族自治区", LEVEL_PROVINCE, "宁夏回族自治区"),
        ),
        ("宁夏碳达峰试点建设方案", RegionSpec("宁夏回族自治区", LEVEL_PROVINCE, "宁夏回族自治区")),
        ("四川省碳达峰实施方案", RegionSpec("四川省", LEVEL_PROVINCE, "四川省")),
        ("银川市碳达峰实施方案", RegionSpec("银川市", LEVEL_CITY, "宁夏回族自治区")),
        ("广元市碳达峰实施方案", RegionSpec("广元市", LEVEL_CITY, "四川省")),
        ("四川省广元市碳达峰实施方案", RegionSpec("广元市", LEVEL_CITY, "四川省")),
        ("延边朝鲜族自治州碳达峰实施方案", RegionSpec("延边朝鲜族自治州", LEVEL_CITY, "吉林省")),
        ("海南藏族自治州碳达峰实施方案", RegionSpec("海南藏族自治州", LEVEL_CITY, "青海省")),
        (
            "宁东能源化工基地碳达峰实施方案",
            RegionSpec("宁东能源化工基地", LEVEL_PARK, "宁夏回族自治区"),
        ),
        (
            "银川市西夏区碳达峰实施方案",
            RegionSpec("银川市西夏区", LEVEL_COUNTY, "宁夏回族自治区", city="银川市"),
        ),
        (
            "广元经济技术开发区碳达峰实施方案",
            RegionSpec("广元经济技术开发区", LEVEL_PARK, "四川省", city="广元市"),
        ),
        ("北京市朝阳区碳达峰实施方案", RegionSpec("北京市朝阳区", LEVEL_COUNTY, "北京市")),
        ("广元市能源领域碳达峰实施方案", RegionSpec("广元市", LEVEL_CITY, "四川省")),
        ("中共银川市委碳达峰实施方案", RegionSpec("银川市", LEVEL_CITY, "宁夏回族自治区")),
    ],
)
def test_known_regions_from_titles(title: str, expected: RegionSpec) -> None:
    assert guess_region(title) == expected


@pytest.mark.parametrize(
    ("title", "name", "level"),
    [
        ("青川县碳达峰实施方案", "青川县", LEVEL_COUNTY),
        ("金凤区碳达峰实施方案", "金凤区", LEVEL_COUNTY),
        ("示例市碳达峰实施方案", "示例市", LEVEL_CITY),
        ("某某工业园区碳达峰实施方案", "某某工业园区", LEVEL_PARK),
        ("鄂托克前旗碳达峰实施方案", "鄂托克前旗", LEVEL_COUNTY),
    ],
)
def test_an_unseen_region_gets_its_level_and_the_province_its_text_names(
    title: str, name: str, level: str
) -> None:
    text = "（责任单位：国网四川省电力公司、四川省发展改革委）……四川……"
    found = guess_region(title, text)
    assert found is not None
    assert (found.name, found.level, found.province) == (name, level, "四川省")
    assert found.note is not None and "四川省" in found.note and "请核对" in found.note


def test_an_unseen_region_without_any_province_in_its_text_asks_for_one() -> None:
    found = guess_region("示例市碳达峰实施方案", "推进光伏发电。（责任单位：市发改委）")
    assert found is not None and found.province is None
    assert found.note == "“示例市”不在地区表中，无法确定所属省份，请在预览中选择"
    # the person names it: the region then knows its province
    chosen = region_from_name("示例市", province="宁夏")  # short names are made full
    assert chosen == RegionSpec("示例市", LEVEL_CITY, "宁夏回族自治区")


@pytest.mark.parametrize("text", ["", "……四川……四川省……"])
def test_an_unseen_province_is_its_own_province(text: str) -> None:
    # 青山省 (a plan of our own writing) is in no table: nothing to ask, nothing to guess
    found = guess_region("青山省碳达峰实施方案", text)
    assert found == RegionSpec("青山省", LEVEL_PROVINCE, "青山省")
    assert region_from_name("青山省", province="四川省") == found


def test_a_title_with_only_a_level_word_takes_the_place_its_text_names() -> None:
    text = "国网宁夏电力公司、宁夏税务局……建设美丽新宁夏……内蒙古……"
    found = guess_region("自治区碳达峰实施方案", text)
    assert found is not None and (found.name, found.level) == ("宁夏回族自治区", LEVEL_PROVINCE)
    assert found.note is not None and "自治区" in found.note
    assert guess_region("自治区碳达峰实施方案", "没有地名") is None
    city = guess_region("市碳达峰实施方案", "银川……银川市……石嘴山")
    assert city is not None and (city.name, city.province) == ("银川市", "宁夏回族自治区")


@pytest.mark.parametrize("title", ["关于印发碳达峰实施方案的通知", "碳达峰实施方案", "测试方案"])
def test_a_title_naming_no_region_gives_none(title: str) -> None:
    assert guess_region(title, "宁夏") is None


def test_the_table_holds_every_province_once_and_cities_once() -> None:
    data = json.loads((RESOURCES / "regions.json").read_text(encoding="utf-8"))
    names = province_names()
    assert len(names) == len(set(names)) == 34
    cities = [c for p in data["provinces"] for c in p["cities"]]
    assert len(cities) == len(set(cities))
    assert len(cities) > 330


def test_the_unit_place_table_agrees_with_the_region_table() -> None:
    """unit_places.json (short city names used inside unit names) must not name a city
    regions.json does not know, nor a province it does not know."""
    places = json.loads((RESOURCES / "unit_places.json").read_text(encoding="utf-8"))
    regions = json.loads((RESOURCES / "regions.json").read_text(encoding="utf-8"))
    shorts = {p["short"] for p in regions["provinces"]}
    cities = [c for p in regions["provinces"] for c in p["cities"]]
    assert set(places["provinces"]) == shorts
    unknown = [c for c in places["cities"] if not any(full.startswith(c) for full in cities)]
    assert unknown == []


# ---------------------------------------------------------------- where a unit belongs


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("市发展改革委", NameScope(level="市")),
        ("市委宣传部", NameScope(level="市")),
        ("团市委", NameScope(level="市")),
        ("市直机关工委", NameScope(level="市")),
        ("县发展改革局", NameScope(level="县")),
        ("自治区发展改革委", NameScope(level="自治区")),
        ("自治区党委宣传部", NameScope(level="自治区")),
        ("国网宁夏电力公司", NameScope(own=True)),
        ("人民银行银川中心支行", NameScope(own=True)),
        ("宁东管委会", NameScope(own=True)),
        ("宁夏税务局", NameScope(own=True)),
        ("银川市发展改革委", NameScope(own=True)),
        ("国家发展改革委", NameScope(own=True)),
        ("各县（市）区人民政府", NameScope()),
        ("市直各有关部门", NameScope()),
        ("五市人民政府", NameScope()),
        ("发展改革委", NameScope()),
    ],
)
def test_unit_scope(name: str, scope: NameScope) -> None:
    assert unit_scope(name) == scope


@pytest.mark.parametrize(
    ("name", "levels", "index"),
    [
        ("市发展改革委", ["city", "province"], 0),
        ("自治区发展改革委", ["city", "province"], 1),
        ("国网宁夏电力公司", ["city", "province"], 1),
        ("各县（市）区人民政府", ["city", "province"], 0),
        ("市发展改革委", ["county", "city", "province"], 1),  # a county plan names its city's
        ("县发展改革局", ["county", "city", "province"], 0),
        ("市发展改革委", ["province"], 0),  # a 市 unit in a regional plan: the region's own
        ("自治区发展改革委", ["city"], 0),  # a city whose province is not known
        ("宁东管委会", ["park", "province"], 1),
    ],
)
def test_owner_index(name: str, levels: list[str], index: int) -> None:
    assert owner_index(name, levels) == index
