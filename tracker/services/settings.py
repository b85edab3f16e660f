"""Shared settings, kept in the database so that every desk of one database agrees.

What is shared: the status vocabulary a report may take (已完成, 序时推进 …: name,
description, colour, order, and rank — how far along, which the consolidated task state
compares; exactly one status holds the top rank and means done), the default due dates of
the two halves, the 催办 warning window, the evidence size cap and the minimum password
length.

``resources/statuses.json`` and ``resources/settings.json`` are the defaults: they are
checked once per process and stored into a database the first time it is opened
(:func:`seed_defaults`; a key added by a newer program is stored when it first opens the
database). From then on the database is the only source: every reader calls :func:`load`
inside its own session (two small queries), so a change made at one desk is seen at the
next action of every other desk, and a coordinator changes them here (:func:`set_value`
and the status functions), each change audited.

Reports store their status by name: renaming a status renames it in the reports too, and a
status that reports use can only be removed by naming the status that replaces it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker import config
from tracker.db import Database
from tracker.errors import DatabaseError, InvalidInput, NotFound
from tracker.models import (
    AuditRecord,
    Period,
    ProgressReport,
    Setting,
    StatusDefinition,
    utcnow,
)
from tracker.services import audit
from tracker.services.actor import SYSTEM, Actor

STATUSES_FILE = config.RESOURCES / "statuses.json"
SETTINGS_FILE = config.RESOURCES / "settings.json"

KEY_DUE_H1 = "due_dates.H1"
KEY_DUE_H2 = "due_dates.H2"
KEY_WARNING_DAYS = "reminder_warning_days"
KEY_EVIDENCE_MAX = "evidence_max_bytes"
KEY_PASSWORD_MIN = "password_min_length"
# Internal markers start with "_" (never shown, never set by a user).
MARKER_PREFIX = "_"

MAX_STATUS_LENGTH = 20
MAX_DESCRIPTION_LENGTH = 200
MAX_RANK = 1000
# Words the program itself shows for "no status": a status of that name would be ambiguous.
RESERVED_STATUS_NAMES = ("未报送", "未填报")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


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

    def label(self) -> str:
        """How people write it: ``7月10日``, ``次年1月10日``."""
        return f"{'次年' if self.next_year else ''}{self.month}月{self.day}日"


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
    """The shared settings of one database (see the module docstring)."""

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


# ---------------------------------------------------------------- the keys


@dataclass(frozen=True)
class _Key:
    """One setting a coordinator may change: its label, how a typed value is read (to the
    value stored as JSON) and how a stored value is shown."""

    label: str
    hint: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str]


def _parse_int(text: str, low: int, high: int, what: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInput(f"{what}“{text}”不是整数。") from None
    if not low <= value <= high:
        raise InvalidInput(f"{what} {value} 超出范围：应在 {low} 到 {high} 之间。")
    return value


_DUE_TEXT = re.compile(
    r"^(?P<next>次年|next[:：]?\s*)?(?P<month>\d{1,2})\s*(?:月|-|/)\s*(?P<day>\d{1,2})\s*日?$"
)


def _parse_due(text: str) -> dict[str, Any]:
    match = _DUE_TEXT.match(text.strip())
    if match is None:
        raise InvalidInput(
            f"截止日期“{text}”格式不对：应写作“7月10日”或“次年1月10日”（也可写 07-10、次年01-10）。"
        )
    due = DueDate(int(match["month"]), int(match["day"]), bool(match["next"]))
    try:
        due.for_year(2001)  # not a leap year: 2月29日 would fail in most years
    except ValueError:
        raise InvalidInput(f"截止日期“{text}”不存在。") from None
    return {"month": due.month, "day": due.day, "next_year": due.next_year}


def _due_value(raw: Any) -> DueDate:
    due = DueDate(int(raw["month"]), int(raw["day"]), bool(raw.get("next_year", False)))
    due.for_year(2001)
    return due


_SIZE_TEXT = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>B|KB|K|MB|M|GB|G|字节)?$", re.I)
_SIZE_UNITS = {"": 1, "b": 1, "字节": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2}
_SIZE_UNITS.update({"g": 1024**3, "gb": 1024**3})
MIN_EVIDENCE_BYTES, MAX_EVIDENCE_BYTES = 1024, 512 * 1024**2


def size_text(size: int) -> str:
    """A byte count for people: ``20 MB``, ``512 KB``, ``300 字节``."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} 字节"


