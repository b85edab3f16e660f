"""Unit names: splitting lists, prefix inheritance, aliases — inline cases, the lists of our
own plans (tests/fixtures/plans), and the real seeds whenever ../shared/seeds is there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tracker.config import RESOURCES
from tracker.importing.units import UnitResolver, split_unit_list

from conftest import PLAN_CITY, PLAN_COUNTY, PLAN_REGION, PLAN_TABLE


def resolve(text: str, aliases: dict[str, str] | None = None) -> list[str]:
    return UnitResolver(aliases).resolve(split_unit_list(text))


# ---------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市发改委、工信局，住建局", ["市发改委", "工信局", "住建局"]),
        ("市发改委,工信局;住建局；商务局", ["市发改委", "工信局", "住建局", "商务局"]),
        ("国网广元供电公司以及各县（区）", ["国网广元供电公司", "各县（区）"]),
        ("市发改委\n工信局", ["市发改委", "工信局"]),
        ("各县（市）区人民政府、各园区管委会", ["各县（市）区人民政府", "各园区管委会"]),
        ("各县（市、区）人民政府、市财政局", ["各县（市、区）人民政府", "市财政局"]),
        ("市委党校（广元行政学院）、市发改委", ["市委党校（广元行政学院）", "市发改委"]),
        ("各县(市)区人民政府、党校(行政学院)", ["各县（市）区人民政府", "党校（行政学院）"]),
        ("市委宣传 部", ["市委宣传部"]),
        ("市 委 宣 传 部、市场监管 局", ["市委宣传部", "市场监管局"]),
        ("市发改委 市工信局", ["市发改委", "市工信局"]),
        ("市发改委 工信局", ["市发改委", "工信局"]),
        ("发展改革委 员会", ["发展改革委员会"]),
        ("国网宁夏 电力公司", ["国网宁夏电力公司"]),
        ("市国资委、国网广元供电公司等", ["市国资委", "国网广元供电公司"]),
        ("市发改委等有关部门", ["市发改委"]),
        ("商务局各县（市）区人民政府", ["商务局", "各县（市）区人民政府"]),
        ("自治区党委宣传部自治区发展改革委", ["自治区党委宣传部", "自治区发展改革委"]),
        (
            "市发展改革委牵头，市自然资源局、市水利局等按职责分工负责",
            ["市发展改革委", "市自然资源局", "市水利局"],
        ),
        (
            "市发展改革委、市经济和信息化局牵头，市财政局等按职责分工负责",
            ["市发展改革委", "市经济和信息化局", "市财政局"],
        ),
        ("市发改委、工信局按照职责分工分别落实", ["市发改委", "工信局"]),
        ("市发展改革委、各有关部门按分工指导负责", ["市发展改革委", "各有关部门"]),
        ("（责任单位：自治区发展改革委、自然资源厅）", ["自治区发展改革委", "自然资源厅"]),
        ("(责任单位:市委组织部、宣传部)", ["市委组织部", "宣传部"]),
        (
            "牵头单位：国家发展改革委 参加单位：财政部、科技部",
            ["国家发展改革委", "财政部", "科技部"],
        ),
        (
            "各园区管委会按照职责分工分别负责。下述工作事项，均需各县（市）区人民政府落实",
            ["各园区管委会"],
        ),
        ("市发展改革委和市财政局", ["市发展改革委", "市财政局"]),
        ("市财政局及各县区政府", ["市财政局", "各县区政府"]),
        ("市发展改革委与国网宁夏电力公司", ["市发展改革委", "国网宁夏电力公司"]),
        ("自治区发展改革委和工业和信息化厅", ["自治区发展改革委", "工业和信息化厅"]),
        # 和 inside a name stays: the part before it is no unit of its own
        ("市工业和信息化局、市住房和城乡建设局", ["市工业和信息化局", "市住房和城乡建设局"]),
        ("市文化广电和旅游局、市自然资源和规划局", ["市文化广电和旅游局", "市自然资源和规划局"]),
        ("/", []),
        ("无", []),
        ("—", []),
        ("  ", []),
    ],
)
def test_split_unit_list(text: str, expected: list[str]) -> None:
    assert split_unit_list(text) == expected


def test_split_keeps_unbalanced_bracket_text_together() -> None:
    # A list cut at a page break: the open bracket must not make the splitter lose text.
    assert split_unit_list("市发改委、各县（市") == ["市发改委", "各县（市"]


# ---------------------------------------------------------------- prefix inheritance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("自治区发展改革委、自然资源厅", ["自治区发展改革委", "自治区自然资源厅"]),
        ("市发改委、工信局", ["市发展改革委", "市工业和信息化局"]),
        (
            "自治区党委组织部、宣传部、党校、发展改革委、财政厅",
            [
                "自治区党委组织部",
                "自治区党委宣传部",
                "自治区党委党校",
                "自治区发展改革委",
                "自治区财政厅",
            ],
        ),
        (
            "市委宣传部、人才工作局、党校（行政学院），发改委",
            ["市委宣传部", "市委人才工作局", "市委党校（行政学院）", "市发展改革委"],
        ),
        # A party organ after a government name still takes the party form, and back.
        (
            "自治区发展改革委、宣传部、财政厅",
            ["自治区发展改革委", "自治区党委宣传部", "自治区财政厅"],
        ),
        # 市市政管理局 is 市 + 市政管理局; a bare 市政管理局 / 市场监管局 gets the prefix.
        ("市市政管理局、住建局", ["市市政管理局", "市住房城乡建设局"]),
        ("市发改委、市政管理局、市场监管局", ["市发展改革委", "市市政管理局", "市市场监管局"]),
        ("各县（市）区人民政府、园区管委会", ["各县（市）区人民政府", "各园区管委会"]),
        ("各县（区）、乡镇", ["各县（区）", "各乡镇"]),
        ("银川市发改委、工信局", ["银川市发展改革委", "银川市工业和信息化局"]),
        (
            "宁夏回族自治区发展和改革委员会、自然资源厅",
            ["宁夏回族自治区发展改革委", "宁夏回族自治区自然资源厅"],
        ),
        ("甘孜藏族自治州发展改革委、财政局", ["甘孜藏族自治州发展改革委", "甘孜藏族自治州财政局"]),
        (
            "中共广元市委组织部、宣传部、发改委",
            ["广元市委组织部", "广元市委宣传部", "广元市发展改革委"],
        ),
        ("县委办、县发改局、财政局", ["县委办", "县发展改革局", "县财政局"]),
        ("区委组织部、区发改局、教体局", ["区委组织部", "区发展改革局", "区教育体育局"]),
        ("省发展改革委、能源局", ["省发展改革委", "省能源局"]),
        ("市政府、政府办", ["市人民政府", "市政府办公室"]),
        # The nearest preceding prefix wins.
        (
            "自治区党委宣传部、自治区发展改革委、教育厅",
            ["自治区党委宣传部", "自治区发展改革委", "自治区教育厅"],
        ),
    ],
)
def test_prefix_inheritance(text: str, expected: list[str]) -> None:
    assert resolve(text) == expected


@pytest.mark.parametrize(
    "own",
    [
        "国网宁夏电力公司",
        "国网银川供电公司",
        "宁夏邮政管理局",
        "宁夏税务局",
        "宁夏银保监局",
        "人民银行银川中心支行",
        "人民银行广元市分行",
        "国家金融监督管理总局广元监管分局",
        "宁东管委会",
        "五市人民政府",
        "广元经济技术开发区",
        "广元国际铁路港",
        "市直各有关部门",
        "各有关部门",
        "各县（区）",
        "市直机关工委",
        "团市委",
    ],
)
@pytest.mark.parametrize("level", ["自治区", "市"])
def test_names_with_their_own_owner_do_not_inherit(own: str, level: str) -> None:
    resolver = UnitResolver()
    # …and do not interrupt the inheritance of the names after them.
    assert resolver.resolve([f"{level}发改委", own, "财政局"]) == [
        f"{level}发展改革委",
        own,
        f"{level}财政局",
    ]
    assert resolver.notes == []


def test_national_lists_keep_ministries_without_notes() -> None:
    resolver = UnitResolver()
    names = split_unit_list("国家发展改革委、财政部、工业和信息化部")
    assert resolver.resolve(names) == ["国家发展改革委", "财政部", "工业和信息化部"]
    assert resolver.notes == []


def test_resolve_keeps_length_and_order_without_deduplication() -> None:
    names = ["市发改委", "市发展改革委", "发改委", "工信局"]
    assert UnitResolver().resolve(names) == [
        "市发展改革委",
        "市发展改革委",
        "市发展改革委",
        "市工业和信息化局",
    ]


def test_canonical_has_no_list_context() -> None:
    resolver = UnitResolver()
    assert resolver.canonical("市发改委") == "市发展改革委"
    assert resolver.canonical("市委宣传 部") == "市委宣传部"
    assert resolver.canonical("住建厅") == "住房城乡建设厅"
    # Context of an earlier resolve() call does not leak into canonical().
    resolver.resolve(["自治区发展改革委"])
    assert resolver.canonical("财政厅") == "财政厅"


# ---------------------------------------------------------------- aliases


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("自治区住房和城乡建设厅", "自治区住房城乡建设厅"),
        ("自治区住建厅", "自治区住房城乡建设厅"),
        ("市发改委", "市发展改革委"),
        ("市发展和改革委员会", "市发展改革委"),
        ("市住建局", "市住房城乡建设局"),
        ("市住房和城乡建设局", "市住房城乡建设局"),
        ("市人社局", "市人力资源社会保障局"),
        ("市人力资源和社会保障局", "市人力资源社会保障局"),
        ("市市场监督管理局", "市市场监管局"),
        ("自治区工信厅", "自治区工业和信息化厅"),
        ("自治区林业和草原局", "自治区林草局"),
        ("市国有资产监督管理委员会", "市国资委"),
        ("市卫健委", "市卫生健康委"),
        ("中国人民银行广元市分行", "人民银行广元市分行"),
    ],
)
def test_default_aliases(written: str, canonical: str) -> None:
    assert UnitResolver().canonical(written) == canonical


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("市经济和信息化局", "市工业和信息化局"),
        ("市机关事务管理局", "市机关事务服务中心"),
        ("市水务局", "市水利局"),
        ("市金融局", "市金融工作局"),
        ("市文化广电旅游局", "市文化和旅游局"),
        ("市林业局", "市林草局"),
    ],
)
def test_different_units_are_not_merged(one: str, other: str) -> None:
    resolver = UnitResolver()
    assert resolver.canonical(one) != resolver.canonical(other)


def _alias_table() -> dict[str, str]:
    data = json.loads((RESOURCES / "unit_aliases.json").read_text(encoding="utf-8"))
    stems: dict[str, str] = data["stems"]
    return stems


def test_every_default_stem_alias_applies_after_a_prefix() -> None:
    resolver = UnitResolver()
    for written, canonical in _alias_table().items():
        resolved = resolver.resolve(["自治区发展改革委", written])[1]
        assert resolved in (f"自治区{canonical}", f"自治区党委{canonical}"), written
    assert resolver.notes == []


def test_alias_table_is_not_ambiguous() -> None:
    table = _alias_table()
    assert not set(table) & set(table.values())  # no key is also a canonical stem
    assert all(key != value for key, value in table.items())


def test_user_aliases_win_over_defaults() -> None:
    aliases = {"市发展改革委": "银川市发展和改革委员会", "宁东管委会": "宁夏宁东能源化工基地管委会"}
    assert resolve("市发改委、工信局、宁东管委会", aliases) == [
        "银川市发展和改革委员会",
        "市工业和信息化局",
        "宁夏宁东能源化工基地管委会",
    ]


def test_user_alias_on_the_written_or_inherited_name() -> None:
    # A user alias keyed by the name as written (or with its inherited prefix) also applies.
    aliases = {
        "市工信局": "市工业和信息化局（市国防科工局）",
        "市 交 通 局": "市交通运输局（港航）",
    }
    assert resolve("市发改委、工信局、交通局", aliases) == [
        "市发展改革委",
        "市工业和信息化局（市国防科工局）",
        "市交通运输局（港航）",
    ]


def test_user_alias_chains_are_followed_and_cycles_stop() -> None:
    chained = UnitResolver({"甲局": "乙局", "乙局": "丙局"})
    assert chained.canonical("甲局") == "丙局"
    cyclic = UnitResolver({"甲局": "乙局", "乙局": "甲局"})
    assert cyclic.canonical("甲局") in ("甲局", "乙局")


# ---------------------------------------------------------------- notes


def test_unknown_bare_name_gets_a_guessed_prefix_and_a_note() -> None:
    resolver = UnitResolver()
    assert resolver.resolve(["市发改委", "口岸办"]) == ["市发展改革委", "市口岸办"]
    assert len(resolver.notes) == 1
    assert "“口岸办”" in resolver.notes[0]
    assert "“市口岸办”" in resolver.notes[0]


def test_bare_name_without_any_level_is_kept_with_a_note() -> None:
    resolver = UnitResolver()
    assert resolver.resolve(["发改委", "财政局"]) == ["发展改革委", "财政局"]
    assert len(resolver.notes) == 2
    assert all("层级" in note for note in resolver.notes)


def test_notes_are_collected_once_across_calls() -> None:
    resolver = UnitResolver()
    for _ in range(3):
        resolver.resolve(["市发改委", "口岸办"])
    resolver.resolve(["市发改委", "县（区）人民政府"])  # a generic name without 各
    assert len(resolver.notes) == 2


# ---------------------------------------------------------------- our own plans

# Units of our own plans that carry their own owner and so keep their name.
OWN_PLAN_OWN_NAMED = {
    "国网青山电力公司",
    "东湖管委会",
    "国网临川供电公司",
    "临川高新区",
    "国网云岭供电公司",
    "人民银行云岭市分行",
}


@pytest.mark.parametrize(
    ("path", "level", "count"),
    [
        (PLAN_REGION, "省", 12),
        (PLAN_CITY, "市", 11),
        (PLAN_COUNTY, "县", 3),
        (PLAN_TABLE, "市", 15),
    ],
    ids=lambda v: v.stem if isinstance(v, Path) else None,
)
def test_own_plan_lists_resolve_with_their_level(path: Path, level: str, count: int) -> None:
    lists = table_lists(path) if path == PLAN_TABLE else body_lists(path)
    assert len(lists) == count  # guards the extraction below
    resolver = UnitResolver()
    for text in lists:
        names = resolver.resolve(split_unit_list(text))
        assert names, text
        for name in names:
            assert not re.search(r"\s|等|按职责|负责|牵头|分工|[()]", name), name
            assert name.startswith((level, "各")) or name in OWN_PLAN_OWN_NAMED, name
    assert resolver.notes == []


# ---------------------------------------------------------------- the real seeds

SEED_000 = "000_b7ee931a2cb0ef57.txt"
SEED_001 = "001_69c9d6620e20abd3.txt"
SEED_004 = "004_03d5bdb1a4f7da91.txt"

_GROUP = re.compile(r"（(?:[^（）]|（[^（）]*）)*）")
_MARKED = re.compile(r"责任单位|负责单位|牵头|按职责|按照职责|按分工")
_UNLABELLED = re.compile(r"^（(?:自治区|省|市|县)[^，。；]*、[^，。；]*(?:厅|局|委)）$")

# Units of the seeds that carry their own owner and so keep their name.
OWN_NAMED = {
    "国网宁夏电力公司",
    "国网银川供电公司",
    "国网广元供电公司",
    "宁夏邮政管理局",
    "宁夏通信管理局",
    "宁夏税务局",
    "宁夏银保监局",
    "宁夏证监局",
    "人民银行银川中心支行",
    "人民银行广元市分行",
    "国家金融监督管理总局广元监管分局",
    "宁东管委会",
    "五市人民政府",
    "广元经济技术开发区",
    "广元国际铁路港",
}


def body_lists(path: Path) -> list[str]:
    """The bracketed responsibility annotations of the running text, lines joined."""
    text = path.read_text(encoding="utf-8").replace("(", "（").replace(")", "）")
    joined = "".join(line.strip() for line in text.splitlines() if "\t" not in line)
    return [
        group
        for group in _GROUP.findall(joined)
        if _MARKED.search(group) or _UNLABELLED.match(group)
    ]


def table_lists(path: Path) -> list[str]:
    """牵头单位 + 配合单位 of each row of the 任务分工 table (continuation rows joined)."""
    rows: list[list[str] | None] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) != 6 or cells[0] == "序号":
            continue
        lead, coop = cells[4].strip(), cells[5].strip()
        if not cells[0].strip() and not lead:  # the rest of the row above, after a page break
            if rows and rows[-1] is not None and coop:
                rows[-1][1] += coop
            continue
        if "。" in lead:  # the row with shifted columns: the lead unit sits in the last cell
            rows.append([coop, ""])
            rows.append(None)  # its continuation row lost its beginning: not a list
            continue
        rows.append([lead, coop])
    return [f"{row[0]}，{row[1]}" for row in rows if row is not None]


@pytest.fixture(scope="module")
def seed_lists(seeds: Path) -> dict[str, list[str]]:
    lists = {name: body_lists(seeds / name) for name in (SEED_000, SEED_001, SEED_004)}
    lists["001-table"] = table_lists(seeds / SEED_001)
    return lists


@pytest.fixture(scope="module")
def resolved_seed_lists(seed_lists: dict[str, list[str]]) -> dict[str, list[list[str]]]:
    resolver = UnitResolver()
    resolved = {
        name: [resolver.resolve(split_unit_list(text)) for text in lists]
        for name, lists in seed_lists.items()
    }
    assert resolver.notes == []
    return resolved


@pytest.mark.seeds
def test_seed_lists_are_found(seed_lists: dict[str, list[str]]) -> None:
    # Every measure of 000 is annotated (one without its 责任单位 label); 004 and the
    # 001 table too. Counts guard the extraction, not the resolver.
    assert len(seed_lists[SEED_000]) >= 48
    assert len(seed_lists[SEED_001]) >= 40
    assert len(seed_lists[SEED_004]) >= 45
    assert len(seed_lists["001-table"]) >= 40
    assert any("住房和城乡建设厅" in s and "责任单位" not in s for s in seed_lists[SEED_000])


@pytest.mark.seeds
def test_seed_names_are_clean(resolved_seed_lists: dict[str, list[list[str]]]) -> None:
    for lists in resolved_seed_lists.values():
        for names in lists:
            assert names, "a unit list resolved to nothing"
            for name in names:
                assert not re.search(r"\s|等|按职责|负责|牵头|分工|[()]", name), name


@pytest.mark.seeds
@pytest.mark.parametrize(
    ("source", "level"),
    [(SEED_000, "自治区"), (SEED_001, "市"), ("001-table", "市"), (SEED_004, "市")],
)
def test_seed_bare_names_got_the_level(
    resolved_seed_lists: dict[str, list[list[str]]], source: str, level: str
) -> None:
    for names in resolved_seed_lists[source]:
        for name in names:
            assert name.startswith((level, "各")) or name in OWN_NAMED, name


@pytest.mark.seeds
def test_seed_spot_checks(resolved_seed_lists: dict[str, list[list[str]]]) -> None:
    region = {n for names in resolved_seed_lists[SEED_000] for n in names}
    assert {"自治区自然资源厅", "自治区党委组织部", "自治区党委宣传部", "自治区党委党校"} <= region
    assert {"自治区住房城乡建设厅", "自治区工业和信息化厅", "宁东管委会", "五市人民政府"} <= region
    assert not {n for n in region if "住建" in n or "住房和城乡" in n}

    yinchuan = {
        n for key in (SEED_001, "001-table") for names in resolved_seed_lists[key] for n in names
    }
    assert {"市市政管理局", "市委宣传部", "市委党校（行政学院）", "市发展改革委"} <= yinchuan
    assert {"各县（市）区人民政府", "各园区管委会", "市直各有关部门", "市商务局"} <= yinchuan
    assert {"市住房城乡建设局", "市工业和信息化局", "市人力资源社会保障局"} <= yinchuan
    assert not {n for n in yinchuan if n.endswith(("发改委", "住建局", "工信局"))}

    guangyuan = {n for names in resolved_seed_lists[SEED_004] for n in names}
    assert {"市委党校（广元行政学院）", "市委编办", "广元经济技术开发区", "各县（区）"} <= guangyuan
    assert {"人民银行广元市分行", "国家金融监督管理总局广元监管分局"} <= guangyuan


@pytest.mark.seeds
def test_seed_table_glued_row_is_split(seed_lists: dict[str, list[str]]) -> None:
    glued = next(s for s in seed_lists["001-table"] if "商务局各县" in s)
    names = UnitResolver().resolve(split_unit_list(glued))
    assert names[-3:] == ["市商务局", "各县（市）区人民政府", "各园区管委会"]


@pytest.mark.seeds
def test_fifty_cities_resolve_with_their_own_prefix(seed_lists: dict[str, list[str]]) -> None:
    # 50 plans the size of 004, each with its own city name: nothing leaks between them
    # through the resolver's caches. (Speed is measured by bench/import_bench.py.)
    stems = "甲乙丙丁戊己庚辛壬癸"
    cities = [a + b for a in stems for b in stems][:50]
    lists = [
        text.replace("（市", f"（{city}市", 1) for city in cities for text in seed_lists[SEED_004]
    ]
    per_plan = sum(len(split_unit_list(text)) for text in seed_lists[SEED_004])
    resolver = UnitResolver()
    resolved = [resolver.resolve(split_unit_list(text)) for text in lists]
    assert sum(map(len, resolved)) == 50 * per_plan
    for city, names in zip(cities, resolved[:: len(seed_lists[SEED_004])], strict=True):
        assert names[0].startswith(city + "市")
