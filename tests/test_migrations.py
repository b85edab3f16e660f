"""Migrations: an old database keeps its data and becomes usable, a newer one is refused, and
the ORM model matches the newest migration."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from tracker.db import Database, create_db_engine, head_revision, migrate, run_migrations
from tracker.errors import AuthenticationFailed, DatabaseError
from tracker.models import Base
from tracker.services import periods
from tracker.services.actor import SYSTEM


def _alembic(engine: Engine, target: str, *, down: bool = False) -> None:
    run_migrations(engine, target, downgrade=down)


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


def test_upgrade_gives_stored_targets_direction_and_baseline(db: Database) -> None:
    """Revision 0005 fills the new target columns from what the old rows say."""
    _alembic(db.engine, "0001", down=True)
    _fill_revision_0001(db.engine)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO targets (id, task_id, year, indicator, verb, comparator, value,"
                " measure_unit, text, position) VALUES (2, 1, 2025, '单位地区生产总值能耗', '下降',"
                " '=', 14, '%', '单位地区生产总值能耗较2020年下降14%', 2)"
            )
        )
    migrate(db.engine)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, direction, baseline_year FROM targets ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, "increase", None), (2, "decrease", 2020)]


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
    _check_model_matches(db)


def _check_model_matches(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []


def test_audit_log_triggers_exist_after_migration(db: Database) -> None:
    _check_audit_log_append_only(db)


def _check_audit_log_append_only(db: Database) -> None:
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


# ---------------------------------------------------------------- revision 0003: regions


def _fill_two_cities_0002(engine: Engine) -> None:
    """Two city plans of one province, as the program of revision 0002 stored them: units by
    name only, so 市发展改革委 (unit 1) and 市自然资源局 (unit 2) serve both cities; with
    reports (evidence, an actual value) on them, a reporter bound to unit 1 and an alias."""
    at = "'2024-05-01 08:00:00'"
    statements = [
        "INSERT INTO plans (id, title, kind, source_name, source_format, content_hash,"
        f" imported_at, imported_by, version, cadence, start_year, horizon_year) VALUES"
        f" (1, '石嘴山市碳达峰实施方案', 'city', 's.txt', 'txt', 'h1', {at}, '管理员', 1,"
        " 'half_yearly', 2024, 2030),"
        f" (2, '吴忠市碳达峰实施方案', 'city', 'w.txt', 'txt', 'h2', {at}, '管理员', 1,"
        " 'half_yearly', 2024, 2030)",
        "INSERT INTO areas (id, plan_id, code, title, position)"
        " VALUES (1, 1, '（一）', '能源', 1), (2, 2, '（一）', '能源', 1)",
        f"INSERT INTO units (id, name, created_at) VALUES (1, '市发展改革委', {at}),"
        f" (2, '市自然资源局', {at}), (3, '自治区发展改革委', {at}), (4, '市统计局', {at})",
        "INSERT INTO unit_aliases (id, alias, unit_id) VALUES (1, '市发改局', 1)",
        "INSERT INTO tasks (id, plan_id, area_id, code, measure_title, content, source_place,"
        " position, version) VALUES"
        " (1, 1, 1, '1', '发展光伏', '建设光伏。', '第1行', 1, 1),"
        " (2, 1, 1, '2', '统计核算', '核算碳排放。', '第2行', 2, 1),"
        " (3, 2, 2, '1', '建设储能', '建设储能。', '第1行', 1, 1),"
        " (4, 2, 2, '2', '国土绿化', '植树造林。', '第2行', 2, 1)",
        "INSERT INTO task_units (task_id, unit_id, role, position) VALUES"
        " (1, 1, 'lead', 1), (1, 2, 'cooperating', 2), (1, 3, 'cooperating', 3),"
        " (2, 4, 'lead', 1), (3, 1, 'lead', 1), (3, 3, 'cooperating', 2),"
        " (4, 2, 'lead', 1), (4, 1, 'cooperating', 2)",
        "INSERT INTO targets (id, task_id, year, indicator, verb, comparator, value,"
        " measure_unit, text, position) VALUES"
        " (1, 1, 2025, '光伏装机', '达到', '>=', 300, '万千瓦', '达到300万千瓦', 1)",
        "INSERT INTO periods (id, plan_id, code, year, half, name, due_date, locked) VALUES"
        " (1, 1, '2024H2', 2024, 2, '2024年全年', '2025-01-10', false),"
        " (2, 2, '2024H2', 2024, 2, '2024年全年', '2025-01-10', false)",
        f"INSERT INTO users (id, name, role, unit_id, password_hash, created_at) VALUES"
        f" (1, '发改填报员', 'reporter', 1, 'x', {at})",
    ]
    reports = [(1, 1, 1, 1), (2, 1, 2, 1), (3, 1, 3, 1), (4, 3, 1, 2), (5, 4, 2, 2), (6, 4, 1, 2)]
    statements.append(
        "INSERT INTO progress_reports (id, task_id, unit_id, period_id, state, status, progress,"
        " results, problems, next_steps, late, created_at, created_by, updated_at, updated_by,"
        " version) VALUES "
        + ", ".join(
            f"({rid}, {task}, {unit}, {period}, 'draft', '序时推进', '进展{rid}', '', '', '',"
            f" false, {at}, '甲', {at}, '甲', 1)"
            for rid, task, unit, period in reports
        )
    )
    statements += [
        "INSERT INTO report_actuals (id, report_id, target_id, value) VALUES (1, 1, 1, 120)",
        "INSERT INTO evidence (id, report_id, name, size, sha256, content, added_at, added_by)"
        f" VALUES (1, 4, '照片.jpg', 3, 'abc', :content, {at}, '甲')",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"content": b"jpg"} if ":content" in statement else {})
        if conn.dialect.name == "postgresql":  # rows given their ids: move the sequences on
            for table in (
                "plans",
                "areas",
                "units",
                "unit_aliases",
                "tasks",
                "periods",
                "users",
                "progress_reports",
                "targets",
                "report_actuals",
                "evidence",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


def _check_split(db: Database) -> None:
    with db.reader() as session:

        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in session.execute(text(sql))]

        regions = dict(rows("SELECT name, level FROM regions"))
        assert regions == {"宁夏回族自治区": "province", "石嘴山市": "city", "吴忠市": "city"}
        units = rows(
            "SELECT u.id, u.name, r.name FROM units u JOIN regions r ON r.id = u.region_id"
            " ORDER BY u.id"
        )
        assert units[:4] == [
            (1, "市发展改革委", "吴忠市"),  # two tasks there, one in 石嘴山市
            (2, "市自然资源局", "石嘴山市"),  # one each: the older plan's city
            (3, "自治区发展改革委", "宁夏回族自治区"),  # one unit for the province
            (4, "市统计局", "石嘴山市"),
        ]
        assert sorted(units[4:], key=lambda u: str(u[1])) == [
            (
                units[4][0] if units[4][1] == "市发展改革委" else units[5][0],
                "市发展改革委",
                "石嘴山市",
            ),
            (
                units[5][0] if units[5][1] == "市自然资源局" else units[4][0],
                "市自然资源局",
                "吴忠市",
            ),
        ]
        # every report kept, each now with the unit of its task's region
        reports = rows(
            "SELECT p.id, p.progress, ur.name, pr.name FROM progress_reports p"
            " JOIN units u ON u.id = p.unit_id JOIN regions ur ON ur.id = u.region_id"
            " JOIN tasks t ON t.id = p.task_id JOIN plans pl ON pl.id = t.plan_id"
            " JOIN regions pr ON pr.id = pl.region_id ORDER BY p.id"
        )
        assert [r[1] for r in reports] == [f"进展{i}" for i in range(1, 7)]
        assert all(
            unit_region in (plan_region, "宁夏回族自治区")
            for _, _, unit_region, plan_region in reports
        )
        assert rows("SELECT report_id, value FROM report_actuals") == [(1, 120.0)]
        assert rows("SELECT report_id, name FROM evidence") == [(4, "照片.jpg")]
        assert rows("SELECT unit_id FROM users WHERE name = '发改填报员'") == [(1,)]
        aliases = rows(
            "SELECT a.alias, u.name, r.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id"
            " JOIN regions r ON r.id = a.region_id ORDER BY r.name"
        )
        assert sorted(aliases) == sorted(
            [("市发改局", "市发展改革委", "吴忠市"), ("市发改局", "市发展改革委", "石嘴山市")]
        )
        splits = rows(
            "SELECT object_id, after FROM audit_log WHERE action = 'split_unit' ORDER BY object_id"
        )
        assert [s[0] for s in splits] == [1, 2]
        assert "发改填报员" in str(splits[0][1]) and "吴忠市·市发展改革委" in str(splits[0][1])
        sources = rows("SELECT plan_id, revision, content_hash FROM plan_sources ORDER BY plan_id")
        assert sources == [(1, 1, "h1"), (2, 1, "h2")]


def test_upgrade_from_0002_splits_shared_units_on_every_backend(db: Database) -> None:
    _alembic(db.engine, "0002", down=True)
    _fill_two_cities_0002(db.engine)
    migrate(db.engine)
    _check_split(db)
    # and back: one unit per name again, every report still there
    _alembic(db.engine, "0002", down=True)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM progress_reports")).scalar() == 6
        assert conn.execute(text("SELECT count(*) FROM unit_aliases")).scalar() == 1


def test_committed_0002_database_keeps_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database file written by revision 0002 with two cities' plans sharing units and
    reports on them (tests/fixtures/make_tracker_0002.py says how it was made)."""
    import json
    import shutil

    from tracker.cli import main

    source = Path(__file__).parent / "fixtures" / "tracker-0002.sqlite3"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as old:
        before = old.execute(
            "SELECT p.id, p.progress, u.name, t.plan_id FROM progress_reports p"
            " JOIN units u ON u.id = p.unit_id JOIN tasks t ON t.id = p.task_id ORDER BY p.id"
        ).fetchall()
    assert len(before) == 6 and len({name for _, _, name, _ in before}) == 2
    copy = tmp_path / "tracker.sqlite3"
    shutil.copyfile(source, copy)
    db = Database.open(f"sqlite:///{copy}")
    try:
        assert db.backup_made is not None and "backup-0002" in db.backup_made.name
        with db.reader() as session:
            after = session.execute(
                text(
                    "SELECT p.id, p.progress, u.name, t.plan_id, ur.name, pr.name"
                    " FROM progress_reports p JOIN units u ON u.id = p.unit_id"
                    " JOIN regions ur ON ur.id = u.region_id JOIN tasks t ON t.id = p.task_id"
                    " JOIN plans pl ON pl.id = t.plan_id JOIN regions pr ON pr.id = pl.region_id"
                    " ORDER BY p.id"
                )
            ).all()
    finally:
        db.close()
    assert [tuple(r[:4]) for r in after] == [tuple(r) for r in before]
    assert all(unit_region == plan_region for *_, unit_region, plan_region in after)
    # the two parts of 市发展改革委 are two units now, each with its city's reports
    monkeypatch.setenv("TRACKER_USER", "协调员")
    monkeypatch.setenv("TRACKER_PASSWORD", "old-password-1")
    assert main(["--db", str(copy), "unit", "list", "--json"]) == 0
    labels = {u["label"] for u in json.loads(capsys.readouterr().out)["units"]}
    assert {"石嘴山市·市发展改革委", "吴忠市·市发展改革委"} <= labels


