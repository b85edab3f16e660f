"""Word's automatic list numbering, rendered as text.

A Word list keeps its labels (1.  （一）  一、) out of the paragraph text: they live in
numbering.xml and are drawn by Word. Official documents typed with automatic numbering
would lose their structure without them, so the reader renders each numbered paragraph's
label the way Word shows it and puts it in front of the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

_Element = Any  # lxml elements (lxml ships no type stubs)

_CN = "零一二三四五六七八九"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (as Word's chineseCounting, up to 99)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified"):
        return chinese_counting(n)
    if fmt in ("ideographTraditional",):
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class Numbering:
    """The list definitions of one document and the running counters while reading it."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → ilvl → level
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_parts(cls, numbering: _Element | None, styles: _Element | None) -> Numbering:
        """Read numbering.xml (and the numbering of paragraph styles) once per document."""
        self = cls()
        if numbering is None:
            return self
        abstract: dict[str, dict[int, _Level]] = {}
        for node in numbering.iter(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in node.iter(qn("w:lvl")):
                level = _Level()
                for child, attr in (
                    ("w:start", "start"),
                    ("w:numFmt", "fmt"),
                    ("w:lvlText", "text"),
                ):
                    found = lvl.find(qn(child))
                    if found is not None and found.get(qn("w:val")) is not None:
                        value = found.get(qn("w:val"), "")
                        setattr(
                            level,
                            attr,
                            int(value) if attr == "start" and value.isdigit() else value,
                        )
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = level
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in numbering.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            levels = {
                k: _Level(v.start, v.fmt, v.text)
                for k, v in abstract.get(ref.get(qn("w:val"), ""), {}).items()
            }
            for override in num.iter(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if start is not None and ilvl in levels and start.get(qn("w:val"), "").isdigit():
                    levels[ilvl].start = int(start.get(qn("w:val"), "1"))
            self.levels[num.get(qn("w:numId"), "")] = levels
        if styles is not None:
            for style in styles.iter(qn("w:style")):
                num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
                if num_pr is not None:
                    num_id, ilvl = _num_pr(num_pr)
                    if num_id:
                        self.style_num[style.get(qn("w:styleId"), "")] = (num_id, ilvl)
        return self

    def label(self, paragraph: _Element) -> str:
        """The label Word draws before this paragraph ("" when it is not in a list)."""
        if not self.levels:
            return ""
        ppr = paragraph.find(qn("w:pPr"))
        num_id, ilvl = "", 0
        if ppr is not None:
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is not None:
                num_id, ilvl = _num_pr(num_pr)
            elif (style := ppr.find(qn("w:pStyle"))) is not None:
                num_id, ilvl = self.style_num.get(style.get(qn("w:val"), ""), ("", 0))
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or levels[ilvl].fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        ilvl = min(ilvl, 8)
        if counts[ilvl] == 0:
            counts[ilvl] = levels[ilvl].start
        else:
            counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0  # a new item restarts the levels below it
        text = levels[ilvl].text
        for k in range(ilvl, -1, -1):
            level = levels.get(k, _Level())
            text = text.replace(f"%{k + 1}", format_number(counts[k] or level.start, level.fmt))
        return text


def _num_pr(num_pr: _Element) -> tuple[str, int]:
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    value = ilvl.get(qn("w:val"), "0") if ilvl is not None else "0"
    num = num_id.get(qn("w:val"), "") if num_id is not None else ""
    return ("" if num == "0" else num), int(value) if value.isdigit() else 0
