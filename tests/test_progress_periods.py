"""Reporting periods: generated from the plan's schedule, due dates, lock and reopen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PeriodLocked, PermissionDenied
from tracker.importing.regions import region_from_name
from tracker.models import Period, Plan
from tracker.services import history, periods, reports
from tracker.services import settings as settings_service
from tracker.services.access import parse_period_code
from tracker.services.actor import SYSTEM
from tracker.services.regions import ensure_region

from factories import World, make_plan, make_world, use_fast_hashing


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


DEFAULTS = settings_service.defaults()


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_half_yearly_schedule_from_start_to_horizon() -> None:
    specs = periods.schedule("half_yearly", 2025, 2030, DEFAULTS)
    assert len(specs) == 12
    assert [s.code for s in specs[:3]] == ["2025H1", "2025H2", "2026H1"]
    assert specs[-1].code == "2030H2"
    first, annual = specs[0], specs[1]
    assert (first.name, first.due_date) == ("2025年上半年", dt.date(2025, 7, 10))
    assert (annual.name, annual.due_date) == ("2025年全年", dt.date(2026, 1, 10))


def test_yearly_schedule_has_only_the_annual_reports() -> None:
    specs = periods.schedule("yearly", 2026, 2035, DEFAULTS)
    assert [s.code for s in specs] == [f"{y}H2" for y in range(2026, 2036)]
    assert all(s.name.endswith("年全年") for s in specs)


@pytest.mark.parametrize(
    ("cadence", "start", "horizon", "message"),
    [
        ("monthly", 2025, 2030, "报告频次“monthly”无效"),
        ("half_yearly", 2031, 2030, "起始不得晚于截止"),
    ],
)
def test_bad_schedule_is_refused(cadence: str, start: int, horizon: int, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        periods.schedule(cadence, start, horizon, DEFAULTS)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("2025H1", "2025H1"),
        ("2025h2", "2025H2"),
        ("2025-H1", "2025H1"),
        ("2025年上半年", "2025H1"),
        ("2025年全年", "2025H2"),
        ("2025年下半年", "2025H2"),
        ("2025年度", "2025H2"),
        ("2025", "2025H2"),
    ],
)
def test_period_codes_and_names_are_understood(given: str, code: str) -> None:
    assert parse_period_code(given) == code


def test_create_periods_is_idempotent_and_audited(db: Database) -> None:
    sample = make_plan(db)  # creates 2025H1 … 2026H2
    with db.session() as session:
        plan = session.get(Plan, sample.plan_id)
        assert plan is not None
        periods.create_periods(session, plan, SYSTEM)  # nothing new
        codes = list(session.scalars(select(Period.code).where(Period.plan_id == plan.id)))
    assert sorted(codes) == ["2025H1", "2025H2", "2026H1", "2026H2"]
    records = [r for r in history.list_audit(db, SYSTEM) if r["action"] == "create_periods"]
    assert len(records) == 1
    assert records[0]["after"] == "2025H1…2026H2（4 个报告期）"


def test_new_plan_gets_default_schedule(db: Database) -> None:
    with db.session() as session:
        region = ensure_region(session, region_from_name("某市"), SYSTEM)
        plan = Plan(
            title="默认方案",
            region_id=region.id,
            kind="city",
            source_name="a.txt",
            source_format="txt",
            content_hash="0" * 64,
        )
        session.add(plan)
        session.flush()
        assert plan.cadence == "half_yearly"
        assert plan.start_year == dt.date.today().year
        assert plan.horizon_year == 2030
        periods.create_periods(session, plan, SYSTEM)
        count = len(plan.periods)
    assert count == 2 * (2030 - dt.date.today().year + 1)


def test_list_periods_with_report_counts(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.ndrc, p.task1, "2025H1", status="序时推进", expect_version=None)
    reports.save_report(db, world.miit, p.task2, "2025H1", status="序时推进", expect_version=None)
    reports.submit_report(db, world.miit, p.task2, "2025H1", expect_version=None)
    data = periods.list_periods(db, world.ndrc)  # the only plan: no id needed
    assert data["plan_id"] == p.plan_id
    assert data["cadence_label"] == "每半年"
    first = data["periods"][0]
    assert first["code"] == "2025H1"
    assert first["report_counts"] == {"draft": 1, "submitted": 1}
    assert first["expected_reports"] == 6
    assert data["periods"][1]["report_counts"] == {}


def test_plan_must_be_named_when_there_are_several(world: World) -> None:
    make_plan(world.db, title="另一个方案")
    with pytest.raises(InvalidInput, match="有 2 个实施方案，请指明是哪一个") as refused:
        periods.list_periods(world.db, world.coordinator)
    assert "--plan" not in str(refused.value)  # the app shows the message: no option in it
    assert refused.value.hint is not None and "--plan" in refused.value.hint
    with pytest.raises(NotFound, match="没有编号为 99 的实施方案"):
        periods.list_periods(world.db, world.coordinator, 99)


def test_lock_and_reopen_are_audited_and_for_coordinators_only(world: World) -> None:
    db, p = world.db, world.plan
    with pytest.raises(PermissionDenied, match="仅协调员"):
        periods.lock_period(db, world.ndrc, p.plan_id, "2025H1")
    locked = periods.lock_period(db, world.coordinator, p.plan_id, "2025年上半年")
    assert locked["locked"] is True
    assert locked["locked_by"] == "协调员甲"
    with pytest.raises(InvalidInput, match=r"已于 .* 锁定"):
        periods.lock_period(db, world.coordinator, p.plan_id, "2025H1")
    with pytest.raises(PermissionDenied):
        periods.reopen_period(db, world.ndrc, p.plan_id, "2025H1", "想改")
    reopened = periods.reopen_period(db, world.coordinator, p.plan_id, "2025H1", "补录遗漏数据")
    assert reopened["locked"] is False
    assert reopened["reopen_reason"] == "补录遗漏数据"
    with pytest.raises(InvalidInput, match="未锁定"):
        periods.reopen_period(db, world.coordinator, p.plan_id, "2025H1", "再开一次")
    trail = [
        (r["action"], r["field"], r["before"], r["after"])
        for r in history.list_audit(db, world.coordinator)
        if r["object_type"] == "period"
    ]
    assert trail == [
        ("lock_period", "locked", "开放", "已锁定"),
        ("reopen_period", "locked", "已锁定", "开放"),
        ("reopen_period", "reopen_reason", None, "补录遗漏数据"),
    ]


def test_due_date_is_editable_per_period(world: World) -> None:
    db, p = world.db, world.plan
    changed = periods.set_due_date(db, world.coordinator, p.plan_id, "2025H1", "2025-07-20")
    assert changed["due_date"] == "2025-07-20"
    others = periods.list_periods(db, world.coordinator)["periods"]
    assert others[2]["due_date"] == "2026-07-10"  # 2026H1 keeps the default
    # A submission on 07-15 is now on time.
    reports.save_report(db, world.ndrc, p.task1, "2025H1", status="序时推进", expect_version=None)
    on_time = reports.submit_report(
        db, world.ndrc, p.task1, "2025H1", today=dt.date(2025, 7, 15), expect_version=None
    )
    assert on_time["late"] is False
    with pytest.raises(InvalidInput, match="日期“7月20日”无效"):
        periods.set_due_date(db, world.coordinator, p.plan_id, "2025H1", "7月20日")
    with pytest.raises(InvalidInput, match="与报告期 2025H1"):
        periods.set_due_date(db, world.coordinator, p.plan_id, "2025H1", "2029-01-01")
    with pytest.raises(PermissionDenied):
        periods.set_due_date(db, world.ndrc, p.plan_id, "2025H1", "2025-07-30")
    [record] = [r for r in history.list_audit(db, world.coordinator) if r["field"] == "due_date"]
    assert (record["object_type"], record["field"], record["before"], record["after"]) == (
        "period",
        "due_date",
        "2025-07-10",
        "2025-07-20",
    )


def test_locked_period_refuses_due_date_change(world: World) -> None:
    db, p = world.db, world.plan
    periods.lock_period(db, world.coordinator, p.plan_id, "2025H2")
    with pytest.raises(PeriodLocked, match="2025H2（2025年全年）已锁定"):
        periods.set_due_date(db, world.coordinator, p.plan_id, "2025H2", "2026-01-20")


def test_changing_the_schedule_keeps_periods_with_reports(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.ndrc, p.task1, "2026H1", status="序时推进", expect_version=None)
    result = periods.set_schedule(
        db, world.coordinator, p.plan_id, cadence="yearly", horizon_year=2027
    )
    assert result == {"created": ["2027H2"], "removed": ["2025H1"], "kept": ["2026H1"]}
    codes = [x["code"] for x in periods.list_periods(db, world.coordinator)["periods"]]
    assert codes == ["2025H2", "2026H1", "2026H2", "2027H2"]
    with pytest.raises(PermissionDenied):
        periods.set_schedule(db, world.ndrc, p.plan_id, cadence="half_yearly")