def _parse_size(text: str) -> int:
    match = _SIZE_TEXT.match(text.strip().replace(",", ""))
    if match is None:
        raise InvalidInput(f"文件大小“{text}”格式不对：应写作如 20MB、512KB 或字节数。")
    size = int(float(match["number"]) * _SIZE_UNITS[(match["unit"] or "").lower()])
    if not MIN_EVIDENCE_BYTES <= size <= MAX_EVIDENCE_BYTES:
        raise InvalidInput(
            f"佐证材料大小上限 {size_text(size)} 超出范围：应在 {size_text(MIN_EVIDENCE_BYTES)}"
            f" 到 {size_text(MAX_EVIDENCE_BYTES)} 之间。"
        )
    return size


KEYS: dict[str, _Key] = {
    KEY_DUE_H1: _Key(
        "上半年报告默认截止日期",
        "如 7月10日；只影响此后生成的报告期",
        _parse_due,
        lambda v: _due_value(v).label(),
    ),
    KEY_DUE_H2: _Key(
        "全年报告默认截止日期",
        "如 次年1月10日；只影响此后生成的报告期",
        _parse_due,
        lambda v: _due_value(v).label(),
    ),
    KEY_WARNING_DAYS: _Key(
        "催办黄灯提前天数",
        "截止前多少天起亮黄灯，0–365",
        lambda t: _parse_int(t, 0, 365, "催办提前天数"),
        lambda v: f"{int(v)} 天",
    ),
    KEY_EVIDENCE_MAX: _Key(
        "佐证材料单个文件大小上限",
        "如 20MB、512KB",
        _parse_size,
        lambda v: size_text(int(v)),
    ),
    KEY_PASSWORD_MIN: _Key(
        "密码最少字符数",
        "6–128；只在设置或修改密码时检查",
        lambda t: _parse_int(t, 6, 128, "密码最少字符数"),
        lambda v: f"{int(v)} 个字符",
    ),
}


# ---------------------------------------------------------------- the defaults (resources/)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"无法读取程序设置文件“{path}”：{exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"程序设置文件“{path}”的格式不正确：应为一个 JSON 对象。")
    return data


def _resource_statuses(path: Path) -> tuple[Status, ...]:
    raw_statuses = _read_json(path).get("statuses")
    if not isinstance(raw_statuses, list) or not raw_statuses:
        raise SettingsError(f"程序设置文件“{path}”中没有状态列表（statuses）。")
    statuses: list[Status] = []
    for index, entry in enumerate(raw_statuses):
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if not name:
            raise SettingsError(f"程序设置文件“{path}”中有一项状态没有名称。")
        assert isinstance(entry, dict)
        # Without a rank, the display order says how far along (the first is furthest).
        rank = entry.get("rank", len(raw_statuses) - index)
        if not isinstance(rank, int) or isinstance(rank, bool):
            raise SettingsError(f"程序设置文件“{path}”中状态“{name}”的 rank 应为整数。")
        statuses.append(
            Status(name, str(entry.get("description", "")), str(entry.get("color", "")), rank)
        )
    if len(top_statuses(statuses)) > 1:
        raise SettingsError(f"程序设置文件“{path}”中 rank 最大的状态（表示已完成）只能有一个。")
    return tuple(statuses)


def top_statuses(statuses: Sequence[Status | StatusDefinition]) -> list[str]:
    """The names of the statuses holding the highest rank (exactly one in a valid
    vocabulary: the status that means done)."""
    if not statuses:
        return []
    top = max(s.rank for s in statuses)
    return [s.name for s in statuses if s.rank == top]


def _resource_values(path: Path) -> dict[str, Any]:
    raw = _read_json(path)
    due = raw.get("due_dates", {})
    values = {
        KEY_DUE_H1: due.get("H1", {"month": 7, "day": 10}),
        KEY_DUE_H2: due.get("H2", {"month": 1, "day": 10, "next_year": True}),
        KEY_WARNING_DAYS: raw.get("reminder_warning_days", 7),
        KEY_EVIDENCE_MAX: raw.get("evidence_max_bytes", 20 * 1024 * 1024),
        KEY_PASSWORD_MIN: raw.get("password_min_length", 8),
    }
    try:
        _settings_from(values, (Status("x", "", "", 0),))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SettingsError(f"程序设置文件“{path}”中的值不正确：{exc}") from exc
    return values


