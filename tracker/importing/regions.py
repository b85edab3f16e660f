"""Regions (地区): who issued a plan, read from its title, and which province that is in.

A plan's title names its issuer: 宁夏回族自治区碳达峰实施方案, 银川市碳达峰实施方案,
宁东能源化工基地碳达峰实施方案, 银川市西夏区…, or only a level word (自治区碳达峰实施方案).
:func:`guess_region` turns that into a :class:`RegionSpec` — a name, a level (province, city,
county, park) and, where it can be known, the province and the city above it. The table of
provinces and their cities is ``resources/regions.json``; a region the table does not list
(a county, a park, a newly created city) still works: its level comes from the last level
word of its name and its province from the names the document mentions most, or from the
person confirming the preview. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tracker.config import RESOURCES
from tracker.importing.units import unit_scope

__all__ = [
    "LEVEL_CITY",
    "LEVEL_COUNTY",
    "LEVEL_PARK",
    "LEVEL_PROVINCE",
    "RegionSpec",
    "guess_region",
    "level_label",
    "level_of_word",
    "owner_index",
    "province_names",
    "region_from_name",
]

LEVEL_PROVINCE = "province"
LEVEL_CITY = "city"
LEVEL_COUNTY = "county"
LEVEL_PARK = "park"
# From the top down: a region's parent is of an earlier level than itself.
LEVELS = (LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_PARK)


@dataclass(frozen=True)
class RegionSpec:
    """A region as the importer or a person names it, before it is stored.

    ``province`` is the full name of the province-level region it lies in (its own name
    for a province), None when unknown; ``city`` the city above a county or park when the
    name says so (银川市西夏区 → 银川市). ``note`` says what was guessed, for a warning.
    """

    name: str
    level: str
    province: str | None = None
    city: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Province:
    name: str
    short: str
    cities: tuple[str, ...]
    parks: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    provinces: tuple[_Province, ...]
    city_province: dict[str, str]  # city full name → province full name
    park_province: dict[str, str]  # park full name → province full name
    level_words: tuple[tuple[str, str], ...]  # (word, level), longest word first
    level_labels: dict[str, str]
    topic_re: re.Pattern[str]


def _read() -> dict[str, Any]:
    with (RESOURCES / "regions.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@lru_cache(maxsize=1)
def _table() -> _Table:
    data = _read()
    provinces = tuple(
        _Province(
            name=p["name"],
            short=p["short"],
            cities=tuple(p.get("cities", ())),
            parks=tuple(p.get("parks", ())),
        )
        for p in data["provinces"]
    )
    words = [(w, level) for level, spec in data["levels"].items() for w in spec["words"]]
    # Longest first, so that 经济技术开发区 is a park before 区 makes it a county.
    words.sort(key=lambda wl: -len(wl[0]))
    topics = "|".join(re.escape(t) for t in data["topic_words"])
    return _Table(
        provinces=provinces,
        city_province={city: p.name for p in provinces for city in p.cities},
        park_province={park: p.name for p in provinces for park in p.parks},
        level_words=tuple(words),
        level_labels={level: spec["label"] for level, spec in data["levels"].items()},
        topic_re=re.compile(topics),
    )


def province_names() -> list[str]:
    """Full names of every province-level region, in the table's order."""
    return [p.name for p in _table().provinces]


def level_label(level: str) -> str:
    """How a level is named on screen: 省级, 市级, 县级, 园区."""
    return _table().level_labels.get(level, level)


def level_of_word(word: str) -> str | None:
    """The level a level word stands for: 市 → city, 自治区 → province, 开发区 → park."""
    for written, level in _table().level_words:
        if written == word:
            return level
    return None


def _level_by_suffix(name: str) -> str | None:
    for word, level in _table().level_words:
        if name.endswith(word) and len(name) > len(word):
            return level
    return None


def _province(name: str) -> _Province | None:
    for p in _table().provinces:
        if name in (p.name, p.short):
            return p
    return None


def _known_city(name: str) -> tuple[str, str] | None:
    """(full name, province) of a city written in full or short (银川市 / 银川)."""
    table = _table()
    if name in table.city_province:
        return name, table.city_province[name]
    for p in table.provinces:
        for city in p.cities:
            if _short_city(city) == name:
                return city, p.name
    return None


def _short_city(city: str) -> str:
    for word, level in _table().level_words:
        if level == LEVEL_CITY and city.endswith(word) and len(city) > len(word):
            return city[: -len(word)]
    return city


def _leading_place(name: str) -> tuple[str, str, str] | None:
    """A known province or city at the start of ``name`` followed by more:
    (written prefix, its full name, its level)."""
    candidates: list[tuple[str, str, str]] = []
    for p in _table().provinces:
        candidates += [(p.name, p.name, LEVEL_PROVINCE), (p.short, p.name, LEVEL_PROVINCE)]
        for city in p.cities:
            candidates += [(city, city, LEVEL_CITY), (_short_city(city), city, LEVEL_CITY)]
    candidates.sort(key=lambda c: -len(c[0]))
    for written, full, level in candidates:
        if name.startswith(written) and len(name) > len(written) + 1:
            return written, full, level
    return None


