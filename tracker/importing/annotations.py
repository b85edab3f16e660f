"""Responsibility annotations: the bracketed unit lists at the end of a measure.

The forms (DESIGN.md, "How the documents mark responsibility"):

* ``（责任单位：A、B、C）`` — the first unit leads; the label may be missing: ``（A、B、C）``;
* ``（A牵头，B、C等按职责分工负责）`` — one or several leads, or no 牵头 at all (first leads);
* ``（牵头单位：A 参加单位：B、C）`` and ``（负责单位：A、B）``;
* blanket notes inside or outside an annotation: ``以下均须各县（区）负责，不再列出``.

This module finds such groups in running text and splits them into lead and cooperating
unit names (raw, as written; :mod:`tracker.importing.units` makes them canonical).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.importing.units import ROLE_MARK, split_marked_list, split_unit_list
from tracker.importing.vocabulary import alternation, label_pattern, vocabulary

OPEN = "（(【［"
CLOSE = "）)】］"

_WORDS = vocabulary()
# A label opening the list of units: 责任单位：, 负责部门：, 实施主体：, 牵头单位： …
_LABEL = re.compile(rf"^{label_pattern(_WORDS.responsible_labels + _WORDS.lead_labels)}\s*")
_LEAD_LABEL = re.compile(label_pattern(_WORDS.lead_labels))
_COOP_LABEL = re.compile(label_pattern(_WORDS.cooperating_labels))
# After a 牵头单位： label, the units of a 责任单位：/实施主体： label are the others (cooperating).
_OTHER_LABEL = re.compile(label_pattern(_WORDS.cooperating_labels + _WORDS.responsible_labels))
# "A会同B负责": A leads, with B.
_TOGETHER = "会同"
# A label in square brackets without its colon: 【责任单位】A、B, 【牵头单位】A【配合单位】B.
_SQUARE_LABEL = re.compile(rf"[【［](?:{alternation(_WORDS.labels)})[】］]")
# "…等按职责分工负责", "按照职责分工分别负责", "按分工指导负责", "分别落实" at the end of a list.
_DUTY_TAIL = re.compile(
    r"(?:等|等部门|等单位)?\s*(?:(?:按照?|根据|依据)(?:各自)?(?:职责)?(?:分工)?|各司其职|分别|共同|协同)+"
    r"(?:指导|分别|共同|协同)?\s*(?:负责|落实|推进|实施|承担|配合)\s*$"
)
_SIMPLE_TAIL = re.compile(r"(?:等|等部门|等单位)?\s*(?:负责|落实|配合)\s*$")
_BLANKET = re.compile(
    r"(?:以下|下述|下列|后续|以后)[^，,。；;]{0,12}?[，,]?\s*(?:均|都|皆)(?:须|需|需要|要|由)"
    r"(?P<units>.+?)(?:负责|落实|承担|参与|配合)"
    r"(?P<rest>[^。；;]*)$"
)
# A unit name ends like an organ (局, 厅, 委, 中心 …), maybe with a bracketed remark; a level
# word alone (区, 县) is no such ending: （市、区）, （市县） are ordinary parentheses.
_UNIT_SUFFIX = re.compile(
    rf"(?<=.)(?:{alternation(set(_WORDS.unit_suffixes) - set(_WORDS.levels))})(?:（[^）]*）)?$"
)
# "…推进建设。责任单位：市发改委、市工信局。" — a label written into the paragraph without
# brackets, after the end of a sentence, running to the end of the next one.
_BARE_IN_TEXT = re.compile(
    r"(?:^|(?<=[。；;！!]))\s*(?P<body>"
    + label_pattern(_WORDS.responsible_labels + _WORDS.lead_labels)
    + r"[^。（(]*?)(?:。|$)"
)
_LEVEL_PREFIX = re.compile(
    rf"^(?:{alternation((*_WORDS.levels, '各', '国家', '国网', '中国', '人民银行'))})"
)


@dataclass
class Annotation:
    """A parsed responsibility annotation: raw lead and cooperating names, blanket units."""

    leads: list[str]
    cooperating: list[str]
    blanket: list[str] = field(default_factory=list)
    labelled: bool = True
    start: int = 0  # offset of the opening bracket in the searched text
    end: int = 0  # offset just after the closing bracket


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracket group, nested brackets kept inside.

    An unclosed group runs to the end of the text.
    """
    groups: list[tuple[int, int]] = []
    depth = 0
    start = -1
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append((start, i + 1))
    if depth > 0 and start >= 0:
        groups.append((start, len(text)))
    return groups


def looks_like_unit(name: str) -> bool:
    """Whether a list item has the shape of a unit name (by its ending or prefix)."""
    name = name.strip()
    if not name or len(name) > 40:
        return False
    return bool(_UNIT_SUFFIX.search(name)) or (bool(_LEVEL_PREFIX.match(name)) and len(name) <= 20)


def _strip_tail(text: str) -> str:
    text = text.strip().rstrip("。；;，,、 ")
    for pattern in (_DUTY_TAIL, _SIMPLE_TAIL):
        text = pattern.sub("", text).strip()
    return text.rstrip("。；;，,、 ")


