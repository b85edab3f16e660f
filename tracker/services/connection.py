"""Trying a database before the user switches to it (the preferences dialog).

:func:`probe_database` connects, reads the schema revision and says in Chinese what opening
it would do — create it, use it, or upgrade it (with a backup for a file) — without
changing anything; a database that cannot be reached or was made by a newer program is a
:class:`~tracker.errors.DatabaseError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from tracker import config
from tracker.db import current_revision, head_revision, known_revisions
from tracker.errors import DatabaseError

CONNECT_TIMEOUT_S = 5

STATE_NEW = "new"  # nothing there yet: the program creates the schema
STATE_CURRENT = "current"  # made by this version
STATE_OLDER = "older"  # made by an older version: upgraded when opened


@dataclass(frozen=True)
class DatabaseProbe:
    """What :func:`probe_database` found."""

    url: str  # the SQLAlchemy URL (a path becomes sqlite:///…)
    shown: str  # for people: the file, or the URL without its password
    state: str
    message: str


def _shown(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _probe_sqlite_file(path: Path, url: str) -> DatabaseProbe | None:
    """A file that does not exist yet: whether it can be created there."""
    if path.exists():
        if not path.is_file():
            raise DatabaseError(f"“{path}”不是文件，不能作为数据库。")
        return None
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK):
        raise DatabaseError(f"无法在“{folder}”中创建数据库文件：没有写入权限。")
    return DatabaseProbe(url, str(path), STATE_NEW, f"将新建数据库文件“{path}”。")


def probe_database(given: str) -> DatabaseProbe:
    """Connect to ``given`` (a SQLAlchemy URL or a SQLite file path) and say what opening it
    would do; nothing is created or changed."""
    text = (given or "").strip()
    if not text:
        raise DatabaseError("请填写数据库文件路径或服务器地址。")
    url = config.resolve_db_url(text)
    try:
        parsed = make_url(url)
        shown = _shown(url)
    except ArgumentError as exc:
        raise DatabaseError(f"数据库地址“{text}”无效：{exc}") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        found = _probe_sqlite_file(Path(parsed.database), url)
        if found is not None:
            return found
    args = {} if parsed.get_backend_name() == "sqlite" else {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = create_engine(url, connect_args=args)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"数据库地址“{shown}”无效：{exc}") from exc
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        problem = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"无法连接数据库“{shown}”：{problem}") from exc
    finally:
        engine.dispose()
    return _judge(url, shown, revision)


def _judge(url: str, shown: str, revision: str | None) -> DatabaseProbe:
    if revision is None:
        return DatabaseProbe(
            url, shown, STATE_NEW, f"连接成功。“{shown}”是空数据库，将建立数据表。"
        )
    if revision == head_revision():
        return DatabaseProbe(url, shown, STATE_CURRENT, f"连接成功。“{shown}”可以直接使用。")
    if revision not in known_revisions():
        raise DatabaseError(
            f"数据库“{shown}”由较新版本的程序创建（架构版本 {revision}），本程序无法打开。"
        )
    backup = "（升级前会先备份该文件）" if make_url(url).get_backend_name() == "sqlite" else ""
    return DatabaseProbe(
        url, shown, STATE_OLDER, f"连接成功。“{shown}”由较早版本创建，打开时将自动升级{backup}。"
    )