def _settings_from(values: dict[str, Any], statuses: tuple[Status, ...]) -> Settings:
    return Settings(
        due_h1=_due_value(values[KEY_DUE_H1]),
        due_h2=_due_value(values[KEY_DUE_H2]),
        reminder_warning_days=int(values[KEY_WARNING_DAYS]),
        evidence_max_bytes=int(values[KEY_EVIDENCE_MAX]),
        password_min_length=int(values[KEY_PASSWORD_MIN]),
        statuses=statuses,
    )


def read_settings(
    settings_file: Path = SETTINGS_FILE, statuses_file: Path = STATUSES_FILE
) -> Settings:
    """The defaults of a new database, read and checked from the two resource files."""
    return _settings_from(_resource_values(settings_file), _resource_statuses(statuses_file))


@functools.cache
def _default_values() -> dict[str, Any]:
    return _resource_values(SETTINGS_FILE)


@functools.cache
def _default_statuses() -> tuple[Status, ...]:
    return _resource_statuses(STATUSES_FILE)


def defaults() -> Settings:
    """The program's defaults (resources/), read once per process."""
    return _settings_from(_default_values(), _default_statuses())


# ---------------------------------------------------------------- reading


def load(session: Session) -> Settings:
    """The database's settings, read in ``session`` (a key or a vocabulary the database
    does not hold yet falls back to the program's default)."""
    values = dict(_default_values())
    for key, value in session.execute(select(Setting.key, Setting.value)):
        if key in KEYS:
            values[key] = json.loads(value)
    rows = session.execute(
        select(
            StatusDefinition.name,
            StatusDefinition.description,
            StatusDefinition.color,
            StatusDefinition.rank,
        ).order_by(StatusDefinition.position, StatusDefinition.id)
    ).all()
    statuses = tuple(Status(*row) for row in rows) or _default_statuses()
    try:
        return _settings_from(values, statuses)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SettingsError(f"数据库中的共享设置已损坏：{exc}。请协调员重新设置。") from exc


def get(db: Database) -> Settings:
    """The database's settings, in a short read of their own."""
    with db.reader() as session:
        return load(session)


def _insert_ignore(engine: Engine, table: Any, rows: list[dict[str, Any]], key: str) -> Any:
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(rows).on_conflict_do_nothing(index_elements=[key])


