"""Shared settings in the database: defaults for a new database, one source for every desk,
changes by a coordinator (audited), and a status vocabulary whose changes never leave a
report with a status that does not exist."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from tracker.cli import main
from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from tracker.models import ProgressReport, Setting, StatusDefinition
from tracker.services import history, monitoring, periods, reports, users
from tracker.services import settings as settings_service

from factories import PASSWORD, World, make_plan, make_world, use_fast_hashing

H1 = "2025H1"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def other_desk(db_url: str, db: Database) -> Iterator[Database]:
    """A second program on the same database (another desk of a shared server)."""
    del db
    second = Database.open(db_url)
    try:
        yield second
    finally:
        second.close()


def _audit(world: World, action: str) -> list[tuple[str | None, str | None, str | None]]:
    return [
        (r["field"], r["before"], r["after"])
        for r in history.list_audit(world.db, world.coordinator, limit=None)
        if r["action"] == action
    ]


# ---------------------------------------------------------------- defaults


def test_a_new_database_holds_the_program_defaults(db: Database) -> None:
    defaults = settings_service.read_settings()
    with db.reader() as session:
        stored = {k: json.loads(v) for k, v in session.execute(select(Setting.key, Setting.value))}
        names = list(
            session.scalars(select(StatusDefinition.name).order_by(StatusDefinition.position))
        )
    assert set(stored) == set(settings_service.KEYS)
    assert stored["due_dates.H1"] == {"month": 7, "day": 10, "next_year": False}
    assert (
        names == defaults.status_names == ["已完成", "序时推进", "进度滞后", "未启动", "长期推进"]
    )
    assert settings_service.get(db) == defaults


def test_a_key_added_by_a_newer_program_is_stored_without_touching_the_others(
    db_url: str, db: Database, world: World
) -> None:
    settings_service.set_value(db, world.coordinator, "reminder_warning_days", "3")
    with db.session() as session:  # as if the database predates the key
        session.execute(delete(Setting).where(Setting.key == "password_min_length"))
    Database.open(db_url).close()
    shared = settings_service.get(db)
    assert shared.password_min_length == 8  # stored again from the defaults
    assert shared.reminder_warning_days == 3  # kept
    with db.reader() as session:
        assert session.get(Setting, "password_min_length") is not None


# ---------------------------------------------------------------- one source for every desk


def test_a_change_at_one_desk_is_used_at_the_next_action_of_another(
    world: World, other_desk: Database
) -> None:
    # The other desk has already worked with the vocabulary (and warmed any cache).
    assert "暂缓实施" not in settings_service.get(other_desk).status_names
    settings_service.add_status(world.db, world.coordinator, "暂缓实施", color="#ff9800")
    saved = reports.save_report(
        other_desk,
        world.ndrc,
        world.plan.task1,
        H1,
        status="暂缓实施",
        expect_version=0,
    )
    assert saved["status"] == "暂缓实施"

    settings_service.set_value(world.db, world.coordinator, "password_min_length", "12")
    with pytest.raises(InvalidInput, match="至少需要 12 个字符"):
        users.set_password(other_desk, world.ndrc, "发改委填报员", "eleven-char")


def test_the_warning_window_of_the_database_colours_the_reminders(world: World) -> None:
    due = dt.date(2025, 7, 10)
    today = due - dt.timedelta(days=10)
    data = monitoring.remind(world.db, world.coordinator, H1, today=today)
    assert {t["light"] for t in data["tasks"]} == {"green"}
    settings_service.set_value(world.db, world.coordinator, "reminder_warning_days", "14")
    data = monitoring.remind(world.db, world.coordinator, H1, today=today)
    assert {t["light"] for t in data["tasks"]} == {"yellow"}


def test_new_periods_get_the_due_dates_of_the_database(world: World, db: Database) -> None:
    settings_service.set_value(db, world.coordinator, "due_dates.H1", "6月30日")
    settings_service.set_value(db, world.coordinator, "due_dates.H2", "次年2月1日")
    periods.set_schedule(db, world.coordinator, world.plan.plan_id, horizon_year=2027)
    listed = {
        p["code"]: p["due_date"] for p in periods.list_periods(db, world.coordinator)["periods"]
    }
    assert listed["2025H1"] == "2025-07-10"  # existing periods keep their date
    assert (listed["2027H1"], listed["2027H2"]) == ("2027-06-30", "2028-02-01")


# ---------------------------------------------------------------- setting values


@pytest.mark.parametrize(
    ("key", "text", "shown"),
    [
        ("due_dates.H1", "7月15日", "7月15日"),
        ("due_dates.H1", "07-15", "7月15日"),
        ("due_dates.H2", "次年1月20日", "次年1月20日"),
        ("reminder_warning_days", "0", "0 天"),
        ("evidence_max_bytes", "50MB", "50 MB"),
        ("evidence_max_bytes", "1536 KB", "1.5 MB"),
        ("password_min_length", "10", "10 个字符"),
    ],
)
def test_set_a_value(world: World, key: str, text: str, shown: str) -> None:
    entry = settings_service.set_value(world.db, world.coordinator, key, text)
    assert (entry["key"], entry["text"], entry["updated_by"]) == (key, shown, "协调员甲")
    assert [(f, a) for f, _b, a in _audit(world, "set_setting")] == [(key, shown)]


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("due_date", "7月10日", "没有名为“due_date”的设置"),
        ("due_dates.H1", "7/10/2025", "格式不对"),
        ("due_dates.H1", "2月30日", "不存在"),
        ("reminder_warning_days", "七", "不是整数"),
        ("reminder_warning_days", "400", "超出范围"),
        ("evidence_max_bytes", "2 TB", "格式不对"),
        ("evidence_max_bytes", "10", "超出范围"),
        ("password_min_length", "3", "超出范围"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    world: World, key: str, text: str, message: str
) -> None:
    before = settings_service.show(world.db)
    with pytest.raises((InvalidInput, NotFound), match=message):
        settings_service.set_value(world.db, world.coordinator, key, text)
    assert settings_service.show(world.db) == before


def test_several_values_change_in_one_transaction_or_not_at_all(world: World) -> None:
    db, c = world.db, world.coordinator
    before = settings_service.show(db)
    with pytest.raises(InvalidInput, match="超出范围"):
        settings_service.set_values(
            db, c, {"reminder_warning_days": "10", "password_min_length": "3"}
        )
    assert settings_service.show(db) == before and _audit(world, "set_setting") == []
    shown = settings_service.set_values(
        db,
        c,
        {"reminder_warning_days": "10", "due_dates.H1": "7月10日"},  # the second unchanged
    )
    assert {e["key"]: e["text"] for e in shown["settings"]}["reminder_warning_days"] == "10 天"
    assert [f for f, _b, _a in _audit(world, "set_setting")] == ["reminder_warning_days"]


def test_only_a_coordinator_changes_settings(world: World) -> None:
    with pytest.raises(PermissionDenied, match="无权修改共享设置"):
        settings_service.set_value(world.db, world.ndrc, "password_min_length", "10")
    with pytest.raises(PermissionDenied, match="无权修改状态词表"):
        settings_service.add_status(world.db, world.ndrc, "暂缓实施")
    with pytest.raises(PermissionDenied):
        settings_service.remove_status(world.db, world.ndrc, "未启动")
    assert settings_service.get(world.db) == settings_service.defaults()


# ---------------------------------------------------------------- the status vocabulary


def _names(db: Database) -> list[str]:
    return settings_service.get(db).status_names


def test_add_edit_and_move_statuses(world: World) -> None:
    db, c = world.db, world.coordinator
    settings_service.add_status(
        db, c, "暂缓实施", description="因故暂缓", color="#FF9800", position=3
    )
    assert _names(db)[:4] == ["已完成", "序时推进", "暂缓实施", "进度滞后"]
    settings_service.edit_status(db, c, "暂缓实施", color="#ff5722", position=99)
    shared = settings_service.get(db)
    # No rank given: below every other status (least advanced), so never taken for done.
    assert shared.statuses[-1] == settings_service.Status("暂缓实施", "因故暂缓", "#ff5722", -1)
    assert [a for _f, _b, a in _audit(world, "add_status")] == [
        "暂缓实施｜因故暂缓｜#ff9800｜推进程度 -1"
    ]
    assert ("position", "3", "6") in _audit(world, "edit_status")
    assert shared.completed_status == "已完成"


def _ranks(db: Database) -> dict[str, int]:
    return settings_service.get(db).status_ranks


def test_ranks_are_kept_set_and_exactly_one_is_top(world: World) -> None:
    db, c = world.db, world.coordinator
    before = _ranks(db)
    settings_service.add_status(db, c, "基本完成", rank=3)  # level with 序时推进: allowed
    assert _ranks(db)["基本完成"] == 3
    with pytest.raises(InvalidInput, match=r"“已完成”、“全部完成”.*只能有一个状态的推进程度最高"):
        settings_service.add_status(db, c, "全部完成", rank=before["已完成"])
    with pytest.raises(InvalidInput, match="只能有一个状态的推进程度最高"):
        settings_service.edit_status(db, c, "序时推进", rank=before["已完成"])
    assert "全部完成" not in _ranks(db) and _ranks(db)["序时推进"] == before["序时推进"]

    # An edit without --rank, and a rename, keep the rank.
    settings_service.edit_status(db, c, "序时推进", description="按计划推进中")
    settings_service.rename_status(db, c, "序时推进", "按序时推进")
    assert _ranks(db)["按序时推进"] == before["序时推进"]
    # A rank above every other moves "done" to that status, audited.
    settings_service.edit_status(db, c, "基本完成", rank=9)
    assert settings_service.get(db).completed_status == "基本完成"
    assert ("基本完成｜推进程度 3", "基本完成｜推进程度 9") in [
        (b, a) for _f, b, a in _audit(world, "edit_status")
    ]
    settings_service.edit_status(db, c, "基本完成", rank=1)
    assert settings_service.get(db).completed_status == "已完成"
    # Removing the top status must leave one status on top.
    settings_service.edit_status(db, c, "按序时推进", rank=2)  # level with 长期推进
    with pytest.raises(InvalidInput, match=r"删除“已完成”后.*只能有一个"):
        settings_service.remove_status(db, c, "已完成")
    with pytest.raises(InvalidInput, match="推进程度（rank）“5000”"):
        settings_service.edit_status(db, c, "未启动", rank=5000)


@pytest.mark.parametrize(
    ("name", "color", "message"),
    [
        ("", "", "不能为空"),
        ("已完成", "", "已存在"),
        ("未报送", "", "不能用作状态名称"),
        ("很" * 21, "", "太长"),
        ("暂缓", "orange", "颜色“orange”格式不对"),
    ],
)
def test_bad_statuses_are_refused(world: World, name: str, color: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        settings_service.add_status(world.db, world.coordinator, name, color=color)
    assert _names(world.db) == settings_service.defaults().status_names


def _report(world: World, task: int, status: str) -> dict[str, object]:
    return reports.save_report(
        world.db, world.ndrc, task, H1, status=status, progress="推进中", expect_version=0
    )


def test_renaming_a_status_in_use_needs_consent_and_renames_the_reports(world: World) -> None:
    db, c = world.db, world.coordinator
    saved = _report(world, world.plan.task1, "序时推进")
    with pytest.raises(InvalidInput, match=r"已有 1 份填报使用") as refused:
        settings_service.rename_status(db, c, "序时推进", "按序时推进")
    assert refused.value.hint == "确认请加 --update-reports。"
    assert _names(db)[1] == "序时推进"

    settings_service.rename_status(db, c, "序时推进", "按序时推进", update_reports=True)
    assert _names(db)[1] == "按序时推进"
    after = reports.get_report(db, world.ndrc, world.plan.task1, H1)
    assert after is not None and after["status"] == "按序时推进"
    assert after["version"] == saved["version"] + 1  # an editor of the old version conflicts
    with pytest.raises(ConflictError):
        reports.save_report(
            db, world.ndrc, world.plan.task1, H1, progress="x", expect_version=saved["version"]
        )
    records = [
        (r["object_type"], r["field"], r["before"], r["after"])
        for r in history.list_audit(db, c)
        if r["action"] == "rename_status"
    ]
    assert ("report", "status", "序时推进", "按序时推进") in records
    assert ("status", "name", "序时推进", "按序时推进（1 份填报随之修改）") in records
    summary = monitoring.summary(db, c, H1)
    assert "序时推进" not in summary["by_status"]


def test_renaming_a_status_nobody_uses_needs_no_consent(world: World) -> None:
    settings_service.rename_status(world.db, world.coordinator, "长期推进", "持续推进")
    assert _names(world.db)[-1] == "持续推进"
    with pytest.raises(InvalidInput, match="已存在"):
        settings_service.rename_status(world.db, world.coordinator, "持续推进", "已完成")
    with pytest.raises(NotFound, match="没有名为“长期推进”的状态"):
        settings_service.rename_status(world.db, world.coordinator, "长期推进", "甲")


def test_removing_a_status_in_use_needs_a_replacement(world: World) -> None:
    db, c = world.db, world.coordinator
    _report(world, world.plan.task1, "未启动")
    with pytest.raises(InvalidInput, match=r"已有 1 份填报使用，不能直接删除"):
        settings_service.remove_status(db, c, "未启动")
    with pytest.raises(NotFound):
        settings_service.remove_status(db, c, "未启动", replace_with="不存在")
    settings_service.remove_status(db, c, "未启动", replace_with="进度滞后")
    assert "未启动" not in _names(db)
    report = reports.get_report(db, world.ndrc, world.plan.task1, H1)
    assert report is not None and report["status"] == "进度滞后"
    with db.reader() as session:  # no report is left with a status that does not exist
        used = set(session.scalars(select(ProgressReport.status).distinct()))
    assert used <= set(_names(db))


def test_a_status_used_in_a_locked_period_cannot_be_replaced(world: World) -> None:
    db, c = world.db, world.coordinator
    _report(world, world.plan.task1, "未启动")
    periods.lock_period(db, c, world.plan.plan_id, H1)
    with pytest.raises(InvalidInput, match="已锁定的报告期"):
        settings_service.remove_status(db, c, "未启动", replace_with="进度滞后")
    # renaming keeps what the report said, so it is allowed
    settings_service.rename_status(db, c, "未启动", "尚未启动", update_reports=True)
    report = reports.get_report(db, world.ndrc, world.plan.task1, H1)
    assert report is not None and report["status"] == "尚未启动"


def test_the_last_status_stays(world: World) -> None:
    db, c = world.db, world.coordinator
    for name in _names(db)[1:]:
        settings_service.remove_status(db, c, name)
    with pytest.raises(InvalidInput, match="唯一的状态"):
        settings_service.remove_status(db, c, "已完成")


# ---------------------------------------------------------------- the CLI


def test_cli_settings_show_set_and_status(
    db_url: str,
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_plan(db)
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    monkeypatch.setenv("TRACKER_USER", "管理员")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    assert main(["--db", db_url, "settings", "set", "due_dates.H2", "次年1月31日"]) == 0
    assert "全年报告默认截止日期（due_dates.H2）：次年1月31日" in capsys.readouterr().out
    assert main(["--db", db_url, "settings", "status", "add", "暂缓实施", "--position", "2"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "settings", "status", "add", "基本完成", "--rank", "3"]) == 0
    assert (
        main(["--db", db_url, "settings", "status", "edit", "基本完成", "--color", "#00aa00"]) == 0
    )
    capsys.readouterr()
    assert main(["--db", db_url, "settings", "status", "edit", "未启动", "--rank", "4"]) == 4
    assert "只能有一个状态的推进程度最高" in capsys.readouterr().err
    assert main(["--db", db_url, "settings", "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    h2 = next(e for e in data["settings"] if e["key"] == "due_dates.H2")
    assert (h2["text"], h2["updated_by"]) == ("次年1月31日", "管理员")
    assert [s["name"] for s in data["statuses"]][:3] == ["已完成", "暂缓实施", "序时推进"]
    ranks = {s["name"]: (s["rank"], s["completed"]) for s in data["statuses"]}
    assert ranks["已完成"] == (4, True) and ranks["暂缓实施"] == (-1, False)
    assert ranks["基本完成"] == (3, False) and ranks["未启动"] == (0, False)
    assert main(["--db", db_url, "settings", "set", "password_min_length", "2"]) == 4
    assert "密码最少字符数 2 超出范围" in capsys.readouterr().err
    assert main(["--db", db_url, "settings", "show"]) == 0
    out = capsys.readouterr().out
    assert "次年1月31日（管理员 修改于" in out and "2. 暂缓实施" in out
    assert "已完成 #2e7d32  任务目标已全部完成  推进程度 4（已完成）" in out