# ---------------------------------------------------------------- revision 0004: settings, accounts


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


# ---------------------------------------------------------------- revision 0006: pilots


def test_upgrade_from_0005_keeps_accounts_their_state_and_the_audit_triggers(
    db: Database,
) -> None:
    """0006 adds the pilot bindings to ``users`` (on SQLite by copying the table, which
    0004 had changed): every account keeps its role, unit and disabled state, and the
    append-only audit log keeps its triggers."""
    from tracker.services import users

    _alembic(db.engine, "0005", down=True)
    hashed = users.hash_password("old-password-1")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO regions (id, name, level, created_at) VALUES (1, '某市', 'city', :at)"
            ),
            {"at": dt.datetime.now(dt.UTC)},
        )
        conn.execute(
            text(
                "INSERT INTO units (id, name, region_id, created_at) VALUES (1, '市发改委', 1, :at)"
            ),
            {"at": dt.datetime.now(dt.UTC)},
        )
        conn.execute(
            text(
                "INSERT INTO users (name, role, unit_id, password_hash, created_at, disabled)"
                " VALUES ('管理员', 'coordinator', NULL, :hash, :at, :off),"
                " ('填报员甲', 'reporter', 1, :hash, :at, :on)"
            ),
            {"hash": hashed, "at": dt.datetime.now(dt.UTC), "off": False, "on": True},
        )
    migrate(db.engine)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT name, role, unit_id, disabled, pilot_id, region_id FROM users ORDER BY name"
            )
        ).all()
    assert [(n, r, u, bool(d), p, g) for n, r, u, d, p, g in rows] == [
        ("填报员甲", "reporter", 1, True, None, None),
        ("管理员", "coordinator", None, False, None, None),
    ]
    assert users.authenticate(db, "管理员", "old-password-1").is_coordinator
    with pytest.raises(AuthenticationFailed, match="已停用"):
        users.authenticate(db, "填报员甲", "old-password-1")
    _check_audit_log_append_only(db)
    _check_model_matches(db)
