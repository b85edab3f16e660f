"""The database layer: open (and upgrade) a database, hand out transactional sessions.

The schema is made only by the Alembic migrations in ``db/``. Opening an older database
copies it to a backup and upgrades it; a database written by a newer program is refused.
SQLite runs in WAL mode with a busy timeout so that two processes can share one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tracker import config
from tracker.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _alembic_config() -> Config:
    # The migrations run on the connection handed over in ``attributes`` (db/env.py), so
    # the URL is never put into the config: Alembic's ConfigParser would read a ``%`` in a
    # password or a path (``p%40ss``, ``100%``) as interpolation and fail.
    cfg = Config()
    cfg.set_main_option("script_location", str(config.MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration revision this program knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def known_revisions() -> set[str]:
    """Every migration revision this program knows (a database at another one is newer)."""
    return _known_revisions()


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # A write transaction takes the write lock at its start, so two writers queue on the
    # busy timeout instead of failing half-way; readers use a deferred BEGIN.
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    """The migration revision stored in the database, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy a SQLite database file (consistently, through the backup API) before an upgrade."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.backup-{revision or 'empty'}-{stamp}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(engine: Engine) -> Path | None:
    """Bring the schema to the newest revision; returns the backup file made, if any.

    Refuses a database whose revision this program does not know (made by a newer version).
    """
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"无法打开数据库 {engine.url!r}：{exc.orig}") from exc
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in _known_revisions():
        raise DatabaseError(
            f"数据库 {engine.url.render_as_string()} 由较新版本的程序创建（架构版本 {current}），"
            "本程序无法打开。请升级本程序后再试。"
        )
    backup: Path | None = None
    db_file = engine.url.database
    if (
        current is not None
        and engine.url.get_backend_name() == "sqlite"
        and db_file
        and db_file != ":memory:"
    ):
        backup = backup_sqlite(Path(db_file), current)
    run_migrations(engine, "head")
    return backup


def run_migrations(engine: Engine, target: str, *, downgrade: bool = False) -> None:
    """Upgrade (or downgrade) the schema to ``target`` in one transaction.

    On SQLite the foreign keys are not enforced while the migrations run: a migration that
    rebuilds a table (SQLite's only way to change a constraint) would otherwise cascade the
    drop of the old table to every row that refers to it. They are checked as a whole
    before the commit instead (``PRAGMA foreign_key_check``); a violation rolls back.
    """
    cfg = _alembic_config()
    sqlite = engine.url.get_backend_name() == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Outside a transaction (the pragma is ignored inside one).
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                if downgrade:
                    command.downgrade(cfg, target)
                else:
                    command.upgrade(cfg, target)
                if sqlite:
                    _check_foreign_keys(conn)
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _check_foreign_keys(conn: Any) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        shown = "、".join(f"{row[0]}（第 {row[1]} 行）" for row in broken[:5])
        raise DatabaseError(f"数据库升级后外键不一致：{shown}；已撤销本次升级。")


class Database:
    """An opened, up-to-date database and its session factory.

    Services take a ``Database`` and use :meth:`session` for exactly one transaction per
    user action: commit on success, roll back on any exception.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )
        self.backup_made: Path | None = None

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Database:
        """Open the database at ``url`` (see :func:`tracker.config.resolve_db_url`).

        Every failure to reach or upgrade it (bad URL, server down, unwritable file, a
        database made by a newer program) is a :class:`DatabaseError` naming the database.
        """
        resolved = config.resolve_db_url(url)
        try:
            engine = create_db_engine(resolved)
            db = cls(engine)
            if upgrade:
                db.backup_made = migrate(engine)
                # The shared settings live in the database; a new one gets the defaults.
                from tracker.services import settings  # the services import this module

                settings.seed_defaults(db)
            else:
                current = current_revision(engine)
                if current != head_revision():
                    raise DatabaseError(f"数据库架构版本为 {current}，需要 {head_revision()}。")
        except DatabaseError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            shown = make_url(resolved).render_as_string(hide_password=True)
            problem = getattr(exc, "orig", None) or exc
            raise DatabaseError(f"无法打开数据库“{shown}”：{problem}") from exc
        return db

    @property
    def is_sqlite(self) -> bool:
        """Whether this is an embedded SQLite database."""
        return self.engine.url.get_backend_name() == "sqlite"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        with self._read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
