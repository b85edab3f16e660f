"""Unit names (单位): split a written list, inherit level prefixes, map aliases to one name.

Plans write their unit lists tersely: ``自治区党委组织部、宣传部、党校、发展改革委`` means
自治区党委组织部, 自治区党委宣传部, 自治区党委党校 and 自治区发展改革委; ``市发改委、工信局``
means 市发展改革委 and 市工业和信息化局. This module turns such a list into one canonical
name per real unit:

* :func:`split_unit_list` cuts a list string into raw names (separators, brackets kept
  whole, stray spaces, trailing 等, role phrases such as 牵头 / 按职责分工负责, “/” for none);
* :class:`UnitResolver` gives every raw name its canonical form. A *bare* name (a known
  department stem such as 工信局 or 宣传部) takes the level of the nearest preceding name
  that carries one — party organs in the party form (自治区党委, 市委), the others in the
  government form (自治区, 市); names that carry their own owner (国网宁夏电力公司, 宁夏税务局,
  人民银行银川中心支行, 宁东管委会, 五市人民政府, 各县（区）) are kept; stem synonyms from
  ``resources/unit_aliases.json`` are applied after the prefix; user aliases (full names,
  from the database) are applied last and win.

The knowledge used (department stems, aliases, place names, own-name prefixes and suffixes)
lives in ``resources/unit_*.json``, not in code. Decisions the resolver is not sure of are
collected as Chinese messages in :attr:`UnitResolver.notes` for the importer's warnings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from tracker.config import RESOURCES
from tracker.importing.vocabulary import alternation, label_pattern, vocabulary

__all__ = [
    "NameScope",
    "UnitResolver",
    "clean_unit_name",
    "split_marked_list",
    "split_unit_list",
    "unit_scope",
]

HAN = r"\u4e00-\u9fff"

# ---------------------------------------------------------------- knowledge tables


@dataclass(frozen=True)
class _Knowledge:
    """The contents of resources/unit_*.json, prepared for fast lookups."""

    stem_aliases: Mapping[str, str]
    name_aliases: tuple[tuple[str, str], ...]  # (written start, canonical start), longest first
    government: frozenset[str]
    party: frozenset[str]
    generic: frozenset[str]
    own_prefixes: tuple[str, ...]
    own_suffixes: tuple[str, ...]
    not_prefixes: tuple[str, ...]
    level_owned: tuple[str, ...]
    places: tuple[str, ...]  # longest first
    levels: frozenset[str]  # the bare level words: 自治区, 省, 市, 县, 区 …
    prefix_re: re.Pattern[str]  # a whole level prefix: 自治区, 市委, 银川市, 宁夏回族自治区党委 …
    leading_level_re: re.Pattern[str]  # a level prefix at the start of a name
    body_suffix_re: re.Pattern[str]  # the name ends like an organ: 局, 厅, 委, 中心 …


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _read_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@lru_cache(maxsize=1)
def _knowledge() -> _Knowledge:
    aliases = _read_json(RESOURCES / "unit_aliases.json")
    stems = _read_json(RESOURCES / "unit_stems.json")
    places_data = _read_json(RESOURCES / "unit_places.json")

    levels: list[str] = stems["levels"]
    level_alt = _alternation(levels)
    places: list[str] = [*places_data["provinces"], *places_data["cities"]]
    place_alt = _alternation(places)
    full_alt = _alternation(places_data["regions_full"])
    # A written prefix: optional 中共, then a full region name, or an optional place (known,
    # or 2-3 characters, optionally with an ethnic name before 自治…) and a level word;
    # then optionally the party form (党委 / 委).
    place_part = rf"(?:{place_alt}|[{HAN}]{{2,3}})(?:[{HAN}]{{1,8}}?族)?"
    prefix_re = re.compile(
        rf"(?:中共)?(?P<level>{full_alt}|(?:{place_part})?(?:{level_alt}))(?P<party>党委|委)?"
    )
    leading_level_re = re.compile(
        rf"(?:中共)?(?P<level>{full_alt}|(?:{place_alt})?(?:{level_alt}))(?P<party>党委|委)?"
    )

    stem_aliases = {str(k): str(v) for k, v in aliases["stems"].items()}
    government = frozenset(stems["government"])
    party = frozenset(stems["party"])
    unknown_targets = sorted(set(stem_aliases.values()) - government - party)
    if unknown_targets:
        raise ValueError(
            f"unit_aliases.json maps to stems missing from unit_stems.json: {unknown_targets}"
        )
    name_aliases = tuple(
        sorted(((str(k), str(v)) for k, v in aliases["names"].items()), key=lambda kv: -len(kv[0]))
    )
    return _Knowledge(
        stem_aliases=stem_aliases,
        name_aliases=name_aliases,
        government=government,
        party=party,
        generic=frozenset(stems["generic"]),
        own_prefixes=tuple(sorted(stems["own_prefixes"], key=len, reverse=True)),
        own_suffixes=tuple(stems["own_suffixes"]),
        not_prefixes=tuple(stems["not_prefixes"]),
        level_owned=tuple(stems["level_owned"]),
        places=tuple(sorted(places, key=len, reverse=True)),
        levels=frozenset(levels),
        prefix_re=prefix_re,
        leading_level_re=leading_level_re,
        body_suffix_re=re.compile(rf"(?:{_alternation(stems['body_suffixes'])})$"),
    )


# ---------------------------------------------------------------- one name, without context


class _Kind(Enum):
    BARE = "bare"  # a known department stem without level: 工信局, 宣传部, 市场监管局
    PREFIXED = "prefixed"  # carries a level prefix: 市发改委, 自治区党委组织部, 银川市…
    GENERIC = "generic"  # a plural common noun that 各 distributes to: 园区管委会
    COLLECTIVE = "collective"  # names a set of units: 各县（区）, 市直各有关部门, 五市人民政府
    OWN = "own"  # carries its own owner: 国网宁夏电力公司, 宁夏税务局, 宁东管委会
    UNKNOWN = "unknown"  # none of the above: a stem the tables do not know


@dataclass(frozen=True)
class _Parsed:
    """What a cleaned name is, independent of the list it stands in."""

    kind: _Kind
    text: str  # the cleaned name as written
    level: str = ""  # PREFIXED: the level it sets (自治区, 市, 银川市 …)
    stem: str = ""  # BARE / PREFIXED: canonical stem (aliases applied), "" if unknown
    stem_written: str = ""  # BARE / PREFIXED: the stem as written
    party: bool = False  # BARE / PREFIXED: the name takes the party form of its level
    distributes: bool = False  # COLLECTIVE: starts with 各
    national: bool = False  # OWN: a national body (国家…, 国务院…)
    canonical: str = ""  # PREFIXED / OWN / COLLECTIVE: the canonical full name


_TRAILING_BRACKETS = re.compile(r"^(.*?)((?:（[^（）]*）)*)$")
_COLLECTIVE = re.compile(
    r"^各|^(?:有关|相关)|^[一二三四五六七八九十两\d]+个?(?:市|县|区|州|盟|旗|地市)"
    r"|(?:有关|相关|其他|成员)(?:部门|单位)$|各(?:有关|相关)"
)
_LEAGUE = re.compile(r"^(?:共青团)?团(?:省|市|县|区|自治区|州|盟|旗)委")
_NATIONAL = ("国家", "国务院", "中央", "中共中央", "全国")
_LEVEL_IN_FRONT = re.compile(rf"^[{HAN}]{{2,3}}(?:市|县|区|州|盟|旗)")


def _party_form(level: str) -> str:
    return level + ("党委" if level.endswith("自治区") else "委")


def _known_stem(stem: str) -> tuple[str, bool] | None:
    """(canonical stem, is a party organ) of a known department stem, else None."""
    if not stem:
        return None
    match = _TRAILING_BRACKETS.match(stem)
    base, brackets = (match.group(1), match.group(2)) if match else (stem, "")
    if not base:
        return None
    know = _knowledge()
    canonical = know.stem_aliases.get(base, base)
    if canonical in know.party:
        return canonical + brackets, True
    if canonical in know.government:
        return canonical + brackets, False
    return None


def _apply_name_aliases(text: str) -> str:
    for written, canonical in _knowledge().name_aliases:
        if text.startswith(written) and len(text) > len(written):
            return canonical + text[len(written) :]
    return text


@lru_cache(maxsize=8192)
def _classify(text: str) -> _Parsed:
    """Classify one cleaned name (no whitespace, full-width brackets)."""
    know = _knowledge()
    if text in know.generic:
        return _Parsed(_Kind.GENERIC, text)
    known = _known_stem(text)
    if known is not None:
        return _Parsed(_Kind.BARE, text, stem=known[0], stem_written=text, party=known[1])
    if _COLLECTIVE.search(text):
        return _Parsed(_Kind.COLLECTIVE, text, distributes=text.startswith("各"), canonical=text)
    # A level prefix followed by a known stem: 市发改委, 自治区党委组织部, 市市政管理局.
    for cut in range(1, min(len(text), 16)):
        match = know.prefix_re.fullmatch(text[:cut])
        if match is None:
            continue
        known = _known_stem(text[cut:])
        if known is None:
            continue
        level = match.group("level")
        stem, party = known
        written_party = match.group("party") is not None
        prefix = _party_form(level) if party or written_party else level
        return _Parsed(
            _Kind.PREFIXED,
            text,
            level=level,
            stem=stem,
            stem_written=text[cut:],
            party=party,
            canonical=prefix + stem,
        )
    if _LEAGUE.match(text) or text.startswith(know.own_prefixes):
        return _Parsed(
            _Kind.OWN,
            text,
            national=text.startswith(_NATIONAL),
            canonical=_apply_name_aliases(text),
        )
    if text.startswith(know.level_owned):  # 市直机关工委, 区直各部门
        return _Parsed(_Kind.OWN, text, canonical=text)
    if not text.startswith(know.not_prefixes):
        leading = know.leading_level_re.match(text)
        if leading is not None:
            return _Parsed(
                _Kind.PREFIXED,
                text,
                level=leading.group("level"),
                stem_written=text[leading.end() :],
                canonical=text,
            )
    if text.startswith(know.places) or text.endswith(know.own_suffixes):
        return _Parsed(_Kind.OWN, text, canonical=_apply_name_aliases(text))
    return _Parsed(_Kind.UNKNOWN, text)


@dataclass(frozen=True)
class NameScope:
    """Whose unit a canonical name is, independent of any database.

    ``own``: the name carries its owner (自治区发展改革委 is not, 国网宁夏电力公司 and
    宁东管委会 are): one unit in a whole province, wherever a plan names it. ``level``: the
    bare level word a name starts with (市 of 市发展改革委, 自治区 of 自治区发展改革委, 县 of
    县直各部门): the unit of that level of the plan's issuer. Neither: a collective or a
    name without level (各县（区）, 有关部门, 发展改革委): the unit of the issuer itself.
    """

    own: bool = False
    level: str = ""


_LEAGUE_LEVEL = re.compile(r"^(?:共青团)?团(省|市|县|区|自治区|州|盟|旗)委")


@lru_cache(maxsize=8192)
def unit_scope(name: str) -> NameScope:
    """The :class:`NameScope` of a canonical unit name (as :class:`UnitResolver` gives it)."""
    text = _clean_name(name)
    if not text:
        return NameScope()
    know = _knowledge()
    parsed = _classify(text)
    if parsed.kind is _Kind.PREFIXED:
        level = parsed.level.removeprefix("中共")
        return NameScope(level=level) if level in know.levels else NameScope(own=True)
    if parsed.kind is _Kind.OWN:
        league = _LEAGUE_LEVEL.match(text)
        if league is not None:
            return NameScope(level=league.group(1))
        for owned in know.level_owned:  # 市直机关工委: the city's
            if text.startswith(owned):
                return NameScope(level=next((lv for lv in know.levels if owned.startswith(lv)), ""))
        return NameScope(own=True)
    return NameScope()


def _recognised(text: str) -> bool:
    """The name is something the tables know (used to decide splits inside a piece)."""
    parsed = _classify(text)
    if parsed.kind is _Kind.PREFIXED:
        return bool(parsed.stem)
    return parsed.kind is not _Kind.UNKNOWN


# ---------------------------------------------------------------- splitting a list

_NONE_MARKERS = vocabulary().none_marks | {""}
_SEPARATORS = frozenset("、，,；;\n\r")
_SPACE = re.compile(r"\s+")
_LABEL = re.compile(label_pattern(vocabulary().labels))
_DUTY = re.compile(r"等?(?:按照?|根据|依据|依照)(?:各自)?(?:职责|职能|分工|工作职责)[^、，,；;\n]*")
# A role written after a name in brackets: 市发改委（牵头）. Callers that care read it first.
ROLE_MARK = re.compile(
    rf"[（(](?:{alternation(vocabulary().lead_role_marks + vocabulary().cooperating_role_marks)})[）)]"
)
_LEAD_WORD = re.compile(r"(?:牵头(?:负责|组织|落实)?|以及)")
_TRAILING_ROLE = re.compile(
    r"(?:等(?:有关|相关|其他)?(?:单位|部门|机构|成员单位)?)?"
    r"(?:(?:分别|共同|协同|具体|配合|参与|协助)?(?:负责|落实|配合|参与|协助|实施|推进))*$"
)
_ROLE_ENDINGS = tuple("等责实合与助施进位门构")
_TRAILING_ETC = re.compile(r"等(?:有关|相关|其他)?(?:单位|部门|机构)?$")
_EDGE_JUNK = "：:“”‘’\"'《》〈〉·.。*＊ \t"
# Fragments that only end a name: "市委宣传 部", "发展改革委 员会".
# fmt: off
_SUFFIX_FRAGMENTS = frozenset({
    "部", "局", "厅", "委", "办", "室", "处", "科", "会", "员会", "委员会", "办公室", "中心",
    "管理局", "管委会", "分局", "支行", "分行", "公司", "政府", "人民政府", "小组",
})
# fmt: on
_GLUE_STARTS = frozenset("各自省市州县区盟旗中")


def _normalise(text: str) -> str:
    return text.replace("(", "（").replace(")", "）").replace(":", "：")


_SEPARATOR_RE = re.compile(r"[、，,；;\n\r]")


def _strip_outer_brackets(text: str) -> str:
    text = text.strip()
    while text.startswith("（") and _closing_of_first(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing_of_first(text: str) -> int:
    depth = 0
    for index, char in enumerate(text):
        if char == "（":
            depth += 1
        elif char == "）":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_top_level(text: str) -> list[str]:
    """Split on separators outside brackets (各县（市、区） stays whole)."""
    if "（" not in text:
        return _SEPARATOR_RE.split(text)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "（":
            depth += 1
        elif char == "）":
            depth = max(depth - 1, 0)
        if depth == 0 and char in _SEPARATORS:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def _is_pure_prefix(text: str) -> bool:
    return _knowledge().prefix_re.fullmatch(text) is not None


def _is_complete(text: str) -> bool:
    """The text can end a unit name: 市发改委, 各县（区）; not 市委宣传, not 自治区."""
    if len(text) < 2 or _is_pure_prefix(text):
        return False
    return text.endswith("）") or _knowledge().body_suffix_re.search(text) is not None


def _split_spaces(piece: str) -> list[str]:
    """A space between two complete names separates them; inside a name it is dropped."""
    fragments = [f for f in _SPACE.split(piece) if f]
    if len(fragments) <= 1:
        return fragments
    names: list[str] = []
    current = fragments[0]
    for fragment in fragments[1:]:
        joined = current + fragment
        join = (
            not _is_complete(current)
            or fragment in _SUFFIX_FRAGMENTS
            or len(fragment) < 2
            or (_recognised(joined) and not (_recognised(current) and _recognised(fragment)))
        )
        if join:
            current = joined
        else:
            names.append(current)
            current = fragment
    names.append(current)
    return names


def _is_glue_left(text: str) -> bool:
    if not _is_complete(text) or text.count("（") != text.count("）"):
        return False
    parsed = _classify(text)
    if parsed.kind is _Kind.PREFIXED:
        return bool(parsed.stem)
    return parsed.kind in (_Kind.BARE, _Kind.OWN)


_CONJUNCTIONS = "和及与"  # 市发展改革委和市财政局, 市财政局及各县区政府


def _split_glued(name: str) -> list[str]:
    """Split names written without separator (商务局各县（市）区人民政府) or joined by 和, 及,
    与 (市财政局及各县区政府) — but not 市工业和信息化局: the left part must end like a unit
    and the right part be a prefixed or collective unit of its own."""
    if len(name) < 5:
        return [name]
    for cut in range(2, len(name) - 1):
        joined = name[cut] in _CONJUNCTIONS
        if not (joined or name[cut] in _GLUE_STARTS) or not _is_glue_left(name[:cut]):
            continue
        rest = name[cut + 1 :] if joined else name[cut:]
        right = _classify(rest)
        # after 和/及/与 a known bare stem (财政局, 工业和信息化厅) is a unit of its own too
        if (
            right.kind is _Kind.COLLECTIVE
            or (right.kind is _Kind.PREFIXED and right.stem)
            or (joined and right.kind in (_Kind.BARE, _Kind.OWN))
        ):
            return [name[:cut], *_split_glued(rest)]
    return [name]


@lru_cache(maxsize=8192)
def _clean_name(name: str) -> str:
    name = _SPACE.sub("", _normalise(name)).strip(_EDGE_JUNK)
    if name.startswith("由") and len(name) > 3:
        name = name[1:]
    if name.endswith(_ROLE_ENDINGS):
        name = _TRAILING_ROLE.sub("", name)
        name = _TRAILING_ETC.sub("", name)
    return name.strip(_EDGE_JUNK)


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[str, ...]:
    text = _strip_outer_brackets(_normalise(text))
    if text.strip() in _NONE_MARKERS:
        return ()
    text = text.split("。", 1)[0]
    text = _LABEL.sub("、", text)
    text = _DUTY.sub("、", text)
    text = ROLE_MARK.sub("", text)
    text = _LEAD_WORD.sub("、", text)
    names: list[str] = []
    for piece in _split_top_level(text):
        for spaced in _split_spaces(piece.strip()):
            for glued in _split_glued(spaced):
                name = _clean_name(glued)
                if name not in _NONE_MARKERS:
                    names.append(name)
    return tuple(names)


def split_unit_list(text: str) -> list[str]:
    """Raw unit names of a list string, in order.

    Separators are 、 ， , ； ; 以及 and line breaks, and 和 / 及 / 与 between two complete
    names (市发展改革委和市财政局, not 市工业和信息化局); bracketed parts stay whole
    (各县（市）区人民政府) and half-width brackets become full-width; whitespace inside a
    name is removed (市委宣传 部 → 市委宣传部) while a space between two complete names
    separates them; names glued without separator before a collective or prefixed name are
    split (商务局各县（市）区人民政府). Labels (责任单位：), role words (牵头, 按职责分工负责,
    分别落实), a trailing 等 and anything after the first 。 are dropped. ``/``, ``无`` and
    ``—`` mean no unit: the result is empty. Names are not made canonical here.
    """
    return list(_split_cached(text))


# A unit marked as leading inside a list: 市发展改革委（牵头）.
_LEAD_MARKED = re.compile(
    rf"([^、，,；;\s]+?)[（(](?:{alternation(vocabulary().lead_role_marks)})[）)]"
)


def split_marked_list(text: str) -> tuple[list[str], list[str]]:
    """(leads, cooperating) of one list of units where the leads may carry a role mark
    (A、B（牵头）、C): the marked ones lead; without a mark, the first one does."""
    marked = {name for piece in _LEAD_MARKED.findall(text) for name in split_unit_list(piece)}
    names = split_unit_list(text)
    leads = [n for n in names if n in marked]
    if leads:
        return leads, [n for n in names if n not in marked]
    return names[:1], names[1:]


def clean_unit_name(name: str) -> str:
    """One name tidied the way :func:`split_unit_list` tidies it (spaces, brackets, 等)."""
    return _clean_name(name)


# ---------------------------------------------------------------- names in context


class UnitResolver:
    """Canonical unit names for the raw names of one plan.

    ``user_aliases`` maps full names to canonical full names (from the database: aliases a
    user added, units a user merged); they are applied to the resolved name — and to the
    name as written — and win over the defaults. Chains (A → B, B → C) are followed.

    Doubtful decisions are appended to :attr:`notes` as Chinese messages, each message once
    for the life of the resolver (one resolver per import): a bare name with no level to
    inherit, an unknown name that got a guessed prefix or was kept as written. The importer
    turns them into warnings.
    """

    def __init__(self, user_aliases: Mapping[str, str] | None = None) -> None:
        self._user: dict[str, str] = {}
        for alias, target in (user_aliases or {}).items():
            key, value = _clean_name(alias), _clean_name(target)
            if key and value and key != value:
                self._user[key] = value
        self.notes: list[str] = []
        self._noted: set[str] = set()

    def canonical(self, name: str) -> str:
        """The canonical form of one name, without list context (no prefix to inherit)."""
        return self.resolve([name])[0]

    def resolve(self, names: Sequence[str]) -> list[str]:
        """Canonical names, same length and order as ``names`` (no de-duplication).

        The level context flows through the whole sequence: pass the lead part and the
        cooperating part of one annotation together (["市发改委", "工信局", "商务局"]).
        """
        level: str | None = None
        distributing = False
        national = False
        resolved: list[str] = []
        for raw in names:
            text = _clean_name(raw)
            if not text:
                resolved.append(text)
                continue
            parsed = _classify(text)
            inherited = text  # the name with its inherited prefix, before stem aliases
            kind = parsed.kind
            if kind is _Kind.PREFIXED:
                result = parsed.canonical
                level = parsed.level
                distributing = False
            elif kind is _Kind.BARE:
                if level is not None:
                    prefix = _party_form(level) if parsed.party else level
                    result = prefix + parsed.stem
                    inherited = prefix + parsed.stem_written
                else:
                    result = parsed.stem
                    if not national:
                        self._note(
                            f"单位“{text}”没有写明层级（如自治区、市、县），前面也没有可继承层级的单位，"
                            f"按“{result}”记录，请核对"
                        )
                distributing = False
            elif kind is _Kind.GENERIC:
                if distributing:
                    result = text if text.startswith("各") else "各" + text
                else:
                    result = text
                    self._note(f"单位“{text}”是泛称，前面没有“各…”可以分配，按原样记录，请核对")
            elif kind is _Kind.COLLECTIVE:
                result = parsed.canonical
                distributing = parsed.distributes
            elif kind is _Kind.OWN:
                result = parsed.canonical
                national = national or parsed.national
                distributing = False
            else:
                result = self._unknown(text, level, national)
                inherited = result
                distributing = False
            resolved.append(self._user_alias(text, inherited, result))
        return resolved

    def _unknown(self, text: str, level: str | None, national: bool) -> str:
        know = _knowledge()
        if level is None:
            if not national and know.body_suffix_re.search(text):
                self._note(f"单位“{text}”不在已知部门表中，也没有可继承的层级，按原样记录，请核对")
            return text
        if know.body_suffix_re.search(text) and not _LEVEL_IN_FRONT.match(text):
            guess = level + text
            self._note(f"单位“{text}”不在已知部门表中，按前面单位的层级推定为“{guess}”，请核对")
            return guess
        self._note(f"单位“{text}”不在已知部门表中，无法判断是否属于“{level}”，按原样记录，请核对")
        return text

    def _user_alias(self, written: str, inherited: str, resolved: str) -> str:
        if not self._user:
            return resolved
        for candidate in (written, inherited, resolved):
            target = self._user.get(candidate)
            if target is not None:
                return self._follow(target)
        return resolved

    def _follow(self, name: str) -> str:
        seen = {name}
        while name in self._user:
            name = self._user[name]
            if name in seen:
                break
            seen.add(name)
        return name

    def _note(self, message: str) -> None:
        if message not in self._noted:
            self._noted.add(message)
            self.notes.append(message)
