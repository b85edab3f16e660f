"""The consolidated state of a task in a period (one rule, used by summary and 催办)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tracker.db import Database
from tracker.models import ROLE_LEAD, TaskUnit
from tracker.services import monitoring, reports, settings, task_state

from factories import HOUSING, MIIT, NDRC, World, make_world, use_fast_hashing

H1 = "2025H1"
RANKS = {"已完成": 4, "序时推进": 3, "长期推进": 2, "进度滞后": 1, "未启动": 0}


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.mark.parametrize(
    ("leads", "state"),
    [
        (["序时推进"], "序时推进"),
        (["已完成"], "已完成"),
        ([None], "未报送"),
        ([], "未报送"),
        (["已完成", "已完成"], "已完成"),
        (["已完成", "序时推进"], "序时推进"),
        (["序时推进", "已完成", "未启动"], "未启动"),
        (["长期推进", "进度滞后"], "进度滞后"),
        (["序时推进", "长期推进"], "长期推进"),
        (["已完成", None], "未报送"),
        (["已完成", "已撤销的状态"], "已撤销的状态"),
    ],
)
def test_the_rule(leads: list[str | None], state: str) -> None:
    assert task_state.consolidate(leads, RANKS) == state


def test_the_vocabulary_ranks_completed_highest() -> None:
    assert task_state.completed_status() == "已完成"
    ranks = task_state.status_ranks()
    assert ranks["已完成"] > ranks["序时推进"] > ranks["长期推进"] > ranks["进度滞后"]
    assert ranks["进度滞后"] > ranks["未启动"]


def _write(tmp_path: Path, statuses: list[dict[str, object]]) -> Path:
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps({"statuses": statuses}, ensure_ascii=False), encoding="utf-8")
    return path


def test_ranks_default_to_the_display_order_and_must_have_one_top(tmp_path: Path) -> None:
    plain = _write(tmp_path, [{"name": "完成"}, {"name": "推进中"}, {"name": "未开始"}])
    read = settings.read_settings(statuses_file=plain)
    assert read.status_ranks == {"完成": 3, "推进中": 2, "未开始": 1}
    assert read.completed_status == "完成"
    twin = _write(tmp_path, [{"name": "甲", "rank": 2}, {"name": "乙", "rank": 2}])
    with pytest.raises(settings.SettingsError, match="只能有一个"):
        settings.read_settings(statuses_file=twin)
    bad = _write(tmp_path, [{"name": "甲", "rank": "高"}])
    with pytest.raises(settings.SettingsError, match="rank 应为整数"):
        settings.read_settings(statuses_file=bad)


@pytest.fixture
def world(db: Database) -> World:
    """The sample plan, with 市住建局 made a second lead of task 2 (lead 市工信局)."""
    made = make_world(db)
    with db.session() as session:
        session.add(
            TaskUnit(
                task_id=made.plan.task2,
                unit_id=made.plan.unit_ids[HOUSING],
                role=ROLE_LEAD,
                position=2,
            )
        )
    return made


def _submit(world: World, actor_name: str, task: int, status: str) -> None:
    actor = getattr(world, actor_name)
    reports.save_report(world.db, actor, task, H1, status=status)
    reports.submit_report(world.db, actor, task, H1, today=dt.date(2025, 7, 1))


def test_states_follow_the_leads_and_ignore_cooperating_units(world: World) -> None:
    db, p = world.db, world.plan
    _submit(world, "miit", p.task1, "未启动")  # cooperating on task 1: no effect
    _submit(world, "miit", p.task2, "已完成")  # first lead of task 2
    _submit(world, "housing", p.task3, "进度滞后")
    reports.save_report(db, world.ndrc, p.task1, H1, status="已完成")  # a draft: not reported
    states = task_state.task_states(db, world.coordinator, H1)
    assert states == {p.task1: "未报送", p.task2: "未报送", p.task3: "进度滞后"}

    _submit(world, "housing", p.task2, "序时推进")  # second lead of task 2
    reports.submit_report(db, world.ndrc, p.task1, H1, today=dt.date(2025, 7, 1))
    states = task_state.task_states(db, world.coordinator, H1)
    assert states == {p.task1: "已完成", p.task2: "序时推进", p.task3: "进度滞后"}

    # Once both leads say 已完成, the task is 已完成; a returned report is not reported.
    reports.return_report(db, world.coordinator, p.task2, H1, HOUSING, reason="请核实")
    assert task_state.task_states(db, world.coordinator, H1)[p.task2] == "未报送"
    _submit(world, "housing", p.task2, "已完成")
    assert task_state.task_states(db, world.coordinator, H1)[p.task2] == "已完成"
    # A reporter sees its unit's tasks only.
    assert set(task_state.task_states(db, world.housing, H1)) == {p.task2, p.task3}


def test_summary_and_remind_use_the_consolidated_state(world: World) -> None:
    db, p = world.db, world.plan
    _submit(world, "miit", p.task2, "已完成")
    _submit(world, "housing", p.task2, "长期推进")
    _submit(world, "ndrc", p.task1, "已完成")
    data = monitoring.summary(db, world.coordinator, H1)
    states = task_state.task_states(db, world.coordinator, H1)
    counted = {s: sum(1 for v in states.values() if v == s) for s in data["statuses"]}
    assert data["by_status"] == counted
    assert data["by_status"]["长期推进"] == 1 and data["by_status"]["未报送"] == 1
    assert (data["completed"], round(data["completion_rate"], 4)) == (1, 0.3333)
    # By lead unit: each lead with its own report.
    leads = {u["unit"]: u["by_status"] for u in data["by_lead_unit"]}
    assert leads[MIIT]["已完成"] == 1 and leads[HOUSING]["长期推进"] == 1
    assert leads[NDRC]["已完成"] == 1

    chased = monitoring.remind(db, world.coordinator, H1, today=dt.date(2025, 7, 2))
    by_task = {t["task_id"]: t["state"] for t in chased["tasks"]}
    # Task 1 still misses its cooperating units, but its lead reported: 已完成.
    assert by_task == {p.task1: "已完成", p.task2: "长期推进", p.task3: "未报送"}
    assert chased["unreported_tasks"] == 1
