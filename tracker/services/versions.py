"""Optimistic locking for the objects that carry a ``version`` (pilots, projects,
experience records, pilot reports and evaluations), as :mod:`tracker.services.reports`
does for progress reports: a write names the version its caller read; when the stored
version differs, the write is refused with who changed the object and when, and nothing
is saved. The ORM raises the version on every UPDATE (``version_id_col``), so a writer
that lost a race in between gets no row and is refused too (:func:`flush_or_conflict`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.errors import ConflictError
from tracker.services.access import format_time


def check_version(
    what: str,
    current: int,
    expect: int | None,
    updated_by: str | None,
    updated_at: dt.datetime | None,
) -> None:
    """Refuse a write based on version ``expect`` of an object now at ``current``; None
    writes over whatever is stored (the command line without ``--expect-version``)."""
    if expect is None or expect == current:
        return
    raise ConflictError(
        f"{what}已被“{updated_by or '他人'}”于 {format_time(updated_at) or '刚才'} 修改"
        f"（当前版本 {current}，您读取的是版本 {expect}）。"
        "为避免覆盖他人的修改，本次未保存；请重新查看后再修改。"
    )


def flush_or_conflict(session: Session, what: str) -> None:
    """Write now, turning a lost race into a :class:`ConflictError` (nothing is saved)."""
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"{what}刚被他人修改，本次未保存；请重新查看后再修改。") from None
    except IntegrityError:
        raise ConflictError(f"{what}刚被他人创建或修改，本次未保存；请重新查看后再修改。") from None
