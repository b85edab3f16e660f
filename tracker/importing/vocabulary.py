"""The importer's one vocabulary: responsibility labels, "none" marks, role marks, table
headers, indicator words.

Every reader and parser takes its words from here (the words themselves live in
``resources/vocabulary.json``; unit name endings and level words in
``resources/unit_stems.json``), so that a label read in brackets — （负责部门：…） — is also
read bare in a paragraph (负责部门：…。), alone on its line, and as a 任务分工 table header.

Labels come in three roles:

* ``lead`` — 牵头单位, 主责单位 …: the units after it lead;
* ``cooperating`` — 配合单位, 参加单位 …: the units after it cooperate;
* ``responsible`` — 责任单位, 负责部门, 实施主体 …: no order of rank is said, the first unit
  listed leads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tracker.config import RESOURCES

__all__ = [
    "Vocabulary",
    "alternation",
    "bare_label_line",
    "is_none_mark",
    "is_page_number",
    "label_pattern",
    "vocabulary",
]


@dataclass(frozen=True)
class Vocabulary:
    """The word lists, as read from the resources."""

    lead_labels: tuple[str, ...]
    cooperating_labels: tuple[str, ...]
    responsible_labels: tuple[str, ...]
    header_words: dict[str, tuple[str, ...]]  # table field → header words
    none_marks: frozenset[str]
    lead_role_marks: tuple[str, ...]
    cooperating_role_marks: tuple[str, ...]
    unit_suffixes: tuple[str, ...]  # how the name of an organ ends: 局, 厅, 委, 中心 …
    levels: tuple[str, ...]  # 自治区, 省, 市, 县 …
    indicator_endings: tuple[str, ...]  # how an indicator's name ends: 率, 比重, 能耗 …
    indicator_tail_starts: tuple[str, ...]  # where a shared indicator tail begins: 生产, 单位 …
    context_headings: tuple[str, ...] = ()  # 指导思想, 主要目标 …: chapters that hold no task

    @property
    def labels(self) -> tuple[str, ...]:
        """Every responsibility label, whatever its role."""
        return self.lead_labels + self.cooperating_labels + self.responsible_labels


def _read(name: str) -> dict[str, Any]:
    with (RESOURCES / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary (read once)."""
    words = _read("vocabulary.json")
    stems = _read("unit_stems.json")
    labels = words["labels"]
    header_only = words.get("header_only", {})
    headers = {field: tuple(values) for field, values in words["table_headers"].items()}
    headers["lead"] = (*labels["lead"], *header_only.get("lead", ()))
    headers["coop"] = (*labels["cooperating"], *header_only.get("cooperating", ()))
    headers["units"] = (*labels["responsible"], *header_only.get("responsible", ()))
    return Vocabulary(
        lead_labels=tuple(labels["lead"]),
        cooperating_labels=tuple(labels["cooperating"]),
        responsible_labels=tuple(labels["responsible"]),
        header_words=headers,
        none_marks=frozenset(words["none_marks"]),
        lead_role_marks=tuple(words["role_marks"]["lead"]),
        cooperating_role_marks=tuple(words["role_marks"]["cooperating"]),
        unit_suffixes=tuple(stems["body_suffixes"]),
        levels=tuple(stems["levels"]),
        indicator_endings=tuple(words["indicators"]["endings"]),
        indicator_tail_starts=tuple(words["indicators"]["tail_starts"]),
        context_headings=tuple(words.get("context_headings", ())),
    )


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words``, longest first (牵头责任单位 before 责任单位)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def label_pattern(words: Iterable[str]) -> str:
    """A label and its colon: ``(?:责任单位|负责部门…)\\s*[：:]``."""
    return rf"(?:{alternation(words)})\s*[：:]"


@lru_cache(maxsize=1)
def _bare_label_line() -> re.Pattern[str]:
    return re.compile(rf"^(?:{label_pattern(vocabulary().labels)})\s*\S")


def bare_label_line(line: str) -> bool:
    """The line starts with a responsibility label and its colon (责任单位：A、B)."""
    return _bare_label_line().match(line) is not None


# Page numbers as documents print them, alone on a line: — 3 —, -3-, ·3·, ～3～, 3, 第3页,
# 第 3 页 共 20 页, 第3页，共20页, 共20页 第3页, 3/20, - 3 / 20 -, Page 3 of 20. A bare number
# has at most three digits, so that a year (2030) alone on a line stays text.
_PAGE_DECOR = r"[-—－–_~～·•\s]*"
_PAGE_NUMBER = re.compile(
    rf"^{_PAGE_DECOR}(?:"
    r"第\s*\d{1,4}\s*页(?:\s*[，,、/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,、/／]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,3}(?:\s*页)?(?:\s*(?:[/／]\s*(?:共\s*)?|[，,]?\s*共\s*)\d{1,4}\s*页?)?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    rf"){_PAGE_DECOR}$",
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    """The line is a page number in one of its printed forms (see ``_PAGE_NUMBER``), which
    a text taken from a PDF keeps between the lines of a paragraph."""
    return _PAGE_NUMBER.match(text.strip()) is not None


def is_none_mark(text: str) -> bool:
    """The cell or list says "none": /, —, 无 … (blank counts as none too)."""
    return text.strip() in vocabulary().none_marks or not text.strip()
