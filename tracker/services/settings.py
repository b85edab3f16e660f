"""Program defaults from ``resources/``: the status vocabulary and the reporting settings.

``resources/statuses.json`` lists the statuses a report may take (已完成, 序时推进 …);
``resources/settings.json`` holds the due-date defaults, the 催办 warning window, the
evidence size cap and the minimum password length. Both are read once and checked, so a
broken file is reported with its name instead of failing later.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import config
from tracker.errors import DatabaseError

STATUSES_FILE = config.RESOURCES / "statuses.json"
SETTINGS_FILE = config.RESOURCES / "settings.json"


class SettingsError(DatabaseError):
    """A resource file of the program is missing or malformed (an installation problem)."""


@dataclass(frozen=True)
class DueDate:
    """When a period's report is due: month and day, in the period's year or the next."""

    month: int
    day: int
    next_year: bool

    def for_year(self, year: int) -> dt.date:
        """The due date of the period of ``year``."""
        return dt.date(year + 1 if self.next_year else year, self.month, self.day)


@dataclass(frozen=True)
class Status:
    """One entry of the status vocabulary."""

    name: str
    description: str
    color: str
    # How far along a task with this status is (higher: further); see tracker/services/task_state.
    rank: int


@dataclass(frozen=True)
class Settings:
    """The reporting settings (see ``resources/settings.json``)."""

    due_h1: DueDate
    due_h2: DueDate
    reminder_warning_days: int
    evidence_max_bytes: int
    password_min_length: int
    statuses: tuple[Status, ...]

    @property
    def status_names(self) -> list[str]:
        """The allowed report statuses, in display order."""
        return [s.name for s in self.statuses]

    @property
    def status_ranks(self) -> dict[str, int]:
        """Status name → how far along it is (higher: further)."""
        return {s.name: s.rank for s in self.statuses}

    @property
    def completed_status(self) -> str:
        """The status that means done (已完成): the one with the highest rank."""
        return max(self.statuses, key=lambda s: s.rank).name


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"无法读取程序设置文件“{path}”：{exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"程序设置文件“{path}”的格式不正确：应为一个 JSON 对象。")
    return data


def _due(path: Path, raw: Any, key: str) -> DueDate:
    try:
        due = DueDate(int(raw["month"]), int(raw["day"]), bool(raw.get("next_year", False)))
        due.for_year(2000)  # validates month/day
    except (KeyError, TypeError, ValueError) as exc:
        raise SettingsError(f"程序设置文件“{path}”中 due_dates.{key} 不正确：{exc}") from exc
    return due


def read_settings(
    settings_file: Path = SETTINGS_FILE, statuses_file: Path = STATUSES_FILE
) -> Settings:
    """Read and check the two resource files (uncached; see :func:`get`)."""
    raw = _read_json(settings_file)
    raw_statuses = _read_json(statuses_file).get("statuses")
    if not isinstance(raw_statuses, list) or not raw_statuses:
        raise SettingsError(f"程序设置文件“{statuses_file}”中没有状态列表（statuses）。")
    statuses: list[Status] = []
    for index, entry in enumerate(raw_statuses):
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if not name:
            raise SettingsError(f"程序设置文件“{statuses_file}”中有一项状态没有名称。")
        # Without a rank, the display order says how far along (the first is furthest).
        rank = entry.get("rank", len(raw_statuses) - index)
        if not isinstance(rank, int) or isinstance(rank, bool):
            raise SettingsError(f"程序设置文件“{statuses_file}”中状态“{name}”的 rank 应为整数。")
        statuses.append(
            Status(name, str(entry.get("description", "")), str(entry.get("color", "")), rank)
        )
    top = max(s.rank for s in statuses)
    if sum(1 for s in statuses if s.rank == top) > 1:
        raise SettingsError(
            f"程序设置文件“{statuses_file}”中 rank 最大的状态（表示已完成）只能有一个。"
        )
    due = raw.get("due_dates", {})
    try:
        settings = Settings(
            due_h1=_due(settings_file, due.get("H1", {"month": 7, "day": 10}), "H1"),
            due_h2=_due(
                settings_file, due.get("H2", {"month": 1, "day": 10, "next_year": True}), "H2"
            ),
            reminder_warning_days=int(raw.get("reminder_warning_days", 7)),
            evidence_max_bytes=int(raw.get("evidence_max_bytes", 20 * 1024 * 1024)),
            password_min_length=int(raw.get("password_min_length", 8)),
            statuses=tuple(statuses),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise SettingsError(f"程序设置文件“{settings_file}”中的值不正确：{exc}") from exc
    return settings


@functools.cache
def _cached() -> Settings:
    return read_settings()


def get() -> Settings:
    """The program's settings (read once per process)."""
    return _cached()
