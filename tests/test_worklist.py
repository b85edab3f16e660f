"""What the desktop reads for a period (task states, review queue, history), the review of
several reports at once, and trying a database before switching to it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.db import Database, create_db_engine
from tracker.errors import ConflictError, DatabaseError, InvalidInput, PermissionDenied
from tracker.services import connection, periods, reports, worklist
from tracker.services.reports import ReportKey

from factories import HOUSING, LAND, MIIT, NDRC, World, make_world, use_fast_hashing

H1 = "2025H1"
BEFORE_DUE = dt.date(2025, 7, 1)  # H1 is due 2025-07-10


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def _submit(world: World, actor_name: str, task_id: int, status: str = "序时推进") -> None:
    actor = getattr(world, actor_name)
    reports.save_report(
        world.db, actor, task_id, H1, status=status, progress="进展", expect_version=None
    )
    reports.submit_report(world.db, actor, task_id, H1, today=BEFORE_DUE, expect_version=None)


# ---------------------------------------------------------------- the current period


def _period(code: str, due: str, locked: bool = False) -> dict[str, object]:
    return {"code": code, "due_date": due, "locked": locked}


PERIODS = [
    _period("2025H1", "2025-07-10"),
    _period("2025H2", "2026-01-10"),
    _period("2026H1", "2026-07-10"),
]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 3, 1), "2025H1"),  # being reported
        (dt.date(2025, 7, 10), "2025H1"),  # due today
        (dt.date(2025, 8, 5), "2025H1"),  # overdue, still chased within the month
        (dt.date(2025, 8, 20), "2025H2"),  # long overdue: the next one is current
        (dt.date(2027, 1, 1), "2026H1"),  # after the last: the last open one
    ],
)
def test_current_period_by_date(today: dt.date, expected: str) -> None:
    found = worklist.choose_current_period(PERIODS, today)
    assert found is not None and found["code"] == expected


def test_current_period_skips_locked_periods() -> None:
    locked = [_period("2025H1", "2025-07-10", locked=True), *PERIODS[1:]]
    found = worklist.choose_current_period(locked, dt.date(2025, 3, 1))
    assert found is not None and found["code"] == "2025H2"
    all_locked = [{**p, "locked": True} for p in PERIODS]
    found = worklist.choose_current_period(all_locked, dt.date(2025, 3, 1))
    assert found is not None and found["code"] == "2026H1"
    assert worklist.choose_current_period([], dt.date(2025, 3, 1)) is None


def test_plan_periods_lists_the_choices(world: World) -> None:
    periods.lock_period(world.db, world.coordinator, world.plan.plan_id, H1)
    found = worklist.plan_periods(world.db, world.ndrc, world.plan.plan_id)
    assert [(p["code"], p["name"], p["locked"]) for p in found][:2] == [
        ("2025H1", "2025年上半年", True),
        ("2025H2", "2025年全年", False),
    ]
    assert found[0]["due_date"] == "2025-07-10" and len(found) == 4


# ---------------------------------------------------------------- task states


def test_period_tasks_for_the_coordinator(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1, "已完成")  # lead of task 1
    _submit(world, "miit", p.task1)  # a cooperating unit of task 1
    reports.save_report(
        world.db, world.housing, p.task3, H1, status="未启动", expect_version=None
    )  # a draft only

    found = worklist.period_tasks(
        world.db, world.coordinator, p.plan_id, H1, today=dt.date(2025, 7, 12)
    )
    assert found["period"]["code"] == H1
    assert found["period"]["days_left"] == -2
    rows = found["tasks"]
    assert set(rows) == {p.task1, p.task2, p.task3}
    task1 = rows[p.task1]
    assert (task1["status"], task1["reports_in"], task1["reports_expected"]) == ("已完成", 2, 3)
    assert task1["light"] == "red"  # 市自然资源局 has not reported and the due date has passed
    assert task1["updated_by"] == "工信局填报员"
    assert task1["own"] is None
    # a draft is not a submission: the task's status is still 未报送
    assert (rows[p.task3]["status"], rows[p.task3]["status_label"]) == (None, "未报送")
    assert rows[p.task3]["reports_in"] == 0


def test_period_tasks_light_follows_the_due_date(world: World) -> None:
    p = world.plan
    for name, task in (("housing", p.task3),):
        _submit(world, name, task)
    lights = {
        day: worklist.period_tasks(world.db, world.coordinator, p.plan_id, H1, today=day)["tasks"]
        for day in (dt.date(2025, 5, 1), dt.date(2025, 7, 5), dt.date(2025, 7, 11))
    }
    assert [lights[d][p.task2]["light"] for d in sorted(lights)] == ["green", "yellow", "red"]
    assert {lights[d][p.task3]["light"] for d in lights} == {"done"}  # its one unit reported


def test_period_tasks_for_a_reporter_shows_its_own_report(world: World) -> None:
    p = world.plan
    _submit(world, "miit", p.task2)  # 市工信局 leads task 2
    found = worklist.period_tasks(world.db, world.miit, p.plan_id, H1, today=dt.date(2025, 7, 5))
    rows = found["tasks"]
    assert set(rows) == {p.task1, p.task2}  # 市工信局 cooperates on 1, leads 2; not task 3
    own1, own2 = rows[p.task1]["own"], rows[p.task2]["own"]
    assert (own1["role_label"], own1["state_label"], own1["version"]) == ("配合", "未填报", 0)
    assert (own2["role_label"], own2["state_label"], own2["status"]) == (
        "牵头",
        "已报送",
        "序时推进",
    )
    assert own2["version"] == 2
    # the reporter's light is about the unit's own report
    assert (rows[p.task1]["light"], rows[p.task2]["light"]) == ("yellow", "done")


# ---------------------------------------------------------------- review queue and history


def test_review_queue_lists_submitted_reports_for_the_coordinator_only(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1)
    _submit(world, "housing", p.task3)
    reports.save_report(
        world.db, world.miit, p.task2, H1, status="未启动", expect_version=None
    )  # a draft
    queue = worklist.review_queue(world.db, world.coordinator, p.plan_id, H1)
    assert [(r["task_id"], r["unit"], r["state_label"]) for r in queue] == [
        (p.task1, NDRC, "已报送"),
        (p.task3, HOUSING, "已报送"),
    ]
    assert queue[0]["role_label"] == "牵头" and queue[0]["version"] == 2
    with pytest.raises(PermissionDenied, match="仅协调员"):
        worklist.review_queue(world.db, world.ndrc, p.plan_id, H1)


def test_report_history_lists_every_period_newest_first(world: World) -> None:
    p = world.plan
    reports.save_report(
        world.db, world.ndrc, p.task1, H1, status="序时推进", progress="上半年", expect_version=None
    )
    reports.save_report(
        world.db,
        world.ndrc,
        p.task1,
        "2025H2",
        status="已完成",
        progress="全年",
        expect_version=None,
    )
    reports.save_report(world.db, world.land, p.task1, H1, status="未启动", expect_version=None)
    found = worklist.report_history(world.db, world.miit, p.task1)
    assert [(r["period_name"], r["unit"], r["status"]) for r in found] == [
        ("2025年全年", NDRC, "已完成"),
        ("2025年上半年", NDRC, "序时推进"),
        ("2025年上半年", LAND, "未启动"),
    ]
    with pytest.raises(PermissionDenied):
        worklist.report_history(world.db, world.housing, p.task1)


# ---------------------------------------------------------------- several at once


def test_approve_several_reports_in_one_go(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1)
    _submit(world, "housing", p.task3)
    keys = [ReportKey(p.task1, H1, NDRC, 2), ReportKey(p.task3, H1, HOUSING, 2)]
    done = reports.approve_reports(world.db, world.coordinator, keys)
    assert [(r["unit"], r["state"], r["version"]) for r in done] == [
        (NDRC, "approved", 3),
        (HOUSING, "approved", 3),
    ]


def test_approving_several_is_all_or_nothing(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1)
    reports.save_report(
        world.db, world.housing, p.task3, H1, status="未启动", expect_version=None
    )  # not submitted
    keys = [
        ReportKey(p.task1, H1, NDRC, expect_version=None),
        ReportKey(p.task3, H1, HOUSING, expect_version=None),
    ]
    with pytest.raises(InvalidInput, match=r"任务 \d+（推进城乡建设绿色低碳转型）“市住建局”"):
        reports.approve_reports(world.db, world.coordinator, keys)
    first = reports.get_report(world.db, world.coordinator, p.task1, H1, NDRC)
    assert first is not None and first["state"] == "submitted"  # rolled back with the rest


def test_return_several_with_one_reason_checks_versions(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1)
    _submit(world, "miit", p.task2)
    stale = [ReportKey(p.task1, H1, NDRC, 1), ReportKey(p.task2, H1, MIIT, 2)]
    with pytest.raises(ConflictError, match="已被“发改委填报员”"):
        reports.return_reports(world.db, world.coordinator, stale, reason="请补充数据")
    with pytest.raises(InvalidInput, match="退回必须说明理由"):
        reports.return_reports(world.db, world.coordinator, stale, reason="  ")
    keys = [ReportKey(p.task1, H1, NDRC, 2), ReportKey(p.task2, H1, MIIT, 2)]
    done = reports.return_reports(world.db, world.coordinator, keys, reason="请补充数据")
    assert {(r["state"], r["return_reason"]) for r in done} == {("returned", "请补充数据")}
    with pytest.raises(PermissionDenied):
        reports.approve_reports(world.db, world.ndrc, keys)


def test_review_refused_in_a_locked_period(world: World) -> None:
    p = world.plan
    _submit(world, "ndrc", p.task1)
    periods.lock_period(world.db, world.coordinator, p.plan_id, H1)
    with pytest.raises(Exception, match="已锁定"):
        reports.approve_reports(
            world.db, world.coordinator, [ReportKey(p.task1, H1, NDRC, expect_version=None)]
        )


# ---------------------------------------------------------------- trying a database


def test_probe_a_new_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.sqlite3"
    found = connection.probe_database(str(path))
    assert found.state == connection.STATE_NEW
    assert str(path) in found.message
    assert not path.exists() and not path.parent.exists()


def test_probe_a_current_and_an_older_file(tmp_path: Path) -> None:
    current = tmp_path / "current.sqlite3"
    Database.open(str(current)).close()
    assert connection.probe_database(str(current)).state == connection.STATE_CURRENT
    old = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "tracker-0001.sqlite3", old)
    before = old.read_bytes()
    found = connection.probe_database(f"sqlite:///{old}")
    assert found.state == connection.STATE_OLDER
    assert "自动升级" in found.message and "备份" in found.message
    assert old.read_bytes() == before  # the probe upgraded nothing


def test_probe_refuses_newer_missing_and_unreachable_databases(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    Database.open(str(newer)).close()
    engine = create_db_engine(f"sqlite:///{newer}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="较新版本"):
        connection.probe_database(str(newer))
    with pytest.raises(DatabaseError, match="请填写"):
        connection.probe_database("  ")
    with pytest.raises(DatabaseError, match="不是文件"):
        connection.probe_database(str(tmp_path))
    with pytest.raises(DatabaseError, match=r"无法连接数据库“postgresql\+psycopg://u:\*\*\*@"):
        connection.probe_database("postgresql+psycopg://u:secret@127.0.0.1:1/db")
