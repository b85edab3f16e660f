"""The consolidated state of a task in a period: one rule, and every view of it (the
desktop table, the dashboard's summary, 催办, the ledger, the report) agrees."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
import openpyxl
import pytest

from tracker.db import Database
from tracker.models import ROLE_LEAD, TaskUnit
from tracker.outputs.ledger import export_ledger
from tracker.outputs.report import export_report
from tracker.services import monitoring, reports, settings, task_state, worklist

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


def test_the_vocabulary_ranks_completed_highest(db: Database) -> None:
    shared = settings.get(db)  # the database's vocabulary, filled from the defaults
    assert shared == settings.defaults()
    assert shared.completed_status == "已完成"
    ranks = shared.status_ranks
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
    reports.save_report(world.db, actor, task, H1, status=status, expect_version=None)
    reports.submit_report(world.db, actor, task, H1, today=dt.date(2025, 7, 1), expect_version=None)


def test_states_follow_the_leads_and_ignore_cooperating_units(world: World) -> None:
    db, p = world.db, world.plan
    _submit(world, "miit", p.task1, "未启动")  # cooperating on task 1: no effect
    _submit(world, "miit", p.task2, "已完成")  # first lead of task 2
    _submit(world, "housing", p.task3, "进度滞后")
    reports.save_report(
        db, world.ndrc, p.task1, H1, status="已完成", expect_version=None
    )  # a draft: not reported
    states = task_state.task_states(db, world.coordinator, H1)
    assert states == {p.task1: "未报送", p.task2: "未报送", p.task3: "进度滞后"}

    _submit(world, "housing", p.task2, "序时推进")  # second lead of task 2
    reports.submit_report(
        db, world.ndrc, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    states = task_state.task_states(db, world.coordinator, H1)
    assert states == {p.task1: "已完成", p.task2: "序时推进", p.task3: "进度滞后"}

    # Once both leads say 已完成, the task is 已完成; a returned report is not reported.
    reports.return_report(
        db, world.coordinator, p.task2, H1, HOUSING, reason="请核实", expect_version=None
    )
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


def _every_view(world: World, tmp_path: Path) -> dict[str, dict[int, str]]:
    """Task id → state as each place that shows it has it: the desktop task table
    (worklist), 催办, the ledger file, the report's 附件 table; and the state counts of the
    summary (the dashboard's figures) turned back into counts per view."""
    db, c = world.db, world.coordinator
    today = dt.date(2025, 7, 2)
    rows = worklist.period_tasks(db, c, None, H1, today=today)["tasks"]
    views = {"desktop": {tid: row["status_label"] for tid, row in rows.items()}}
    chased = monitoring.remind(db, c, H1, today=today)["tasks"]
    views["remind"] = {t["task_id"]: t["state"] for t in chased}
    ledger_path = tmp_path / "台账.xlsx"
    export_ledger(db, c, ledger_path, period=H1, today=today)
    ws = openpyxl.load_workbook(ledger_path)["工作台账"]
    headers = [cell.value for cell in ws[4]]
    code, state = headers.index("序号"), headers.index("状态")
    by_code = {str(i): tid for i, tid in enumerate(world.plan.task_ids, 1)}
    views["ledger"] = {
        by_code[str(r[code])]: r[state] for r in ws.iter_rows(min_row=5, values_only=True)
    }
    report_path = tmp_path / "报告.docx"
    export_report(db, c, report_path, period=H1, today=today)
    (table,) = docx.Document(str(report_path)).tables
    views["report"] = {by_code[r.cells[0].text]: r.cells[5].text for r in table.rows[1:]}
    return views


def test_every_view_agrees_on_a_task_with_two_leads_and_one_only_a_cooperating_unit_reported(
    world: World, tmp_path: Path
) -> None:
    db, p = world.db, world.plan
    _submit(world, "miit", p.task1, "已完成")  # only a cooperating unit reported task 1
    # Task 2 has two leads: the first (市工信局) is further along than the second (市住建局).
    _submit(world, "miit", p.task2, "序时推进")
    _submit(world, "housing", p.task2, "长期推进")
    _submit(world, "housing", p.task3, "进度滞后")
    expected = {p.task1: "未报送", p.task2: "长期推进", p.task3: "进度滞后"}
    assert task_state.task_states(db, world.coordinator, H1) == expected
    views = _every_view(world, tmp_path)
    assert views["desktop"] == views["ledger"] == views["report"] == expected
    # 催办 lists the tasks with a unit still missing (task 2 misses its cooperating unit).
    assert views["remind"] == {p.task1: "未报送", p.task2: "长期推进"}
    summary = monitoring.summary(db, world.coordinator, H1)  # what the dashboard draws
    assert {s: n for s, n in summary["by_status"].items() if n} == {
        "未报送": 1,
        "长期推进": 1,
        "进度滞后": 1,
    }

    # The ranks are the database's: put 序时推进 below 长期推进 and every view follows.
    settings.edit_status(db, world.coordinator, "序时推进", rank=1)
    expected[p.task2] = "序时推进"
    views = _every_view(world, tmp_path)
    assert views["desktop"] == views["ledger"] == views["report"] == expected
    assert views["remind"][p.task2] == "序时推进"
    by_status = monitoring.summary(db, world.coordinator, H1)["by_status"]
    assert (by_status["序时推进"], by_status["长期推进"]) == (1, 0)
