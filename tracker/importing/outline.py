"""The outline of a plan's running text: headings and numbered items, with their text.

Official documents number their structure 一、 → （一） → 1. → （1）. Lines wrapped by a PDF
extraction (even across blank lines) are joined back into the node they belong to, so a
measure and its annotation come out as one block however the file was wrapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.importing.document import Place, SourceLine
from tracker.importing.vocabulary import bare_label_line, is_page_number, vocabulary

CN_DIGITS = "零〇一二三四五六七八九十百"
_CN_VALUE = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

LEVEL_CHAPTER = 1  # 一、
LEVEL_SECTION = 2  # （一）
LEVEL_ITEM = 3  # 1.
LEVEL_SUBITEM = 4  # （1）
LEVEL_CIRCLED = 5  # ①
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (
        LEVEL_CHAPTER,
        re.compile(r"^\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[、．.]\s*(?P<rest>.*)$"),
    ),
    (
        LEVEL_SECTION,
        re.compile(r"^\s*[（(]\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[）)]\s*(?P<rest>.*)$"),
    ),
    (
        LEVEL_ITEM,
        re.compile(r"^\s*(?P<num>\d{1,3})\s*(?:[.．、](?!\d)|(?P<bare>\s))\s*(?P<rest>\S.*)$"),
    ),
    (LEVEL_SUBITEM, re.compile(r"^\s*[（(]\s*(?P<num>\d{1,3})\s*[）)]\s*(?P<rest>\S.*)$")),
    (LEVEL_CIRCLED, re.compile(rf"^\s*(?P<num>[{_CIRCLED}])\s*(?P<rest>\S.*)$")),
]


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (up to 99)."""
    if not text:
        raise ValueError("empty numeral")
    if "十" not in text:
        return int("".join(str(_CN_VALUE[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[ones] if ones else 0)


@dataclass
class Node:
    """A heading or numbered item and the text under it (up to its first child)."""

    level: int
    number: int
    marker: str  # as printed: 三 / （一） / 1 / （1）
    text: str
    place: Place
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    line_places: list[tuple[int, Place]] = field(default_factory=list)
    head_line: str = ""

    @property
    def title(self) -> str:
        """The heading: the first line when it stands alone (no closing punctuation, short),
        else the text up to the first 。."""
        head = self.head_line.strip()
        if head and len(head) <= 40 and not re.search(r"[。；;：:，,]|[）)]$", head):
            return head
        return heading_of(self.text)

    def ancestors(self) -> list[Node]:
        """Parents, nearest first."""
        out: list[Node] = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def walk(self) -> list[Node]:
        """This node and all below it, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def place_at(self, offset: int) -> Place:
        """The place of the line holding character ``offset`` of :attr:`text`."""
        best = self.place
        for start, place in self.line_places:
            if start <= offset:
                best = place
            else:
                break
        return best


def heading_of(text: str) -> str:
    """The heading part of a block: up to the first 。；： or bracket, trimmed."""
    match = re.match(r"^(.*?)(?:[。；;：:]|[（(](?:责任|牵头|负责)|$)", text)
    head = (match.group(1) if match else text).strip()
    if len(head) > 60:
        cut = re.match(r"^(.{4,60}?)[，,]", head)
        head = cut.group(1) if cut else head[:60]
    return head


def _number(raw: str) -> int:
    """The value of a marker's number: 3, ３, 三, ③."""
    if raw in _CIRCLED:
        return _CIRCLED.index(raw) + 1
    return int(raw) if raw.isdecimal() else chinese_number(raw)


def _marker_text(level: int, num: str) -> str:
    if level == LEVEL_CIRCLED:
        return num
    if level == LEVEL_CHAPTER:
        return num
    if level == LEVEL_SECTION:
        return f"（{num}）"
    if level == LEVEL_ITEM:
        return num
    return f"（{num}）"


# How a sentence, a clause or an annotation ends: a line ending so may be followed by a
# new item; a line ending otherwise was wrapped in the middle of a sentence.
_BREAK_ENDS = tuple("。；;：:）)！!？?")


def _match_marker(line: str, after_break: bool) -> tuple[int, int, str, str] | None:
    """The line's heading marker as (level, number, marker, rest). A number followed only
    by a space (``1 巩固提升水电``, as some PDFs print 1.) is a marker only after a break:
    a wrapped line may well start with ``3 万千瓦``."""
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if match is None:
            continue
        if "bare" in pattern.groupindex and match.group("bare") and not after_break:
            return None
        raw = match.group("num")
        value = _number(raw)
        shown = str(value) if raw.isdecimal() else raw  # full-width ３ is written 3
        return level, value, _marker_text(level, shown), match.group("rest")
    return None


def _joins(previous: str, line: str) -> str:
    # Chinese text wraps without spaces; keep one space only between two Latin/digit runs.
    if (
        previous
        and line
        and previous[-1].isascii()
        and previous[-1].isalnum()
        and line[0].isascii()
    ):
        return previous + " " + line
    return previous + line


# How a unit list may end other than with a unit's name (市发展改革委等, 按职责分工负责).
_LIST_ENDS = ("等", "负责", "参与", "配合", "落实", "实施")
_TAIL_MAX = 60  # a wrapped list's last line is never longer than a printed line


def _inside_bracket(text: str) -> bool:
    """The text ends inside a bracket it opened: an annotation wrapped right after its
    "（" or in the middle of its list, as a PDF extraction leaves it."""
    opened = max(text.rfind("（"), text.rfind("("))
    return opened > max(text.rfind("）"), text.rfind(")"))


def _list_cut(label_line: str) -> bool:
    """A bare label line (责任单位：A、B、宁) that stops in the middle of its list or of a
    unit's name, so the next line (夏通信管理局) is the rest of the list."""
    end = label_line[-1:]
    if end in "、，,：:":
        return True
    if end in "。；;）)" or not end:
        return False
    last = re.split(r"[、，,：:]", label_line)[-1].strip()
    return not last.endswith(vocabulary().unit_suffixes + _LIST_ENDS)


def _list_tail(line: str) -> bool:
    """The line can be the rest of a wrapped unit list: one short line, no sentence in it."""
    return len(line) <= _TAIL_MAX and "。" not in line.rstrip("。；;")


@dataclass
class _BareLabels:
    """Labels written without brackets on lines of their own (责任单位：A、B), bracketed so
    that they read like every other annotation — including one wrapped inside a name
    (…、宁 / 夏通信管理局) and 牵头单位：A / 配合单位：B on two lines."""

    cut: bool = False  # the last line was such a label, cut inside a unit's name
    closed: bool = False  # the last line ended such a label (with the bracket added)

    def rewrite(self, text: str, line: str) -> tuple[str, str, int]:
        """(the node's text so far, the line, 1 if a bracket was put before the line)."""
        if self.cut and _list_tail(line):
            # the rest of the list goes inside the bracket added
            line = line.rstrip("。；;")
            self.cut, self.closed = _list_cut(line), True
            return text[:-1], line + "）", 0
        self.cut = False
        if bare_label_line(line) and (self.closed or not _inside_bracket(text)):
            # a second label line joins the first; inside an open bracket the label
            # already is an annotation, wrapped after its "（"
            self.cut = _list_cut(line)
            body = line.rstrip("。；;")
            if self.closed:
                text, line = text[:-1], f"；{body}）"
            else:
                line = f"（{body}）"
            self.closed = True
            return text, line, 1
        # a label inside a bracket opened on the line before, closed at its end
        self.closed = bare_label_line(line) and line.endswith("）")
        return text, line, 0


def parse_outline(lines: list[SourceLine]) -> Node:
    """Build the outline tree; the root (level 0) holds text before the first heading.

    A numbered line counts as a new node only if its number follows its siblings (1 after
    nothing, n+1 after n) — a wrapped line that happens to start with "2." stays text.
    """
    root = Node(level=0, number=0, marker="", text="", place=Place(line=1))
    current = root
    labels = _BareLabels()
    after_break = True  # the last line ended a sentence, a heading or a paragraph
    for source in lines:
        raw = source.text.replace("\u3000", " ")
        line = raw.strip()
        if not line:
            after_break = True
            continue
        if is_page_number(line):
            continue  # page numbers (— 5 —) left by a PDF extraction
        skipped = len(raw) - len(raw.lstrip())
        match = _match_marker(line, after_break)
        after_break = line.endswith(_BREAK_ENDS)
        if match is not None:
            level, number, marker, rest = match
            parent = current
            while parent.level >= level:
                assert parent.parent is not None
                parent = parent.parent
            siblings = [c for c in parent.children if c.level == level]
            expected = siblings[-1].number + 1 if siblings else 1
            # Numbers follow on from their siblings; a document (or an excerpt) may open
            # with any chapter or section number, but a list of items starts at 1.
            if number == expected or (not siblings and level <= LEVEL_SECTION):
                node = Node(level, number, marker, rest.strip(), source.place, parent)
                node.head_line = rest
                node.line_places.append((0, source.place))
                node.line_places.extend(_printed_lines(source, skipped + len(line) - len(rest), 0))
                parent.children.append(node)
                current = node
                labels = _BareLabels()
                # a chapter or section heading is a line of its own; an item's line
                # goes on with its text and may be wrapped like any other
                after_break = level <= LEVEL_SECTION or line.endswith(_BREAK_ENDS)
                continue
        current.text, line, bracket = labels.rewrite(current.text, line)
        skipped -= bracket
        current.line_places.append((len(current.text), source.place))
        start = len(_joins(current.text, line)) - len(line)
        current.line_places.extend(_printed_lines(source, skipped, start))
        current.text = _joins(current.text, line)
    return root


def _printed_lines(source: SourceLine, skipped: int, start: int) -> list[tuple[int, Place]]:
    """Where the printed lines of a rebuilt paragraph (PDF) begin in a node's text: the
    node's copy of ``source.text`` begins at ``start`` and leaves out its first ``skipped``
    characters."""
    return [
        (start + offset - skipped, place)
        for offset, place in source.line_starts
        if offset > skipped
    ]