def _split_sentences(body: str) -> tuple[str, list[str]]:
    """The unit-list part of an annotation and the sentences after it (blanket notes)."""
    parts = [p for p in body.split("。") if p.strip()]
    if not parts:
        return "", []
    return parts[0], parts[1:]


def blanket_units(sentence: str) -> list[str] | None:
    """The units of a blanket note (以下均须A、B负责，不再列出), or None if it is not one."""
    match = _BLANKET.search(sentence.strip())
    if match is None:
        return None
    names = split_unit_list(match.group("units"))
    return names or None


def parse_annotation(inner: str) -> Annotation | None:
    """Parse the text inside one bracket group; None if it is not a responsibility annotation."""
    body = re.sub(r"\s+", " ", inner).strip()
    if not body:
        return None
    first, rest = _split_sentences(body)
    blanket: list[str] = []
    for sentence in rest:
        units = blanket_units(sentence)
        if units:
            blanket.extend(units)

    lead_label = _LEAD_LABEL.search(first)
    coop_label = _OTHER_LABEL.search(first, lead_label.end()) if lead_label else None
    if lead_label is not None:
        lead_end = (
            coop_label.start() if coop_label and coop_label.start() > lead_label.end() else None
        )
        lead_text = first[lead_label.end() : lead_end]
        coop_text = first[coop_label.end() :] if coop_label else ""
        leads = split_unit_list(_strip_tail(lead_text))
        coops = split_unit_list(_strip_tail(coop_text))
        if leads:
            return Annotation(leads, coops, blanket)
        return None

    labelled = bool(_LABEL.match(first))
    text = _LABEL.sub("", first, count=1)
    has_duty = bool(_DUTY_TAIL.search(text)) or "牵头" in text
    if ROLE_MARK.search(text):
        # 市发展改革委（牵头）、市财政局: the role is written after the name
        leads, coops = split_marked_list(_strip_tail(text))
        if leads and all(looks_like_unit(n) for n in leads):
            return Annotation(leads, coops, blanket, labelled=True)
    joint = "牵头" if "牵头" in text else _TOGETHER if _TOGETHER in text else ""
    if joint:
        lead_part, _, coop_part = text.partition(joint)
        lead_part = lead_part.rstrip("，,、 ")
        coop_part = coop_part.lstrip("，,、 ")
        leads = split_unit_list(_strip_tail(lead_part))
        coops = split_unit_list(_strip_tail(coop_part))
        if not leads or not all(looks_like_unit(n) for n in leads):
            return None
        if joint == _TOGETHER and not all(_UNIT_SUFFIX.search(n) for n in coops):
            return None  # （由省发展改革委会同省统计局制定） says who writes a rule, not a task's units
        return Annotation(leads, coops, blanket, labelled=True)

    names = split_unit_list(_strip_tail(text))
    if not names:
        return None
    if not (labelled or has_duty):
        # An unlabelled group must look like a list of units throughout, else it is an
        # ordinary parenthesis: （垃圾）, （5G）, （市、区）, （技术）.
        unit_like = sum(1 for n in names if looks_like_unit(n))
        if unit_like < len(names) or not any(_UNIT_SUFFIX.search(n) for n in names):
            return None
        if len(names) == 1 and not _LEVEL_PREFIX.match(names[0]):
            return None
    return Annotation(names[:1], names[1:], blanket, labelled=labelled or has_duty)


def _square_labels(text: str) -> str:
    """``text`` with 【责任单位】 written as 。责任单位： (same length, so offsets hold): a
    label in square brackets reads like a bare label after a sentence; a second one in the
    same sentence (【牵头单位】A【配合单位】B) goes on the same annotation: ；配合单位：."""
    pieces: list[str] = []
    last = 0
    for match in _SQUARE_LABEL.finditer(text):
        between = text[last : match.start()]
        same = last > 0 and "。" not in between
        pieces += [between, ("；" if same else "。") + match.group(0)[1:-1] + "："]
        last = match.end()
    return "".join(pieces) + text[last:]


def find_annotations(text: str) -> list[Annotation]:
    """Every responsibility annotation in ``text``, in order, with its offsets."""
    original = text
    text = _square_labels(text)
    found: list[Annotation] = []
    for start, end in bracket_groups(text):
        closed = end <= len(text) and text[end - 1] in CLOSE
        inner = text[start + 1 : end - 1] if closed else text[start + 1 : end]
        annotation = parse_annotation(inner)
        if annotation is None:
            continue
        if not annotation.labelled and text[end:].strip(" 。；;，,") != "":
            # An unlabelled unit list counts only at the end of its paragraph or sentence.
            after = text[end:].lstrip()
            if after[:1] not in ("。", "；", ";"):
                continue
        annotation.start, annotation.end = start, end
        found.append(annotation)
    groups = bracket_groups(text)
    for match in _BARE_IN_TEXT.finditer(text):
        if any(a <= match.start() < b for a, b in groups):
            continue
        annotation = parse_annotation(match.group("body"))
        if annotation is None:
            continue
        start = match.start("body")
        if start > 0 and original[start - 1] in "【［":
            start -= 1  # the square bracket is part of the annotation
        annotation.start, annotation.end = start, match.end()
        found.append(annotation)
    found.sort(key=lambda a: a.start)
    return found
