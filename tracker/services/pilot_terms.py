"""The words of the pilot part (试点): pilot types and their quotas, pilot statuses, project
stages, evaluation verdicts, review states, experience kinds.

They live once, in ``resources/pilots.json``; the database stores each word's ``key``
(``park``, ``started`` …) and every list, message and output shows its ``name`` (园区, 开工 …).
A person may type either: :meth:`Words.key_of` reads both and names the allowed words when
neither matches.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from tracker import config
from tracker.errors import InvalidInput
from tracker.services.settings import SettingsError

PILOTS_FILE = config.RESOURCES / "pilots.json"


@dataclass(frozen=True)
class Term:
    """One word: its stored key, its Chinese name, and what else the resource says of it."""

    key: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Words:
    """One list of words, in display order."""

    what: str  # how a message calls the list: 试点类型, 项目阶段 …
    terms: tuple[Term, ...]

    @property
    def keys(self) -> list[str]:
        """The stored keys, in order."""
        return [t.key for t in self.terms]

    @property
    def names(self) -> list[str]:
        """The Chinese names, in order."""
        return [t.name for t in self.terms]

    def key_of(self, text: str) -> str:
        """The key of a word typed by a person (its key or its name)."""
        value = (text or "").strip()
        for term in self.terms:
            if value in (term.key, term.name):
                return term.key
        raise InvalidInput(f"{self.what}“{text}”无效：应为 {'、'.join(self.names)} 之一。")

    def name(self, key: str | None) -> str:
        """The Chinese name of a stored key (the key itself when it is not in the list)."""
        for term in self.terms:
            if term.key == key:
                return term.name
        return key or ""

    def term(self, key: str) -> Term:
        """The term of a stored key."""
        for term in self.terms:
            if term.key == key:
                return term
        raise KeyError(key)

    def index(self, key: str) -> int:
        """The position of a key in the list (stages are ordered this way)."""
        return self.keys.index(key)


@dataclass(frozen=True)
class PilotTerms:
    """Everything ``resources/pilots.json`` says."""

    types: Words
    statuses: Words
    stages: Words
    verdicts: Words
    review_states: Words
    experience_kinds: Words
    not_reported: str
    review_levels: dict[str, str]
    report_sections: dict[str, str]
    final_code: str
    final_name: str
    default_supervisor: str
    manual_plan_title: str
    manual_area: str

    def default_quotas(self) -> dict[str, int]:
        """Pilot type → the number the scheme sets (the default quota)."""
        return {t.key: int(t.extra.get("quota", 0)) for t in self.types.terms}


def _words(raw: dict[str, Any], name: str, what: str) -> Words:
    entries = raw.get(name)
    if not isinstance(entries, list) or not entries:
        raise SettingsError(f"程序设置文件“{PILOTS_FILE}”中没有 {name} 列表。")
    terms = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("name"):
            raise SettingsError(f"程序设置文件“{PILOTS_FILE}”中 {name} 有一项缺少 key 或 name。")
        extra = {k: v for k, v in entry.items() if k not in ("key", "name")}
        terms.append(Term(str(entry["key"]), str(entry["name"]), extra))
    return Words(what, tuple(terms))


@functools.cache
def terms() -> PilotTerms:
    """The pilot vocabulary (read and checked once per process)."""
    try:
        raw = json.loads(PILOTS_FILE.read_text(encoding="utf-8"))
        final = raw["final_evaluation"]
        found = PilotTerms(
            types=_words(raw, "types", "试点类型"),
            statuses=_words(raw, "statuses", "试点状态"),
            stages=_words(raw, "stages", "项目阶段"),
            verdicts=_words(raw, "verdicts", "评估结论"),
            review_states=_words(raw, "review_states", "报告状态"),
            experience_kinds=_words(raw, "experience_kinds", "经验类别"),
            not_reported=str(raw["not_reported"]),
            review_levels=dict(raw["review_levels"]),
            report_sections=dict(raw["report_sections"]),
            final_code=str(final["code"]),
            final_name=str(final["name"]),
            default_supervisor=str(raw["default_supervisor"]),
            manual_plan_title=str(raw["manual_plan_title"]),
            manual_area=str(raw["manual_area"]),
        )
        found.default_quotas()  # every quota is a number
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SettingsError(f"无法读取程序设置文件“{PILOTS_FILE}”：{exc}") from exc
    return found
