"""Experience records of the pilots (经验做法 / 典型案例).

A record has a title, a summary, its text, the pilot, the period it belongs to, tags and a
kind (经验做法 or 典型案例). The pilot body (or a coordinator) writes it and chooses which
go into its half-year report (``chosen``); the regional DRC — a coordinator — marks the
ones to spread (推广, ``promoted``), as the scheme asks it to. Every write is audited and
versioned like the other pilot objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import NotFound
from tracker.models import Experience, Pilot, utcnow
from tracker.services import audit, inputs
from tracker.services.access import format_time
from tracker.services.actor import Actor
from tracker.services.pilot_access import (
    find_pilot,
    pilot_scope,
    require_keeper,
    require_region_visible,
    require_visible,
)
from tracker.services.pilot_terms import terms
from tracker.services.versions import check_version, flush_or_conflict

FIELDS = {
    "title": ("标题", 300),
    "summary": ("摘要", 2000),
    "body": ("正文", inputs.MAX_TEXT),
}


def experience_dict(record: Experience, pilot_name: str) -> dict[str, Any]:
    """A record as plain data."""
    return {
        "id": record.id,
        "pilot_id": record.pilot_id,
        "pilot": pilot_name,
        "kind": record.kind,
        "kind_label": terms().experience_kinds.name(record.kind),
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "period": record.period_code,
        "tags": record.tags.split("、") if record.tags else [],
        "chosen": record.chosen,
        "promoted": record.promoted,
        "promoted_at": format_time(record.promoted_at),
        "promoted_by": record.promoted_by,
        "created_at": format_time(record.created_at),
        "created_by": record.created_by,
        "updated_at": format_time(record.updated_at),
        "updated_by": record.updated_by,
        "version": record.version,
    }


def _describe(record: Experience) -> str:
    return f"经验做法 {record.id}（{record.title}）"


def _find(session: Session, record_id: int) -> Experience:
    found = session.scalar(select(Experience).where(Experience.id == record_id).with_for_update())
    if found is None:
        raise NotFound(
            f"没有编号为 {record_id} 的经验做法。", hint="可用 tracker experience list 查看。"
        )
    return found


def add_experience(
    db: Database,
    actor: Actor,
    pilot: int | str,
    *,
    title: str,
    summary: str = "",
    body: str = "",
    period: str | None = None,
    tags: str | Iterable[str] | None = None,
    kind: str | None = None,
    chosen: bool = False,
) -> dict[str, Any]:
    """Add an experience record to a pilot (its body or a coordinator); returns it."""
    words = terms()
    values = {
        "title": inputs.text(title, "标题", limit=300, required=True),
        "summary": inputs.text(summary, "摘要", limit=2000),
        "body": inputs.text(body, "正文"),
    }
    code = inputs.period(period) if period else None
    kind_key = words.experience_kinds.key_of(kind) if kind else words.experience_kinds.keys[0]
    with db.session() as session:
        found = find_pilot(session, pilot)
        require_keeper(session, actor, found, "添加经验做法")
        record = Experience(
            pilot_id=found.id,
            kind=kind_key,
            period_code=code,
            tags=inputs.tags(tags),
            chosen=chosen,
            promoted=False,
            created_by=actor.name,
            updated_by=actor.name,
            **values,
        )
        session.add(record)
        flush_or_conflict(session, f"经验做法“{values['title']}”")
        audit.record(
            session,
            actor,
            "add_experience",
            "experience",
            record.id,
            after=f"{words.experience_kinds.name(kind_key)}“{values['title']}”（{found.name}）",
        )
        return experience_dict(record, found.name)


def update_experience(
    db: Database,
    actor: Actor,
    record_id: int,
    *,
    expect_version: int | None,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    period: str | None = None,
    tags: str | Iterable[str] | None = None,
    kind: str | None = None,
    chosen: bool | None = None,
) -> dict[str, Any]:
    """Change a record (its pilot's body or a coordinator): arguments left None are
    unchanged; ``period=""`` clears the period, ``chosen`` puts it into the pilot's report
    or takes it out. Returns the record."""
    given: dict[str, Any] = {}
    for key, value in (("title", title), ("summary", summary), ("body", body)):
        if value is not None:
            label, limit = FIELDS[key]
            given[key] = inputs.text(value, label, limit=limit, required=key == "title")
    if period is not None:
        given["period_code"] = inputs.period(period) if period.strip() else None
    if tags is not None:
        given["tags"] = inputs.tags(tags)
    if kind is not None:
        given["kind"] = terms().experience_kinds.key_of(kind)
    if chosen is not None:
        given["chosen"] = chosen
    with db.session() as session:
        session.autoflush = False
        record = _find(session, record_id)
        pilot = session.get(Pilot, record.pilot_id)
        assert pilot is not None
        require_keeper(session, actor, pilot, "修改经验做法")
        what = _describe(record)
        check_version(what, record.version, expect_version, record.updated_by, record.updated_at)
        changes = [(k, getattr(record, k), v) for k, v in given.items() if getattr(record, k) != v]
        for key, _before, value in changes:
            setattr(record, key, value)
        if changes:
            record.updated_at = utcnow()
            record.updated_by = actor.name
            flush_or_conflict(session, what)
        for key, before, value in changes:
            audit.record(
                session,
                actor,
                "edit_experience",
                "experience",
                record.id,
                field=key,
                before=before,
                after=value,
            )
        return experience_dict(record, pilot.name)


def promote_experience(
    db: Database, actor: Actor, record_id: int, *, promoted: bool = True, expect_version: int | None
) -> dict[str, Any]:
    """Mark a record for 推广 (or take the mark off): the regional DRC's call, so a
    coordinator only. Returns the record."""
    actor.require_coordinator("推广经验做法")
    with db.session() as session:
        session.autoflush = False
        record = _find(session, record_id)
        pilot = session.get(Pilot, record.pilot_id)
        assert pilot is not None
        what = _describe(record)
        check_version(what, record.version, expect_version, record.updated_by, record.updated_at)
        if record.promoted != promoted:
            record.promoted = promoted
            record.promoted_at = utcnow() if promoted else None
            record.promoted_by = actor.name if promoted else None
            record.updated_at = utcnow()
            record.updated_by = actor.name
            flush_or_conflict(session, what)
            audit.record(
                session,
                actor,
                "promote_experience",
                "experience",
                record.id,
                field="promoted",
                before="否" if promoted else "是",
                after="是" if promoted else "否",
            )
        return experience_dict(record, pilot.name)


def list_experience(
    db: Database,
    actor: Actor,
    *,
    pilot: int | str | None = None,
    period: str | None = None,
    chosen: bool | None = None,
    promoted: bool | None = None,
    tag: str | None = None,
) -> list[dict[str, Any]]:
    """The records ``actor`` may see, filtered by pilot, period, chosen, promoted or tag;
    by pilot, newest first within a pilot."""
    require_region_visible(actor, "查看经验做法")
    code = inputs.period(period) if period else None
    with db.reader() as session:
        query = (
            select(Experience, Pilot.name)
            .join(Pilot, Pilot.id == Experience.pilot_id)
            .order_by(Experience.pilot_id, Experience.id.desc())
        )
        scope = pilot_scope(actor)
        if scope is not None:
            query = query.where(scope)
        if pilot is not None:
            found = find_pilot(session, pilot)
            require_visible(session, actor, found)
            query = query.where(Experience.pilot_id == found.id)
        if code is not None:
            query = query.where(Experience.period_code == code)
        if chosen is not None:
            query = query.where(Experience.chosen.is_(chosen))
        if promoted is not None:
            query = query.where(Experience.promoted.is_(promoted))
        rows = [experience_dict(record, name) for record, name in session.execute(query).tuples()]
    if tag:
        rows = [r for r in rows if tag.strip() in r["tags"]]
    return rows
