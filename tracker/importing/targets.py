"""Quantitative targets (目标) found in a task's text.

A plan states its commitments in a small number of shapes, and this module reads those
shapes only; anything else is left alone, because a false target in the ledger is worse
than a missed one (a person can still add a target by hand)::

    到2025年，新能源装机规模力争达到5000万千瓦，非水可再生能源电力消纳比重提高到28%以上
    到2025年，全市大宗工业固废年利用能力达到80万吨左右，到2030年达到100万吨左右
    营运车辆单位运输周转量二氧化碳排放较2020年下降5%左右      (a change by 5%)
    单位电石、甲醇生产综合能耗分别下降10%、6%                 (two targets)
    建设公共充电桩6000台以上 / 争取创建35家绿色工厂，3个绿色园区  (counts)
    “十四五”期间新增水电装机容量4.2万千瓦                      (year 2025)

The text is normalised first (full-width digits, the spaces PDF extraction leaves around
numbers), then cut into sentences (。) and clauses (，；： outside brackets). A year marker
(到2025年, a bare 2025年 at the start of a clause, “十四五”期间/末) sets the year of its
clause and of the following clauses of the same sentence. In each clause a verb followed
by a number gives a target; the indicator is the text before the verb, cleaned of
commitment words (力争, 确保 …), of the scope (全市, 全区 …) and of a base year (较2020年).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.importing.result import TargetSpec
from tracker.importing.vocabulary import vocabulary

__all__ = ["extract_targets"]

# Years a target can have; anything outside is history (截至2021年底 …) or a typo.
_FIRST_TARGET_YEAR = 2021
_LAST_TARGET_YEAR = 2060
# A longer "indicator" means the clause was not read as intended.
_MAX_INDICATOR = 80

# --- normalisation ---------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_FULL_WIDTH_CHAR = re.compile(r"[０-９％．]")
_WHITESPACE = re.compile(r"\s+")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_QUICK_CHECK = re.compile(r"20\d\d\s*年|十[三四五六]五")


def _join_space(match: re.Match[str]) -> str:
    """Drop whitespace unless it separates two ASCII words; a tab separates table cells."""
    run = match.group(0)
    if "\t" in run:
        return "\n"
    string, start, end = match.string, match.start(), match.end()
    before = string[start - 1] if start else ""
    after = string[end] if end < len(string) else ""
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""


def _normalise(text: str) -> str:
    if _FULL_WIDTH_CHAR.search(text):
        text = text.translate(_FULL_WIDTH)
    text = _WHITESPACE.sub(_join_space, text)
    return _THOUSANDS_COMMA.sub("", text)


# --- sentences, clauses, parts -----------------------------------------------------------

_OPENERS = frozenset("（(《【[「“")
_CLOSERS = frozenset("）)》】]」”")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_PUNCTUATION = re.compile(r"[（(《【\[「“）)》】\]」”，；,;：:]")
_ENUMERATION = re.compile(r"[（(《【\[「“）)》】\]」”、]")


@dataclass(frozen=True)
class _Clause:
    start: int  # first character of the clause
    end: int  # one past its last character (before the separator)


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence; a table-cell break counts as a sentence end."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _clauses(text: str, start: int, end: int) -> list[_Clause]:
    """The clauses of one sentence; separators inside brackets do not cut.

    Curly quotes count as brackets so that a “…，…” quotation stays in one clause.
    """
    clauses: list[_Clause] = []
    depth = 0
    for match in _CLAUSE_PUNCTUATION.finditer(text, start, end):
        char, pos = match.group(0), match.start()
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0:
            clauses.append(_Clause(start, pos))
            start = pos + 1
    clauses.append(_Clause(start, end))
    return clauses


def _enumeration_pieces(clause: str) -> list[str]:
    """The clause cut at each 、 outside brackets."""
    pieces: list[str] = []
    depth = 0
    start = 0
    for match in _ENUMERATION.finditer(clause):
        char, pos = match.group(0), match.start()
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0:
            pieces.append(clause[start:pos])
            start = pos + 1
    pieces.append(clause[start:])
    return pieces


# --- the vocabulary ----------------------------------------------------------------------

_MEASURE_WORDS = "个|家|座|处|项|所|条|批|辆|台|套|艘|户|种|栋|架|列|名|人|次"
_BASE_UNITS = (
    "千瓦时|千瓦|兆瓦|吉瓦|瓦|吨标准煤|吨标煤|吨二氧化碳当量|吨二氧化碳|吨|标准煤"
    "|立方米|平方米|平方公里|公顷|亩|公里|千米|米|千克|微克|毫克|克|元|小时|天|度|倍|"
    + _MEASURE_WORDS
)
# What a mass or volume is of: 克标煤, 千克标准煤, 吨二氧化碳.
_SUBSTANCE = "标准煤|标煤|二氧化碳当量|二氧化碳|油当量"
# A unit is tried before a magnitude prefix, so that 千瓦时 is not read as 千 + 瓦.
_UNIT_CORE = rf"(?:{_BASE_UNITS}|[万亿千百]{{1,2}}(?:{_BASE_UNITS}))(?:{_SUBSTANCE})?"
# Compound units are read whole: 克标煤/千瓦时, 吨标准煤/万元, 千克/平方米, 万吨/年.
_UNIT = rf"%|‰|个百分点|(?:{_UNIT_CORE}|[万亿]{{1,2}})(?:/(?:{_UNIT_CORE}|年|人|户))?"
_COUNT_UNIT = rf"[万千百]?(?:{_MEASURE_WORDS})"
_NUMBER = r"\d+(?:\.\d+)?"
_COMPARATOR_WORD = r"及以上|以上|以下|以内|左右"

_VALUE = rf"(?P<approx>约|近)?(?P<num>{_NUMBER})(?P<unit>{_UNIT})?(?P<cmp>{_COMPARATOR_WORD})?"
_VALUE_WITH_UNIT = (
    rf"(?P<approx>约|近)?(?P<num>{_NUMBER})(?P<unit>{_UNIT})(?P<cmp>{_COMPARATOR_WORD})?"
)
_COUNT_VALUE = rf"(?P<num>{_NUMBER})(?P<unit>{_COUNT_UNIT})(?P<cmp>{_COMPARATOR_WORD})?"

# Verbs that state a level; the comparator of those that carry one.
# fmt: off
_LEVEL_VERBS = [
    "达到", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到",
    "增长至", "降低到", "降低至", "降到", "降至", "下降到", "下降至", "减少到",
    "减少至", "减至", "压减到", "压减至", "控制在", "稳定在", "保持在", "维持在",
    "不低于", "不少于", "不超过", "不高于", "低于", "高于", "突破", "超过",
]
# fmt: on
# Verbs that state a change ("下降14%" is a reduction by 14%, not a level of 14%).
_CHANGE_VERBS = ["下降", "降低", "减少", "提高", "提升", "增长", "增加"]
_VERB_COMPARATOR = {
    "不低于": ">=",
    "不少于": ">=",
    "不超过": "<=",
    "不高于": "<=",
    "控制在": "<=",
    "低于": "<",
    "高于": ">",
    "突破": ">",
    "超过": ">",
}
_SUFFIX_COMPARATOR = {"及以上": ">=", "以上": ">=", "以下": "<=", "以内": "<=", "左右": "≈"}
# Which way a verb moves its indicator (达到, 稳定在 … say nothing: the comparator decides).
_DECREASE_VERBS = frozenset(
    {"下降", "降低", "减少", "降低到", "降低至", "降到", "降至", "下降到", "下降至", "减少到",
     "减少至", "减至", "压减到", "压减至", "压减", "淘汰", "控制在", "不超过", "不高于", "低于"}
)  # fmt: skip
_INCREASE_VERBS = frozenset(
    {"提高", "提升", "增长", "增加", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至",
     "增长到", "增长至", "不低于", "不少于", "高于", "突破", "超过"}
)  # fmt: skip
# 较2020年 / 比2020年 / 与2020年相比: the year a change is measured from.
_BASELINE = re.compile(r"(?:较|比|与|相比)(20\d\d)年(?:底|末)?")
# A unit the vocabulary does not know, read up to the end of the part when a bound says
# what the value is (…1.3立升/万元以下, 不超过5tce/万元): at most eight characters, no digit.
_FREE_UNIT = re.compile(
    r"(?P<unit>[^\d，；。、：:（）()\s的]{1,8}?)(?P<cmp>及以上|以上|以下|以内|左右)?$"
)
_BOUND_VERBS = frozenset({"不超过", "不高于", "低于", "不低于", "不少于", "控制在", "高于"})


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_VERB = (
    rf"(?:年均)?(?:{_alternation(_CHANGE_VERBS)})(?![值额])"
    rf"|{_alternation(_LEVEL_VERBS)}"
    r"|(?<![下传表送抵通到])达"
)
# A verb, then optionally "X的" (达到最大用电负荷的5%), then the value.
_LEVEL_TARGET = re.compile(rf"(?P<verb>{_VERB})(?P<qual>[^\d，；、（）()]{{1,15}}?的)?{_VALUE}")
# 单位电石、甲醇生产综合能耗分别下降10%、6%
_RESPECTIVELY = re.compile(rf"分别(?P<verb>{_VERB})")
_RESPECTIVE_VALUE = re.compile(rf"{_VALUE_WITH_UNIT}(?:[、和及]|$)")

# Actions whose object is counted: 建设公共充电桩6000台以上, 创建35家绿色工厂.
# fmt: off
_ACTIONS = _alternation([
    "建设", "建成", "新建", "新增", "创建", "争创", "创成", "培育", "打造",
    "完成", "开发", "改造", "推广", "淘汰", "压减", "认定",
])
# fmt: on
# An object names no number, but may hold a code such as 5G.
_OBJECT_CHAR = r"(?:[^\d，；、]|\d+(?=[A-Za-z]))"
_ACTION_OBJECT_VALUE = re.compile(
    rf"(?P<verb>{_ACTIONS})(?P<obj>{_OBJECT_CHAR}{{1,20}}?){_VALUE_WITH_UNIT}"
)
_ACTION_COUNT_OBJECT = re.compile(
    rf"(?P<verb>{_ACTIONS})?{_COUNT_VALUE}(?P<obj>{_OBJECT_CHAR}{{1,20}})"
)
# A clause with no verb that continues the previous target: 绿色工厂100家以上. Its subject
# must be a name, not a relation to something else (占全区的30%, 为…).
_BARE_VALUE = re.compile(
    rf"(?![占为是比较约])(?P<obj>{_OBJECT_CHAR}{{1,25}}?)(?<!的){_VALUE_WITH_UNIT}"
)

# Two values in a row without 分别, or a range: 提高到32%和36%, 10%—15%. Whose is which is
# not said, so the clause gives no target.
_VALUE_LIST = re.compile(
    rf"{_NUMBER}(?:{_UNIT})?(?:{_COMPARATOR_WORD})?[、和及至到~～\-—－](?:约|近)?\d"
)
_VALUE_AT_END = re.compile(rf"{_NUMBER}(?:{_UNIT})?(?:{_COMPARATOR_WORD})?$")
_DIGIT = re.compile(r"\d")

# What may follow a number whose unit was not recognised: the end of the clause only.
_AFTER_BARE_NUMBER = frozenset("，；。、）)")
# Words trailing a value that belong to the indicator: 达到78%节能要求.
_TRAILING_REQUIREMENT = re.compile(r"的?[\u4e00-\u9fff]{0,6}(?:要求|标准)")

# --- year markers ----------------------------------------------------------------------

# 到2025年, 至2030年底前; 截至2021年底 is a statement of fact and blocks the year.
_TO_YEAR = re.compile(
    r"(?P<fact>截至|截止到?)?(?(fact)|(?<![降升高加长少低达减])(?:到|至))(?P<year>20\d\d)年(?:底|末)?前?"
)
# A bare year opening a clause: 2025年，一般工业固废综合利用率达到43%.
_BARE_YEAR = re.compile(
    r"(?:力争|争取|确保|在|于)?(?P<year>20\d\d)年(?:底|末)?前?(?![\d版度本初上下第])"
)
# “十四五”期间 → 2025, “十五五”末 → 2030; “十三五” is history and blocks the year.
_PLAN_PERIOD = re.compile(r"(?:到|至)?[“\"']?十(?P<n>[三四五六])五[”\"']?(?:期间|时期|期末|末)")
_PLAN_PERIOD_END = {"三": 2020, "四": 2025, "五": 2030, "六": 2035}
_BOOK_TITLE = re.compile(r"《[^》]*》")

# --- indicator cleaning ----------------------------------------------------------------

_LEADING_NOISE = re.compile(
    r"^(?:力争|争取|确保|全国|全省|全区|全市|全州|全盟|全县|其中|将|使|实现|累计)+"
)
_TRAILING_NOISE = re.compile(
    r"(?:力争|争取|确保|累计|基本|全部|均|分别|要|将|可|再|进一步|持续|稳步|逐步|总体)+$"
)
_BASE_YEAR = re.compile(
    r"(?:(?:较|比|与)(?:20\d\d年(?:底|末)?|上年|基准年|基期)|同比)(?:相比|水平)?$"
)
_FROM_VALUE = re.compile(r"(?:由|从)(?:20\d\d年(?:底|末)?的?)?\d[^，；]*$")
_EDGE_PUNCTUATION = "，；、：:,; "
_SEPARATOR_INSIDE = re.compile(r"[，；,;。]")


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    year: int | None  # None: the marker states history, the clause has no target year


def _find_marker(clause: str) -> _Marker | None:
    """The first year marker of a clause (book titles do not count)."""
    searched = clause
    if "《" in clause:
        searched = _BOOK_TITLE.sub(lambda m: "□" * len(m.group(0)), clause)
    found: list[_Marker] = []
    to_year = _TO_YEAR.search(searched)
    if to_year:
        year: int | None = int(to_year.group("year"))
        if to_year.group("fact") or not _FIRST_TARGET_YEAR <= (year or 0) <= _LAST_TARGET_YEAR:
            year = None
        found.append(_Marker(to_year.start(), to_year.end(), year))
    bare = _BARE_YEAR.match(searched)
    if bare:
        # A bare year is a target year only when it closes a five-year plan; otherwise it
        # opens a statement of what happened (2021年，全区新能源装机达到…).
        bare_year = int(bare.group("year"))
        year = bare_year if bare_year >= 2025 and bare_year % 5 == 0 else None
        year = year if year is not None and year <= _LAST_TARGET_YEAR else None
        found.append(_Marker(bare.start(), bare.end(), year))
    period = _PLAN_PERIOD.search(searched)
    if period:
        end_year = _PLAN_PERIOD_END[period.group("n")]
        found.append(_Marker(period.start(), period.end(), end_year if end_year > 2020 else None))
    return min(found, key=lambda m: m.start) if found else None


def _clean_indicator(raw: str) -> str:
    text = raw.strip(_EDGE_PUNCTUATION)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_NOISE.sub("", text)
        text = _FROM_VALUE.sub("", text)
        text = _BASE_YEAR.sub("", text)
        text = _TRAILING_NOISE.sub("", text)
        text = text.strip(_EDGE_PUNCTUATION)
    return text


def _comparator(verb: str, approx: str | None, suffix: str | None) -> str:
    if suffix:
        return _SUFFIX_COMPARATOR[suffix]
    if approx:
        return "≈"
    return _VERB_COMPARATOR.get(verb.removeprefix("年均"), "=")


def _direction(verb: str, comparator: str) -> str:
    """``increase`` / ``decrease`` from the verb, else from an at-least / at-most bound."""
    verb = verb.removeprefix("年均")
    if verb in _DECREASE_VERBS:
        return "decrease"
    if verb in _INCREASE_VERBS:
        return "increase"
    return {">=": "increase", ">": "increase", "<=": "decrease", "<": "decrease"}.get(
        comparator, ""
    )


def _baseline(raw: str) -> int | None:
    match = _BASELINE.search(raw)
    return int(match.group(1)) if match else None


# --- reading one clause ----------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    indicator: str  # empty: the clause names none, take the previous one
    verb: str
    comparator: str
    value: float
    unit: str
    baseline_year: int | None = None


def _level_targets(part: str) -> list[_Found]:
    """Targets of the form "indicator verb value" in one part of a clause."""
    found: list[_Found] = []
    indicator_start = 0
    for match in _LEVEL_TARGET.finditer(part):
        unit, qualifier = match.group("unit") or "", match.group("qual")
        suffix, end = match.group("cmp"), match.end()
        if not unit and not suffix:
            free = _free_unit(part, match)
            if free is not None:
                unit, suffix, end = free
            else:
                following = part[end : end + 1]
                if following and following not in _AFTER_BARE_NUMBER:
                    continue  # 5G, 2030年, 10—15%: not a value we understand
        if qualifier and unit != "%":
            continue
        if part.startswith("的", end):
            continue  # 超过2万千瓦的风电项目: the number qualifies a noun, it is no target
        raw_indicator = part[indicator_start : match.start()]
        indicator = _clean_indicator(raw_indicator)
        indicator_start = end
        if qualifier and indicator:
            share = qualifier[:-1]
            indicator += share if share.startswith("占") else "占" + share
        trailing = part[end:]
        if indicator and _TRAILING_REQUIREMENT.fullmatch(trailing):
            indicator += trailing.removeprefix("的")
        verb = match.group("verb")
        found.append(
            _Found(
                indicator,
                verb,
                _comparator(verb, match.group("approx"), suffix),
                float(match.group("num")),
                unit,
                _baseline(raw_indicator),
            )
        )
    return found


def _free_unit(part: str, match: re.Match[str]) -> tuple[str, str | None, int] | None:
    """(unit, comparator word, end) of a value in a unit the vocabulary does not know,
    accepted only when a bound says what it is: a comparator word after it (以下, 以内 …)
    or a bounding verb before it (不超过, 不高于 …)."""
    rest = _FREE_UNIT.match(part, match.end())
    if rest is None:
        return None
    if rest.group("cmp") is None and match.group("verb") not in _BOUND_VERBS:
        return None
    return rest.group("unit"), rest.group("cmp"), rest.end()


def _counted_target(body: str, inherited_verb: str | None) -> _Found | None:
    """建设公共充电桩6000台以上, 创建35家绿色工厂, or — continuing — 3个绿色园区."""
    match = _ACTION_OBJECT_VALUE.fullmatch(body)
    if match:
        return _Found(
            _clean_indicator(match.group("obj")),
            match.group("verb"),
            _comparator("", match.group("approx"), match.group("cmp")),
            float(match.group("num")),
            match.group("unit"),
        )
    count = _ACTION_COUNT_OBJECT.fullmatch(body)
    if count and (count.group("verb") or inherited_verb):
        return _Found(
            _clean_indicator(count.group("obj")),
            count.group("verb") or inherited_verb or "",
            _comparator("", None, count.group("cmp")),
            float(count.group("num")),
            count.group("unit"),
        )
    if inherited_verb:
        bare = _BARE_VALUE.fullmatch(body)
        if bare:
            return _Found(
                _clean_indicator(bare.group("obj")),
                inherited_verb,
                _comparator(inherited_verb, bare.group("approx"), bare.group("cmp")),
                float(bare.group("num")),
                bare.group("unit"),
            )
    return None


def _respective_targets(body: str) -> list[_Found] | None:
    """Read "A、B分别下降10%、6%" as two targets; None when the clause is not of this form.

    An empty list means the form was there but the counts differ: nothing is taken.
    """
    match = _RESPECTIVELY.search(body)
    if not match:
        return None
    values = list(_RESPECTIVE_VALUE.finditer(body, match.end()))
    if len(values) < 2 or values[-1].end() != len(body):
        return None
    position = match.end()
    for value in values:
        if value.start() != position:
            return None
        position = value.end()
    head = body[: match.start()]
    indicators = _distributed([_clean_indicator(p) for p in _enumeration_pieces(head)])
    if len(indicators) != len(values) or not all(indicators):
        return []
    verb = match.group("verb")
    return [
        _Found(
            indicator,
            verb,
            _comparator(verb, value.group("approx"), value.group("cmp")),
            float(value.group("num")),
            value.group("unit"),
            _baseline(head),
        )
        for indicator, value in zip(indicators, values, strict=True)
    ]


def _distributed(items: list[str]) -> list[str]:
    """The indicators of "A、B…X分别…": each listed item takes the tail the last one carries
    (单位电石、甲醇生产综合能耗 → 单位电石生产综合能耗, 甲醇生产综合能耗), unless every item
    names its own indicator (森林覆盖率、森林蓄积量)."""
    words = vocabulary()
    if len(items) < 2 or all(i.endswith(words.indicator_endings) for i in items[:-1]):
        return items
    last = items[-1]
    item_length = next(
        (k for k in range(1, len(last) - 1) if last[k:].startswith(words.indicator_tail_starts)),
        None,
    )
    if item_length is None:
        middle = [len(i) for i in items[1:-1]]
        item_length = min(middle) if middle else min(2, len(items[0]))
    tail = last[item_length:]
    return [item + tail for item in items[:-1]] + [last] if tail else items


def _parts(body: str) -> list[str]:
    """The clause cut at a 、 that ends one indicator–value pair and starts another.

    森林覆盖率达到58%以上、森林蓄积量达到6500万立方米 is two parts; 化肥、农药利用率达到43%
    and 废钢铁、废铜…等9种主要再生资源 stay whole.
    """
    pieces = _enumeration_pieces(body)
    parts = [pieces[0]]
    for piece in pieces[1:]:
        if _VALUE_AT_END.search(parts[-1]) and _DIGIT.search(piece):
            parts.append(piece)
        else:
            parts[-1] += "、" + piece
    return parts


# --- the public function -----------------------------------------------------------------


def extract_targets(text: str) -> list[TargetSpec]:
    """Every quantitative commitment in a task's text, in order.

    A target needs a year (到2025年, a bare 2025年 opening a clause, “十四五”期间 …) earlier
    in its sentence, a verb from the plan vocabulary (达到, 提高到, 控制在, 不低于, 下降 …)
    followed by a number, and an indicator: the text before the verb, or the indicator of
    the previous target of the sentence (到2030年达到100万吨左右). ``text`` of a target is
    its clause, with the year marker when the marker stands just before it, after
    normalisation (no spaces around numbers, ASCII digits and %).
    """
    if not _QUICK_CHECK.search(text):
        return []
    normal = _normalise(text)
    targets: list[TargetSpec] = []
    for start, end in _sentence_spans(normal):
        # the year never crosses a sentence end: a sentence without one states no target
        if _QUICK_CHECK.search(normal, start, end):
            _read_sentence(normal, _clauses(normal, start, end), targets)
    return targets


def _read_sentence(text: str, clauses: list[_Clause], targets: list[TargetSpec]) -> None:
    year: int | None = None
    prefix_start: int | None = None  # where a clause holding only a year marker began
    previous_indicator = ""
    previous_verb: str | None = None  # verb of the previous clause, when it gave targets
    for clause in clauses:
        raw = text[clause.start : clause.end]
        marker = _find_marker(raw)
        body = raw
        if marker:
            year = marker.year
            body = raw[: marker.start] + raw[marker.end :]
        if not _LEADING_NOISE.sub("", body.strip(_EDGE_PUNCTUATION)):
            if marker and prefix_start is None:
                prefix_start = clause.start
            continue
        start = clause.start if prefix_start is None else prefix_start
        prefix_start = None
        clause_text = text[start : clause.end].strip(_EDGE_PUNCTUATION)
        parts_found = _read_clause(body, previous_verb)
        if not parts_found:
            previous_verb = None
            continue
        for index, part, found in parts_found:
            shown = _first_part_text(clause_text, body, part) if index == 0 else part
            for item in found:
                indicator = item.indicator or previous_indicator
                previous_indicator = indicator
                previous_verb = item.verb
                if year is None or not _plausible_indicator(indicator):
                    continue
                targets.append(
                    TargetSpec(
                        year=year,
                        indicator=indicator,
                        verb=item.verb,
                        comparator=item.comparator,
                        value=item.value,
                        unit=item.unit,
                        text=shown.strip(_EDGE_PUNCTUATION),
                        direction=_direction(item.verb, item.comparator),
                        baseline_year=item.baseline_year,
                    )
                )


def _plausible_indicator(indicator: str) -> bool:
    """Not empty, not too long, and not running over a clause separator (which happens
    only when an unbalanced bracket or quote kept several clauses together)."""
    return (
        bool(indicator)
        and len(indicator) <= _MAX_INDICATOR
        and not _SEPARATOR_INSIDE.search(indicator)
    )


def _first_part_text(clause_text: str, body: str, first_part: str) -> str:
    """The clause, with its year marker, up to the end of its first part."""
    tail = body[len(first_part) :]
    if tail and clause_text.endswith(tail):
        return clause_text[: len(clause_text) - len(tail)]
    return clause_text


def _read_clause(body: str, previous_verb: str | None) -> list[tuple[int, str, list[_Found]]]:
    """The targets of one clause by part: (index of the part, its text, what it states)."""
    respective = _respective_targets(body)
    if respective is not None:
        return [(0, body, respective)] if respective else []
    if _VALUE_LIST.search(body):
        return []
    result: list[tuple[int, str, list[_Found]]] = []
    parts = _parts(body)
    inherited = previous_verb
    for index, part in enumerate(parts):
        found = _level_targets(part)
        if not found:
            lead = _LEADING_NOISE.sub("", part.strip(_EDGE_PUNCTUATION))
            counted = _counted_target(lead, inherited)
            found = [counted] if counted and counted.indicator else []
        if found:
            inherited = found[-1].verb
            result.append((index, part, found))
        else:
            inherited = None
    return result