def region_from_name(name: str, *, province: str | None = None) -> RegionSpec:
    """A region named by a person or a title (银川市, 宁夏, 银川市西夏区, 某某县): its level,
    and its province from the table — or ``province`` when the table does not know it."""
    name = re.sub(r"\s+", "", name)
    found = _province(name)
    if found is not None:
        return RegionSpec(found.name, LEVEL_PROVINCE, province=found.name)
    table = _table()
    if name in table.park_province:
        return RegionSpec(name, LEVEL_PARK, province=table.park_province[name])
    city = _known_city(name)
    if city is not None:
        return RegionSpec(city[0], LEVEL_CITY, province=city[1])
    level = _level_by_suffix(name) or LEVEL_CITY
    leading = _leading_place(name)
    if leading is not None:
        written, full, leading_level = leading
        rest = name[len(written) :]
        if leading_level == LEVEL_PROVINCE:
            inner = region_from_name(rest, province=full)
            # 四川省广元市 is 广元市; 北京市朝阳区 keeps its province in its name
            known = inner.name in _table().city_province or inner.name in _table().park_province
            shown = inner.name if known or inner.city else name
            return RegionSpec(shown, inner.level, province=full, city=inner.city)
        return RegionSpec(
            name,
            level if level != LEVEL_CITY else LEVEL_COUNTY,  # 银川市灵武市: a county-level city
            province=table.city_province[full],
            city=full,
        )
    if level == LEVEL_PROVINCE:  # a province the table does not list is its own province
        return RegionSpec(name, level, province=name)
    given = _province(province) if province else None
    return RegionSpec(name, level, province=given.name if given else province)


def _mentions(text: str, names: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The name (of ``(name, spellings)``) whose spellings occur most often in ``text``;
    None when none occurs or two tie."""
    counts = Counter({name: sum(text.count(s) for s in spellings) for name, spellings in names})
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] == 0:
        return None
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def _province_in_text(text: str, *, suffix: str | None = None) -> str | None:
    provinces = [p for p in _table().provinces if suffix is None or p.name.endswith(suffix)]
    return _mentions(text, [(p.name, (p.short,)) for p in provinces])


def _city_in_text(text: str) -> str | None:
    cities = [c for p in _table().provinces for c in p.cities]
    return _mentions(text, [(c, (_short_city(c),)) for c in cities])


_BARE_WORDS = {
    "自治区": LEVEL_PROVINCE,
    "省": LEVEL_PROVINCE,
    "全区": LEVEL_PROVINCE,
    "全省": LEVEL_PROVINCE,
}
_BARE_CITY = {"市", "全市", "本市", "州", "盟"}


def _region_part(title: str) -> str:
    """The issuer at the start of a title: 银川市 of 银川市碳达峰实施方案 (and of
    银川市能源领域碳达峰实施方案: the longest start that ends in a level word)."""
    title = re.sub(r"\s+", "", title)
    title = re.sub(r"^(?:中共)?", "", title)
    match = _table().topic_re.search(title)
    part = title[: match.start()] if match else title
    if _level_by_suffix(part) or _province(part) or _known_city(part) or part in _BARE_WORDS:
        return part
    for end in range(len(part) - 1, 1, -1):
        if _level_by_suffix(part[:end]) or _province(part[:end]):
            return part[:end]
    return part


def guess_region(title: str, text: str = "") -> RegionSpec | None:
    """The region that issued a plan, from its title (and, where the title only says
    自治区 or 市, or the province is not in the table, from the names ``text`` mentions).

    None when the title names no region at all; :attr:`RegionSpec.note` says what was
    guessed from the text, for the preview to show as a warning.
    """
    part = _region_part(title)
    if not part:
        return None
    if part in _BARE_WORDS:
        suffix = "自治区" if part in ("自治区", "全区") else "省"
        found = _province_in_text(text, suffix=suffix)
        if found is None:
            return None
        return RegionSpec(
            found,
            LEVEL_PROVINCE,
            province=found,
            note=f"标题只写了“{part}”，按正文中出现最多的地名推定为“{found}”，请核对",
        )
    if part in _BARE_CITY:
        city = _city_in_text(text)
        if city is None:
            return None
        spec = region_from_name(city)
        return RegionSpec(
            spec.name,
            spec.level,
            province=spec.province,
            note=f"标题只写了“{part}”，按正文中出现最多的地名推定为“{city}”，请核对",
        )
    if _level_by_suffix(part) is None and _province(part) is None and _known_city(part) is None:
        return None
    spec = region_from_name(part)
    if spec.province is None:
        found = _province_in_text(text)
        if found is not None:
            return RegionSpec(
                spec.name,
                spec.level,
                province=found,
                city=spec.city,
                note=f"“{spec.name}”不在地区表中，按正文中出现最多的地名推定属于“{found}”，请核对",
            )
        return RegionSpec(
            spec.name,
            spec.level,
            note=f"“{spec.name}”不在地区表中，无法确定所属省份，请在预览中选择",
        )
    return spec


def owner_index(unit_name: str, levels: Sequence[str]) -> int:
    """Which region of an issuer's chain a unit named in its plan belongs to.

    ``levels`` are the levels of the chain from the issuer up to its province (银川市西夏区,
    银川市, 宁夏回族自治区 → county, city, province). A name that carries its owner
    (国网宁夏电力公司, 宁东管委会) belongs to the top (the province); a name that starts with a
    level word belongs to the nearest region of that level (市发展改革委 in a county's plan is
    its city's), or to the issuer when the chain has none; any other name (各县（区）,
    有关部门) to the issuer. The returned index is into ``levels``.
    """
    scope = unit_scope(unit_name)
    if scope.own:
        return len(levels) - 1
    if scope.level:
        wanted = level_of_word(scope.level)
        for index, level in enumerate(levels):
            if level == wanted:
                return index
    return 0