def _missing_defaults(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    stored = set(session.scalars(select(Setting.key)))
    settings = [
        {"key": k, "value": json.dumps(v), "updated_at": utcnow(), "updated_by": SYSTEM.name}
        for k, v in _default_values().items()
        if k not in stored
    ]
    statuses: list[dict[str, Any]] = []
    if session.scalar(select(func.count()).select_from(StatusDefinition)) == 0:
        statuses = [
            {
                "name": s.name,
                "description": s.description,
                "color": s.color,
                "position": i,
                "rank": s.rank,
            }
            for i, s in enumerate(_default_statuses(), 1)
        ]
    return settings, statuses


def seed_defaults(db: Database) -> None:
    """Store the program's defaults for every setting the database does not hold yet, and
    the default status vocabulary into a database that has none (called when a database is
    opened). Safe when two programs open a new database at once: a row someone else stored
    first is kept."""
    with db.reader() as session:
        settings, statuses = _missing_defaults(session)
    if not settings and not statuses:
        return  # the usual case: nothing to write, no write transaction
    with db.session() as session:
        settings, statuses = _missing_defaults(session)
        if settings:
            session.execute(_insert_ignore(db.engine, Setting.__table__, settings, "key"))
        if statuses:
            session.execute(_insert_ignore(db.engine, StatusDefinition.__table__, statuses, "name"))


# ---------------------------------------------------------------- showing


def show(db: Database) -> dict[str, Any]:
    """Every setting (key, label, value as stored and as shown) and the statuses with the
    number of reports that use each; what ``tracker settings show`` prints."""
    with db.reader() as session:
        rows = {r.key: r for r in session.scalars(select(Setting))}
        current = load(session)
        counts: dict[str | None, int] = {
            status: count
            for status, count in session.execute(
                select(ProgressReport.status, func.count()).group_by(ProgressReport.status)
            )
        }
        entries = []
        for key, spec in KEYS.items():
            row = rows.get(key)
            value = json.loads(row.value) if row is not None else _default_values()[key]
            entries.append(
                {
                    "key": key,
                    "label": spec.label,
                    "hint": spec.hint,
                    "value": value,
                    "text": spec.show(value),
                    "updated_at": row.updated_at.isoformat() if row is not None else None,
                    "updated_by": row.updated_by if row is not None else None,
                }
            )
        statuses = [
            {
                "position": i,
                "name": s.name,
                "description": s.description,
                "color": s.color,
                "rank": s.rank,
                "completed": s.name == current.completed_status,
                "reports": counts.get(s.name, 0),
            }
            for i, s in enumerate(current.statuses, 1)
        ]
        return {"settings": entries, "statuses": statuses}


# ---------------------------------------------------------------- changing


def set_value(db: Database, actor: Actor, key: str, text: str) -> dict[str, Any]:
    """Change one setting (coordinator only); returns it as :func:`show` lists it."""
    key = key.strip()
    set_values(db, actor, {key: text})
    return next(e for e in show(db)["settings"] if e["key"] == key)


def set_values(db: Database, actor: Actor, changes: Mapping[str, str]) -> dict[str, Any]:
    """Change several settings at once (coordinator only), in one transaction: every value
    is read first, so one that is refused leaves all of them as they were. Returns
    :func:`show`."""
    actor.require_coordinator("修改共享设置")
    parsed: dict[str, Any] = {}
    for raw_key, text in changes.items():
        key = raw_key.strip()
        spec = KEYS.get(key)
        if spec is None:
            known = "、".join(KEYS)
            raise InvalidInput(f"没有名为“{raw_key}”的设置。可设置的项：{known}。")
        parsed[key] = spec.parse(text)
    with db.session() as session:
        for key, value in parsed.items():
            _store_value(session, actor, key, value)
    return show(db)


def _store_value(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Write one parsed setting, audited when it changed."""
    spec = KEYS[key]
    row = session.get(Setting, key, with_for_update=True)
    before = json.loads(row.value) if row is not None else _default_values()[key]
    if row is None:
        row = Setting(key=key, value="", updated_by=actor.name)
        session.add(row)
    row.value = json.dumps(value)
    row.updated_at = utcnow()
    row.updated_by = actor.name
    if before != value:
        audit.record(
            session,
            actor,
            "set_setting",
            "setting",
            None,
            field=key,
            before=spec.show(before),
            after=spec.show(value),
        )


def _check_status_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("状态名称不能为空。")
    if len(name) > MAX_STATUS_LENGTH:
        raise InvalidInput(f"状态名称“{name}”太长：最多 {MAX_STATUS_LENGTH} 个字。")
    if name in RESERVED_STATUS_NAMES:
        raise InvalidInput(f"“{name}”是程序表示“没有填报”的用语，不能用作状态名称。")
    return name


def _check_color(color: str) -> str:
    color = (color or "").strip()
    if color and not _COLOR.match(color):
        raise InvalidInput(f"颜色“{color}”格式不对：应写作 #RRGGBB，如 #2e7d32。")
    return color.lower()


def _check_description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput(f"状态说明太长：最多 {MAX_DESCRIPTION_LENGTH} 个字。")
    return text


def _statuses_for_update(session: Session) -> list[StatusDefinition]:
    """The vocabulary, locked for the rest of the transaction (a second coordinator
    changing it at the same time waits, then sees this change)."""
    return list(
        session.scalars(
            select(StatusDefinition)
            .order_by(StatusDefinition.position, StatusDefinition.id)
            .with_for_update()
        )
    )


def _find_status(statuses: Sequence[StatusDefinition], name: str) -> StatusDefinition:
    for status in statuses:
        if status.name == name.strip():
            return status
    listed = "、".join(s.name for s in statuses)
    raise NotFound(f"没有名为“{name}”的状态。现有状态：{listed}。")


def _renumber(statuses: Sequence[StatusDefinition]) -> None:
    for position, status in enumerate(statuses, 1):
        status.position = position


def _reports_with(session: Session, name: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ProgressReport).where(ProgressReport.status == name)
        )
        or 0
    )


def _status_text(status: StatusDefinition) -> str:
    parts = [status.name]
    if status.description:
        parts.append(status.description)
    if status.color:
        parts.append(status.color)
    parts.append(f"推进程度 {status.rank}")
    return "｜".join(parts)


def _check_rank(rank: int) -> int:
    if isinstance(rank, bool) or not isinstance(rank, int) or abs(rank) > MAX_RANK:
        raise InvalidInput(f"推进程度（rank）“{rank}”应为 -{MAX_RANK} 到 {MAX_RANK} 之间的整数。")
    return rank


def _default_rank(statuses: Sequence[StatusDefinition]) -> int:
    """A new status without a rank is the least advanced: with several leads it shows
    whenever one of them reports it (never hidden behind a further-along status), and it
    cannot take the place of the status that means done."""
    return min((s.rank for s in statuses), default=0) - 1


def _require_one_top(statuses: Sequence[StatusDefinition], doing: str) -> None:
    """Refuse a change that leaves several statuses at the top rank (which one means done?)."""
    top = top_statuses(statuses)
    if len(top) > 1:
        listed = "、".join(f"“{name}”" for name in top)
        raise InvalidInput(
            f"{doing}后，{listed}的推进程度（rank）都是最高的 {max(s.rank for s in statuses)}；"
            "只能有一个状态的推进程度最高（它表示已完成）。请给其中一个另定推进程度。",
            hint="tracker settings status edit NAME --rank N",
        )


def add_status(
    db: Database,
    actor: Actor,
    name: str,
    *,
    description: str = "",
    color: str = "",
    position: int | None = None,
    rank: int | None = None,
) -> dict[str, Any]:
    """Add a status to the vocabulary (at ``position``, 1-based; default: last) with
    ``rank`` (how far along; default: below every other status). A rank above every other
    makes the new status the one that means done; a tie at the top is refused."""
    actor.require_coordinator("修改状态词表")
    name = _check_status_name(name)
    description, color = _check_description(description), _check_color(color)
    with db.session() as session:
        statuses = _statuses_for_update(session)
        if any(s.name == name for s in statuses):
            raise InvalidInput(f"状态“{name}”已存在。")
        new_rank = _default_rank(statuses) if rank is None else _check_rank(rank)
        new = StatusDefinition(
            name=name, description=description, color=color, position=0, rank=new_rank
        )
        at = len(statuses) if position is None else max(0, min(position - 1, len(statuses)))
        statuses.insert(at, new)
        _require_one_top(statuses, f"添加“{name}”")
        session.add(new)
        _renumber(statuses)
        session.flush()
        audit.record(session, actor, "add_status", "status", new.id, after=_status_text(new))
    return show(db)


def edit_status(
    db: Database,
    actor: Actor,
    name: str,
    *,
    description: str | None = None,
    color: str | None = None,
    position: int | None = None,
    rank: int | None = None,
) -> dict[str, Any]:
    """Change a status's description, colour, place in the order or rank (left None:
    kept). A change that leaves two statuses at the top rank is refused."""
    actor.require_coordinator("修改状态词表")
    with db.session() as session:
        statuses = _statuses_for_update(session)
        status = _find_status(statuses, name)
        before = _status_text(status)
        if description is not None:
            status.description = _check_description(description)
        if color is not None:
            status.color = _check_color(color)
        if rank is not None:
            status.rank = _check_rank(rank)
            _require_one_top(statuses, f"修改“{status.name}”的推进程度")
        old_position = statuses.index(status) + 1
        if position is not None and position != old_position:
            statuses.remove(status)
            statuses.insert(max(0, min(position - 1, len(statuses))), status)
            _renumber(statuses)
            audit.record(
                session,
                actor,
                "edit_status",
                "status",
                status.id,
                field="position",
                before=old_position,
                after=statuses.index(status) + 1,
            )
        if _status_text(status) != before:
            audit.record(
                session,
                actor,
                "edit_status",
                "status",
                status.id,
                before=before,
                after=_status_text(status),
            )
    return show(db)


def _move_reports(session: Session, actor: Actor, old: str, new: str, action: str) -> int:
    """Give every report with status ``old`` the status ``new``: one audit record per
    report, its version raised (an editor holding the old version gets a conflict)."""
    at = utcnow()
    affected = session.execute(
        select(ProgressReport.id, ProgressReport.task_id).where(ProgressReport.status == old)
    ).all()
    if not affected:
        return 0
    session.execute(
        insert(AuditRecord),
        [
            {
                "at": at,
                "user_name": actor.name,
                "action": action,
                "object_type": "report",
                "object_id": report_id,
                "task_id": task_id,
                "field": "status",
                "before": old,
                "after": new,
            }
            for report_id, task_id in affected
        ],
    )
    session.execute(
        update(ProgressReport)
        .where(ProgressReport.status == old)
        .values(
            status=new,
            version=ProgressReport.version + 1,
            updated_at=at,
            updated_by=actor.name,
        )
        .execution_options(synchronize_session=False)
    )
    return len(affected)


def _locked_reports_with(session: Session, name: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ProgressReport)
            .join(Period, Period.id == ProgressReport.period_id)
            .where(ProgressReport.status == name, Period.locked.is_(True))
        )
        or 0
    )


def rename_status(
    db: Database, actor: Actor, old: str, new: str, *, update_reports: bool = False
) -> dict[str, Any]:
    """Rename a status. When reports use it, the rename is refused unless
    ``update_reports``: then those reports get the new name (each audited)."""
    actor.require_coordinator("修改状态词表")
    new = _check_status_name(new)
    with db.session() as session:
        statuses = _statuses_for_update(session)
        status = _find_status(statuses, old)
        if status.name == new:
            return show(db)
        if any(s.name == new for s in statuses):
            raise InvalidInput(f"状态“{new}”已存在；如要把两个状态合并，请删除其一并指定替代状态。")
        used = _reports_with(session, status.name)
        if used and not update_reports:
            raise InvalidInput(
                f"状态“{status.name}”已有 {used} 份填报使用；重命名会同时修改这些填报的状态。",
                hint="确认请加 --update-reports。",
            )
        old_name = status.name
        status.name = new
        session.flush()
        moved = _move_reports(session, actor, old_name, new, "rename_status")
        audit.record(
            session,
            actor,
            "rename_status",
            "status",
            status.id,
            field="name",
            before=old_name,
            after=new if not moved else f"{new}（{moved} 份填报随之修改）",
        )
    return show(db)


def remove_status(
    db: Database, actor: Actor, name: str, *, replace_with: str | None = None
) -> dict[str, Any]:
    """Remove a status. When reports use it, ``replace_with`` names the status they get
    instead (each audited); without it the removal is refused. The last status stays."""
    actor.require_coordinator("修改状态词表")
    with db.session() as session:
        statuses = _statuses_for_update(session)
        status = _find_status(statuses, name)
        if len(statuses) == 1:
            raise InvalidInput(f"“{status.name}”是唯一的状态，不能删除。")
        replacement = _find_status(statuses, replace_with) if replace_with else None
        if replacement is status:
            raise InvalidInput("替代状态不能是要删除的状态本身。")
        used = _reports_with(session, status.name)
        if used and replacement is None:
            raise InvalidInput(
                f"状态“{status.name}”已有 {used} 份填报使用，不能直接删除；"
                "请指定这些填报改用的状态，或改为重命名。",
                hint="用 --replace 指定替代状态。",
            )
        locked = _locked_reports_with(session, status.name) if used else 0
        if locked:
            # Replacing changes what a report said; a locked period's reports are final.
            raise InvalidInput(
                f"状态“{status.name}”有 {locked} 份填报属于已锁定的报告期，不能改为其他状态；"
                "可以重命名这个状态（填报的含义不变）。"
            )
        _require_one_top([s for s in statuses if s is not status], f"删除“{status.name}”")
        moved = 0
        if replacement is not None:
            moved = _move_reports(session, actor, status.name, replacement.name, "remove_status")
        statuses.remove(status)
        _renumber(statuses)
        note = f"（{moved} 份填报改为“{replacement.name}”）" if replacement and moved else ""
        audit.record(
            session,
            actor,
            "remove_status",
            "status",
            status.id,
            before=_status_text(status),
            after=f"已删除{note}",
        )
        session.delete(status)
    return show(db)
