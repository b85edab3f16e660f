"""A plan's lifecycle: archive (hidden, read-only everywhere), unarchive, delete — the
services and ``tracker plan …`` / ``tracker plans --all``; everything audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PermissionDenied, PlanArchived
from tracker.models import Plan, ProgressReport, Task, Unit
from tracker.services import (
    history,
    instructions,
    monitoring,
    periods,
    plan_lifecycle,
    plans,
    reports,
)

from factories import World, make_plan, make_world, use_fast_hashing


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    use_fast_hashing(monkeypatch)
    return make_world(db)


def _report(world: World) -> None:
    reports.save_report(
        world.db,
        world.ndrc,
        world.plan.task1,
        "2025H1",
        status="序时推进",
        progress="已开工。",
        expect_version=None,
    )


def _count(db: Database, model: type) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_archived_plan_is_hidden_and_can_be_read(world: World) -> None:
    _report(world)
    other = make_plan(world.db, title="另一个碳达峰实施方案")
    plan_lifecycle.archive_plan(world.db, world.coordinator, world.plan.plan_id)
    listed = plans.list_plans(world.db, world.coordinator)
    assert [p["id"] for p in listed] == [other.plan_id]
    every = plans.list_plans(world.db, world.coordinator, include_archived=True)
    assert [(p["id"], p["archived"]) for p in every] == [
        (world.plan.plan_id, True),
        (other.plan_id, False),
    ]
    # hidden from the task lists and from the period lists …
    assert {t["plan_id"] for t in plans.list_tasks(world.db, world.coordinator)} == {other.plan_id}
    seen = plans.list_tasks(world.db, world.ndrc)
    assert seen and {t["plan_id"] for t in seen} == {other.plan_id}
    remind = monitoring.remind(world.db, world.coordinator, "2025H1")
    assert {p["plan_id"] for p in remind["periods"]} == {other.plan_id}
    # … but readable when asked for by id
    shown = plans.list_tasks(world.db, world.coordinator, plan_id=world.plan.plan_id)
    assert len(shown) == 3
    report = reports.get_report(world.db, world.ndrc, world.plan.task1, "2025H1")
    assert report is not None and report["progress"] == "已开工。"


def _writes(world: World) -> list[tuple[str, Callable[[], Any]]]:
    w, plan = world, world.plan
    return [
        (
            "save",
            lambda: reports.save_report(
                w.db, w.ndrc, plan.task1, "2025H1", progress="改", expect_version=None
            ),
        ),
        (
            "submit",
            lambda: reports.submit_report(w.db, w.ndrc, plan.task1, "2025H1", expect_version=None),
        ),
        (
            "consolidate",
            lambda: reports.consolidate(w.db, w.ndrc, plan.task1, "2025H1", expect_version=None),
        ),
        (
            "instruction",
            lambda: instructions.add_instruction(w.db, w.coordinator, plan.task1, "抓紧"),
        ),
        ("lock", lambda: periods.lock_period(w.db, w.coordinator, plan.plan_id, "2025H1")),
        (
            "due",
            lambda: periods.set_due_date(w.db, w.coordinator, plan.plan_id, "2025H2", "2026-01-20"),
        ),
        (
            "schedule",
            lambda: periods.set_schedule(w.db, w.coordinator, plan.plan_id, horizon_year=2027),
        ),
    ]


def test_every_write_to_an_archived_plan_is_refused(world: World) -> None:
    _report(world)
    plan_lifecycle.archive_plan(world.db, world.coordinator, world.plan.plan_id)
    before = history.list_audit(world.db, world.coordinator)
    for name, write in _writes(world):
        with pytest.raises(PlanArchived, match=r"已归档，只能查看，不能修改") as refused:
            write()
        assert refused.value.hint == f"恢复：tracker plan unarchive {world.plan.plan_id}"
        assert history.list_audit(world.db, world.coordinator) == before, name
    # unarchived, the same writes work again
    plan_lifecycle.unarchive_plan(world.db, world.coordinator, world.plan.plan_id)
    reports.save_report(
        world.db, world.ndrc, world.plan.task1, "2025H1", progress="又改", expect_version=None
    )
    assert [p["archived"] for p in plans.list_plans(world.db, world.coordinator)] == [False]


def test_archive_and_delete_are_for_coordinators_and_audited(world: World) -> None:
    plan_id = world.plan.plan_id
    with pytest.raises(PermissionDenied):
        plan_lifecycle.archive_plan(world.db, world.ndrc, plan_id)
    with pytest.raises(PermissionDenied):
        plan_lifecycle.delete_plan(world.db, world.ndrc, plan_id)
    plan_lifecycle.archive_plan(world.db, world.coordinator, plan_id)
    with pytest.raises(InvalidInput, match="已经归档"):
        plan_lifecycle.archive_plan(world.db, world.coordinator, plan_id)
    plan_lifecycle.unarchive_plan(world.db, world.coordinator, plan_id)
    with pytest.raises(InvalidInput, match="没有归档"):
        plan_lifecycle.unarchive_plan(world.db, world.coordinator, plan_id)
    plan_lifecycle.delete_plan(world.db, world.coordinator, plan_id)
    actions = [
        (r["action"], r["user"], r["object_id"])
        for r in history.list_audit(world.db, world.coordinator)
        if r["object_type"] == "plan" and r["action"] != "create_periods"
    ]
    assert actions == [
        ("archive_plan", "协调员甲", plan_id),
        ("unarchive_plan", "协调员甲", plan_id),
        ("delete_plan", "协调员甲", plan_id),
    ]
    with pytest.raises(NotFound):
        plan_lifecycle.archive_plan(world.db, world.coordinator, plan_id)


def test_a_plan_without_reports_is_deleted_whole(world: World) -> None:
    other = make_plan(world.db, title="另一个碳达峰实施方案")
    units_before = _count(world.db, Unit)
    gone = plan_lifecycle.delete_plan(world.db, world.coordinator, world.plan.plan_id)
    assert (gone["tasks"], gone["reports"], gone["units"]) == (3, 0, 0)  # the units serve others
    with world.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 1
        assert session.scalar(select(func.count()).where(Task.plan_id == world.plan.plan_id)) == 0
    assert _count(world.db, Unit) == units_before
    plan_lifecycle.delete_plan(world.db, world.coordinator, other.plan_id)
    # the units are bound to users, so they stay even without tasks
    assert _count(world.db, Unit) == units_before


def test_a_plan_with_reports_needs_force_and_a_reason(world: World) -> None:
    _report(world)
    plan_id = world.plan.plan_id
    with pytest.raises(InvalidInput, match=r"已有 1 份进展填报.*归档.*须说明理由") as refused:
        plan_lifecycle.delete_plan(world.db, world.coordinator, plan_id)
    assert refused.value.hint is not None and "--force" in refused.value.hint
    with pytest.raises(InvalidInput, match="必须说明理由"):
        plan_lifecycle.delete_plan(world.db, world.coordinator, plan_id, force=True, reason=" ")
    assert _count(world.db, ProgressReport) == 1
    plan_lifecycle.delete_plan(
        world.db, world.coordinator, plan_id, force=True, reason="误导入的测试方案"
    )
    assert _count(world.db, ProgressReport) == 0
    record = next(
        r for r in history.list_audit(world.db, world.coordinator) if r["action"] == "delete_plan"
    )
    assert record["after"] == "误导入的测试方案"
    assert "1 份填报" in record["before"]


def test_plan_commands(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fast_hashing(monkeypatch)
    db = Database.open(db_url)
    try:
        world = make_world(db)
        _report(world)
        plan_id = world.plan.plan_id
    finally:
        db.close()
    monkeypatch.setenv("TRACKER_USER", "协调员甲")
    monkeypatch.setenv("TRACKER_PASSWORD", "correct horse 1")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("plan", "archive", str(plan_id))[0] == 0
    code, out, _ = run("plans")
    assert code == 0 and "没有使用中的实施方案" in out
    code, out, _ = run("plans", "--all", "--json")
    assert [p["archived"] for p in json.loads(out)["plans"]] == [True]
    code, _, err = run(
        "report",
        "set",
        "--task",
        str(world.plan.task1),
        "--period",
        "2025H1",
        "--unit",
        "市发改委",
        "--status",
        "序时推进",
    )
    assert code == 9 and "已归档" in err
    assert run("plan", "unarchive", str(plan_id))[0] == 0
    code, _, err = run("plan", "delete", str(plan_id))
    assert code != 0 and "--force" in err
    code, _, err = run("plan", "delete", str(plan_id), "--force")
    assert code != 0 and "理由" in err
    code, out, _ = run("plan", "delete", str(plan_id), "--force", "--reason", "重复导入")
    assert code == 0 and "已删除" in out and "1 份填报" in out
    code, out, _ = run("plans", "--all")
    assert code == 0 and "没有实施方案" in out
