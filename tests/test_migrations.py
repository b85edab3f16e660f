"""Migrations: an old database keeps its data and becomes usable, a newer one is refused, and
the ORM model matches the newest migration."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from tracker import config
from tracker.db import Database, create_db_engine, head_revision, migrate
from tracker.errors import DatabaseError
from tracker.models import Base
from tracker.services import periods
from tracker.services.actor import SYSTEM


def _alembic(engine: Engine, target: str, *, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(config.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        if down:
            command.downgrade(cfg, target)
        else:
            command.upgrade(cfg, target)


def _fill_revision_0001(engine: Engine) -> None:
    """One plan (imported in 2024) with an area, two units, a task and a target, as the
    program of revision 0001 would have written them."""
    statements = [
        "INSERT INTO plans (id, title, kind, source_name, source_format, content_hash,"
        " imported_at, imported_by, version) VALUES (1, '某市碳达峰实施方案', 'city', 'a.txt',"
        " 'txt', 'abc', '2024-03-01 08:00:00', '管理员', 1)",
        "INSERT INTO areas (id, plan_id, code, title, position)"
        " VALUES (1, 1, '一', '能源绿色低碳转型行动', 1)",
        "INSERT INTO units (id, name, created_at) VALUES (1, '市发改委', '2024-03-01 08:00:00'),"
        " (2, '市工信局', '2024-03-01 08:00:00')",
        "INSERT INTO unit_aliases (id, alias, unit_id) VALUES (1, '市发展改革委', 1)",
        "INSERT INTO tasks (id, plan_id, area_id, code, measure_title, content, source_place,"
        " position, version) VALUES (1, 1, 1, '1', '大力发展新能源', '……', '第3行', 1, 1)",
        "INSERT INTO task_units (task_id, unit_id, role, position)"
        " VALUES (1, 1, 'lead', 1), (1, 2, 'cooperating', 2)",
        "INSERT INTO targets (id, task_id, year, indicator, verb, comparator, value,"
        " measure_unit, text, position) VALUES (1, 1, 2025, '新能源装机规模', '达到', '>=',"
        " 500, '万千瓦', '达到500万千瓦', 1)",
        "INSERT INTO audit_log (at, user_name, action, object_type, object_id)"
        " VALUES ('2024-03-01 08:00:00', '管理员', 'import', 'plan', 1)",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _check_upgraded(db: Database) -> None:
    with db.reader() as session:

        def count(table: str) -> int | None:
            return session.execute(text(f"SELECT count(*) FROM {table}")).scalar()

        assert [
            count(t)
            for t in (
                "plans",
                "areas",
                "units",
                "unit_aliases",
                "tasks",
                "task_units",
                "targets",
                "audit_log",
            )
        ] == [1, 1, 2, 1, 1, 2, 1, 1]
        plan = session.execute(
            text("SELECT cadence, start_year, horizon_year FROM plans WHERE id = 1")
        ).one()
        assert tuple(plan) == ("half_yearly", 2024, 2030)
        periods = session.execute(
            text(
                "SELECT code, name, due_date, locked FROM periods WHERE plan_id = 1"
                " ORDER BY year, half"
            )
        ).all()
    assert len(periods) == 14  # 2024H1 … 2030H2
    code, name, due, locked = periods[0]
    assert (code, name, str(due), bool(locked)) == ("2024H1", "2024年上半年", "2024-07-10", False)
    code, name, due, _ = periods[-1]
    assert (code, name, str(due)) == ("2030H2", "2030年全年", "2031-01-10")


def test_sqlite_database_at_0001_upgrades_with_its_data_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    _alembic(engine, "0001")
    _fill_revision_0001(engine)
    engine.dispose()

    db = Database.open(f"sqlite:///{path}")
    try:
        assert db.backup_made is not None and db.backup_made.exists()
        _check_upgraded(db)
        # The upgraded database is usable: its periods are there, with the task's two units.
        listed = periods.list_periods(db, SYSTEM)
        assert listed["periods"][0]["expected_reports"] == 2
    finally:
        db.close()
    backup = sqlite3.connect(str(db.backup_made))
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert backup.execute("SELECT count(*) FROM tasks").fetchone() == (1,)
    finally:
        backup.close()


def test_upgrade_from_0001_keeps_data_on_every_backend(db: Database) -> None:
    """Down to 0001, fill, and up again (on SQLite and PostgreSQL alike)."""
    _alembic(db.engine, "0001", down=True)
    _fill_revision_0001(db.engine)
    migrate(db.engine)
    _check_upgraded(db)


def test_downgrade_to_0001_keeps_the_plans(db: Database) -> None:
    _alembic(db.engine, "0001", down=True)
    _fill_revision_0001(db.engine)
    _alembic(db.engine, "head")
    _alembic(db.engine, "0001", down=True)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tasks")).scalar() == 1
        # The audit log is writable again at 0001 (no triggers left behind).
        conn.execute(text("DELETE FROM audit_log"))
        conn.rollback()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    Database.open(url).close()
    engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(
        DatabaseError, match=r"由较新版本的程序创建（架构版本 9999_future）.*请升级本程序"
    ):
        Database.open(url)


def test_model_matches_the_newest_migration(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []


def test_audit_log_triggers_exist_after_migration(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, user_name, action, object_type)"
                " VALUES (:at, 'x', 'test', 'none')"
            ),
            {"at": dt.datetime.now(dt.UTC)},
        )
    for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))


def test_committed_0001_database_file_opens_in_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database file written by revision 0001 (kept in tests/fixtures, never rewritten):
    the CLI upgrades a copy, says where the backup is, and lists the old task."""
    import json
    import shutil

    from tracker.cli import main

    copy = tmp_path / "tracker.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "tracker-0001.sqlite3", copy)
    assert main(["--db", str(copy), "tasks", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "数据库已升级" in err
    assert "backup-0001" in err
    tasks = json.loads(out)["tasks"]
    assert [(t["title"], t["lead_units"]) for t in tasks] == [("大力发展新能源", ["市发改委"])]
    assert main(["--db", str(copy), "tasks", "--json"]) == 0
    assert "数据库已升级" not in capsys.readouterr().err  # upgraded once only


def _with_percent_sign(db_url: str, tmp_path: Path) -> str:
    """``db_url`` with a ``%`` in it: a SQLite file in a folder named ``100%``, or a
    PostgreSQL URL whose query carries an (escaped) ``%``, as a password ``p%ss`` would."""
    if db_url.startswith("sqlite"):
        folder = tmp_path / "100%"
        folder.mkdir()
        return f"sqlite:///{folder / 'tracker.sqlite3'}"
    engine = create_db_engine(db_url)  # the test database is made at head: empty it first
    _alembic(engine, "base", down=True)
    engine.dispose()
    return db_url + "?application_name=tracker%25test"


def test_database_url_with_a_percent_sign_is_migrated(db_url: str, tmp_path: Path) -> None:
    # Alembic's config is a ConfigParser: a URL put into it with a "%" failed to migrate.
    url = _with_percent_sign(db_url, tmp_path)
    assert "%" in url
    db = Database.open(url)
    try:
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        db.close()


def test_upgrade_from_0002_keeps_accounts_active_and_stores_the_default_settings(
    db_url: str, db: Database
) -> None:
    from tracker.services import settings, users

    _alembic(db.engine, "0002", down=True)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, created_at)"
                " VALUES ('管理员', 'coordinator', :hash, :at)"
            ),
            {"hash": users.hash_password("old-password-1"), "at": dt.datetime.now(dt.UTC)},
        )
    Database.open(db_url).close()  # upgrades and stores the defaults
    assert users.authenticate(db, "管理员", "old-password-1").is_coordinator
    assert settings.get(db) == settings.defaults()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM settings")).scalar() == len(settings.KEYS)
