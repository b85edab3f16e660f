"""催办 (who has not submitted) and the period summary."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound
from tracker.services import monitoring, reports

from factories import HOUSING, LAND, MIIT, NDRC, World, make_plan, make_world, use_fast_hashing

H1 = "2025H1"  # due 2025-07-10


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def _missing(data: dict[str, object]) -> dict[int, list[tuple[str, str]]]:
    tasks = data["tasks"]
    assert isinstance(tasks, list)
    return {t["task_id"]: [(m["unit"], m["state_label"]) for m in t["missing"]] for t in tasks}


@pytest.mark.parametrize(
    ("today", "days_left", "light"),
    [
        (dt.date(2025, 6, 1), 39, "green"),
        (dt.date(2025, 7, 2), 8, "green"),
        (dt.date(2025, 7, 3), 7, "yellow"),
        (dt.date(2025, 7, 10), 0, "yellow"),
        (dt.date(2025, 7, 11), -1, "red"),
    ],
)
def test_remind_lights_follow_the_due_date(
    world: World, today: dt.date, days_left: int, light: str
) -> None:
    data = monitoring.remind(world.db, world.coordinator, H1, today=today)
    assert {t["days_left"] for t in data["tasks"]} == {days_left}
    assert {t["light"] for t in data["tasks"]} == {light}
    assert data["periods"][0]["light"] == light


def test_remind_lists_units_that_have_not_submitted(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None
    )  # draft only
    reports.save_report(db, world.miit, p.task1, H1, status="序时推进", expect_version=None)
    reports.submit_report(
        db, world.miit, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    reports.save_report(db, world.housing, p.task3, H1, status="已完成", expect_version=None)
    reports.submit_report(
        db, world.housing, p.task3, H1, today=dt.date(2025, 7, 12), expect_version=None
    )
    reports.save_report(db, world.miit, p.task2, H1, status="序时推进", expect_version=None)
    reports.submit_report(
        db, world.miit, p.task2, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    reports.return_report(
        db, world.coordinator, p.task2, H1, MIIT, reason="补充", expect_version=None
    )

    data = monitoring.remind(db, world.coordinator, H1, today=dt.date(2025, 7, 12))
    assert _missing(data) == {
        p.task1: [(NDRC, "草稿"), (LAND, "未填报")],
        p.task2: [(MIIT, "已退回"), (NDRC, "未填报")],
    }
    assert (data["expected_reports"], data["submitted_reports"], data["late_reports"]) == (6, 2, 1)
    assert all(t["light"] == "red" and t["days_left"] == -2 for t in data["tasks"])
    by_unit = {u["unit"]: (u["missing_tasks"], u["overdue_tasks"]) for u in data["units"]}
    assert by_unit == {NDRC: (2, 2), LAND: (1, 1), MIIT: (1, 1)}
    assert data["units"][0]["unit"] == NDRC  # most tasks missing first

    # Everything in: nothing to chase.
    reports.approve_report(db, world.coordinator, p.task3, H1, HOUSING, expect_version=None)
    assert p.task3 not in _missing(monitoring.remind(db, world.coordinator, H1))


def test_remind_for_a_reporter_covers_only_its_units_tasks(world: World) -> None:
    data = monitoring.remind(world.db, world.housing, H1, today=dt.date(2025, 7, 1))
    assert list(_missing(data)) == [world.plan.task3]
    assert data["expected_reports"] == 1


def test_remind_spans_every_plan_with_the_period_unless_one_is_named(world: World) -> None:
    other = make_plan(world.db, title="另一个方案", start_year=2025, horizon_year=2025)
    both = monitoring.remind(world.db, world.coordinator, H1, today=dt.date(2025, 7, 1))
    assert len(both["periods"]) == 2
    assert len(both["tasks"]) == 6
    one = monitoring.remind(
        world.db, world.coordinator, H1, plan_id=other.plan_id, today=dt.date(2025, 7, 1)
    )
    assert {t["plan_id"] for t in one["tasks"]} == {other.plan_id}
    with pytest.raises(NotFound, match="没有报告期 2031H1"):
        monitoring.remind(world.db, world.coordinator, "2031H1")
    with pytest.raises(InvalidInput, match="无法识别报告期"):
        monitoring.summary(world.db, world.coordinator, "下半年")


def test_summary_counts_by_status_area_and_lead_unit(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None)
    reports.submit_report(
        db, world.ndrc, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    reports.save_report(
        db, world.miit, p.task2, H1, status="进度滞后", expect_version=None
    )  # draft: not counted
    reports.save_report(db, world.housing, p.task3, H1, status="已完成", expect_version=None)
    reports.submit_report(
        db, world.housing, p.task3, H1, today=dt.date(2025, 7, 15), expect_version=None
    )
    reports.approve_report(db, world.coordinator, p.task3, H1, HOUSING, expect_version=None)
    reports.save_report(
        db, world.miit, p.task1, H1, status="进度滞后", expect_version=None
    )  # cooperating unit
    reports.submit_report(
        db, world.miit, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )

    data = monitoring.summary(db, world.coordinator, H1)
    assert data["task_count"] == 3
    assert data["by_status"] == {
        "已完成": 1,
        "序时推进": 1,
        "进度滞后": 0,
        "未启动": 0,
        "长期推进": 0,
        "未报送": 1,
    }
    areas = {a["title"]: (a["task_count"], a["by_status"]) for a in data["by_area"]}
    assert areas["能源绿色低碳转型行动"][0] == 2
    assert areas["能源绿色低碳转型行动"][1]["序时推进"] == 1
    assert areas["能源绿色低碳转型行动"][1]["未报送"] == 1
    assert areas["城乡建设碳达峰行动"] == (1, {**dict.fromkeys(data["statuses"], 0), "已完成": 1})
    leads = {u["unit"]: (u["task_count"], u["submitted"], u["late"]) for u in data["by_lead_unit"]}
    assert leads == {NDRC: (1, 1, 0), MIIT: (1, 0, 0), HOUSING: (1, 1, 1)}
    assert data["reports"] == {
        "expected": 6,
        "by_state": {"草稿": 1, "已报送": 2, "已审核": 1, "已退回": 0, "未填报": 2},
        "late": 1,
    }


def test_summary_targets_show_the_latest_reported_actual(world: World) -> None:
    db, p = world.db, world.plan
    capacity = p.target_ids[p.task1][0]
    share = p.target_ids[p.task3][0]
    reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", actuals={capacity: 320}, expect_version=None
    )
    reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None)
    reports.save_report(
        db,
        world.miit,
        p.task1,
        "2025H2",
        status="序时推进",
        actuals={capacity: 999},
        expect_version=None,
    )
    reports.submit_report(db, world.miit, p.task1, "2025H2", expect_version=None)
    reports.save_report(
        db,
        world.ndrc,
        p.task1,
        "2025H2",
        status="序时推进",
        actuals={capacity: 520},
        expect_version=None,
    )
    reports.submit_report(db, world.ndrc, p.task1, "2025H2", expect_version=None)
    # A draft value does not count.
    reports.save_report(
        db,
        world.housing,
        p.task3,
        "2025H2",
        status="序时推进",
        actuals={share: 8},
        expect_version=None,
    )

    first = {t["target_id"]: t for t in monitoring.summary(db, world.coordinator, H1)["targets"]}
    assert (first[capacity]["actual"], first[capacity]["actual_period"]) == (320.0, H1)
    assert first[capacity]["met"] is False
    assert first[share]["actual"] is None and first[share]["met"] is None

    annual = {
        t["target_id"]: t for t in monitoring.summary(db, world.coordinator, "2025H2")["targets"]
    }
    # The lead unit's value wins over the cooperating unit's in the same period.
    assert (annual[capacity]["actual"], annual[capacity]["actual_unit"]) == (520.0, NDRC)
    assert annual[capacity]["met"] is True
    assert annual[capacity]["target_value"] == 500.0
    assert annual[share]["actual"] is None

    # A later period without a new value keeps the latest earlier one.
    later = {
        t["target_id"]: t for t in monitoring.summary(db, world.coordinator, "2026H1")["targets"]
    }
    assert (later[capacity]["actual"], later[capacity]["actual_period"]) == (520.0, "2025H2")


def test_summary_for_a_reporter_covers_only_its_units_tasks(world: World) -> None:
    data = monitoring.summary(world.db, world.housing, H1)
    assert data["task_count"] == 1
    assert [a["title"] for a in data["by_area"]] == ["城乡建设碳达峰行动"]
    assert [t["task_id"] for t in data["targets"]] == [world.plan.task3]
