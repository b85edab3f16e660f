"""Key projects (重大项目): the stage rule, exact amounts, versions, links and rights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, PermissionDenied
from tracker.models import AuditRecord, Project, ProjectStageChange
from tracker.services import projects
from tracker.services.project_stages import check_dates, move

from factories import use_fast_hashing
from pilot_world import PilotWorld, make_pilot_world

TODAY = dt.date(2025, 8, 1)
D = dt.date


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


# ---------------------------------------------------------------- the stage rule


def test_forward_by_one_stage_records_its_date() -> None:
    moved = move("planning", {}, "started", on=D(2025, 3, 1), reason=None, today=TODAY)
    assert moved.dates["started"] == D(2025, 3, 1) and not moved.backward
    assert [(s.from_stage, s.to_stage, s.on) for s in moved.steps] == [
        ("planning", "started", D(2025, 3, 1))
    ]
    today_move = move("planning", {}, "started", on=None, reason=None, today=TODAY)
    assert today_move.dates["started"] == TODAY


def test_passing_over_a_stage_needs_its_date_and_never_invents_one() -> None:
    with pytest.raises(InvalidInput, match="从谋划直接变更为投产跳过了开工：请同时给出开工日期"):
        move("planning", {}, "operating", on=D(2025, 6, 1), reason=None, today=TODAY)
    moved = move(
        "planning",
        {},
        "effective",
        on=D(2025, 7, 1),
        reason=None,
        passed={"started": D(2025, 1, 5), "operating": D(2025, 5, 1)},
        today=TODAY,
    )
    assert moved.dates == {
        "started": D(2025, 1, 5),
        "operating": D(2025, 5, 1),
        "effective": D(2025, 7, 1),
    }
    assert [s.to_stage for s in moved.steps] == ["started", "operating", "effective"]
    with pytest.raises(InvalidInput, match="投产日期 2025-01-01 早于开工日期 2025-01-05"):
        move(
            "planning",
            {},
            "operating",
            on=D(2025, 1, 1),
            reason=None,
            passed={"started": D(2025, 1, 5)},
            today=TODAY,
        )


def test_going_back_needs_a_reason_and_clears_the_later_dates() -> None:
    dates = {"started": D(2025, 1, 5), "operating": D(2025, 5, 1), "effective": None}
    with pytest.raises(InvalidInput, match="从投产退回开工须说明理由"):
        move("operating", dates, "started", on=None, reason=" ", today=TODAY)
    moved = move("operating", dates, "started", on=None, reason="设备返修", today=TODAY)
    assert moved.backward and moved.dates == {
        "started": D(2025, 1, 5),
        "operating": None,
        "effective": None,
    }
    with pytest.raises(InvalidInput, match="退回日期 2025-04-01 早于投产日期 2025-05-01"):
        move("operating", dates, "started", on=D(2025, 4, 1), reason="返修", today=TODAY)


def test_other_stage_changes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="已处于开工阶段"):
        move("started", {"started": D(2025, 1, 1)}, "started", on=None, reason=None, today=TODAY)
    with pytest.raises(InvalidInput, match="晚于今天"):
        move("planning", {}, "started", on=D(2025, 9, 1), reason=None, today=TODAY)
    with pytest.raises(InvalidInput, match="早于项目上一次阶段变更的日期"):
        move(
            "planning",
            {},
            "started",
            on=D(2025, 2, 1),
            reason=None,
            today=TODAY,
            since=D(2025, 3, 1),
        )
    with pytest.raises(InvalidInput, match="须填写开工日期"):
        check_dates("operating", {"operating": D(2025, 1, 1)}, TODAY)
    with pytest.raises(InvalidInput, match="不应有投产日期"):
        check_dates("started", {"started": D(2025, 1, 1), "operating": D(2025, 2, 1)}, TODAY)


# ---------------------------------------------------------------- the service


def _add(world: PilotWorld, **fields: object) -> dict[str, object]:
    values = {"name": "屋顶光伏项目", "owner": "某能源公司", **fields}
    return projects.add_project(world.db, world.park_body, world.park, fields=values, today=TODAY)


def test_amounts_are_exact_and_never_negative(world: PilotWorld) -> None:
    db = world.db
    first = _add(world, total_investment="0.1", expected_reduction="1,250.5")["project"]
    _add(world, name="储能项目", total_investment="0.2", expected_reduction="０.０００１")
    assert first["total_investment"] == Decimal("0.1") and first["code"] == "1"
    with db.reader() as session:
        counts = projects.project_counts(session, [world.park])[world.park]
    assert counts["total_investment"] == Decimal("0.3")  # no binary floating point anywhere
    assert counts["reduction"] == Decimal("1250.5001")
    before = projects.list_projects(db, world.coordinator)
    for bad, message in (
        ({"total_investment": "-5"}, "“总投资”不能为负数"),
        ({"total_investment": "1.23456"}, "小数位太多：最多 4 位"),
        ({"expected_reduction": "约3万吨"}, "不是数字"),
        ({"total_investment": "NaN"}, "不是有效数字"),
        ({"name": ""}, "“项目名称”不能为空"),
    ):
        with pytest.raises(InvalidInput, match=message):
            _add(world, **bad)
    with pytest.raises(InvalidInput, match="“2025年计划投资”不能为负数"):
        projects.add_project(
            db, world.park_body, world.park, fields={"name": "x"}, investments={2025: ("-1", None)}
        )
    assert projects.list_projects(db, world.coordinator) == before


def test_a_project_created_at_a_later_stage_needs_the_dates_of_its_stages(
    world: PilotWorld,
) -> None:
    db = world.db
    with pytest.raises(InvalidInput, match="跳过了开工"):
        projects.add_project(
            db,
            world.park_body,
            world.park,
            fields={"name": "余热发电"},
            stage="投产",
            stage_dates={"投产": "2025-05-01"},
            today=TODAY,
        )
    added = projects.add_project(
        db,
        world.park_body,
        world.park,
        fields={"name": "余热发电"},
        stage="投产",
        stage_dates={"开工": "2024-03-01", "投产": "2025-05-01"},
        today=TODAY,
    )["project"]
    assert added["stage_label"] == "投产"
    assert added["stage_dates"] == {"开工": "2024-03-01", "投产": "2025-05-01", "达效": None}
    assert [(h["from"], h["to"], h["on"]) for h in added["history"]] == [
        (None, "谋划", "2024-03-01"),
        ("谋划", "开工", "2024-03-01"),
        ("开工", "投产", "2025-05-01"),
    ]


def test_stage_changes_are_recorded_versioned_and_audited(world: PilotWorld) -> None:
    db = world.db
    project = _add(world)["project"]
    pid, version = project["id"], project["version"]
    moved = projects.change_stage(
        db, world.park_body, pid, "开工", on="2025-03-01", expect_version=version, today=TODAY
    )
    assert moved["version"] == version + 1
    with pytest.raises(ConflictError, match="您读取的是版本"):
        projects.change_stage(
            db, world.park_body, pid, "投产", on="2025-06-01", expect_version=version, today=TODAY
        )
    with pytest.raises(InvalidInput, match="须说明理由"):
        projects.change_stage(db, world.park_body, pid, "谋划", expect_version=None, today=TODAY)
    back = projects.change_stage(
        db, world.coordinator, pid, "谋划", reason="用地调整", expect_version=None, today=TODAY
    )
    assert back["stage_label"] == "谋划" and back["stage_dates"]["开工"] is None
    assert back["history"][-1] == {
        **back["history"][-1],
        "from": "开工",
        "to": "谋划",
        "reason": "用地调整",
        "recorded_by": "协调员甲",
    }
    with db.reader() as session:
        actions = list(
            session.scalars(
                select(AuditRecord.after).where(
                    AuditRecord.object_type == "project", AuditRecord.field == "stage"
                )
            )
        )
        assert actions == ["开工", "谋划"]
        reason = session.scalar(select(AuditRecord.after).where(AuditRecord.field == "reason"))
        assert reason == "用地调整"


def test_editing_a_project_checks_dates_investments_and_task_links(world: PilotWorld) -> None:
    db = world.db
    pid = _add(world, total_investment="1000")["project"]["id"]
    changed = projects.update_project(
        db,
        world.park_body,
        pid,
        expect_version=None,
        fields={"location": "园区东区", "planned_start": "2025-01-01", "total_investment": ""},
        investments={2025: ("600", "250.5"), 2026: ("700", None)},
        add_tasks=world.park_tasks,
    )
    project = changed["project"]
    assert project["total_investment"] is None and project["location"] == "园区东区"
    assert [t["id"] for t in project["tasks"]] == world.park_tasks
    assert project["investments"] == [
        {"year": 2025, "planned": Decimal("600"), "completed": Decimal("250.5")},
        {"year": 2026, "planned": Decimal("700"), "completed": None},
    ]
    warned = projects.update_project(
        db, world.park_body, pid, expect_version=None, fields={"total_investment": "1000"}
    )
    assert warned["warnings"] == [
        "项目 1（屋顶光伏项目）各年计划投资合计 1300 万元，超过总投资 1000 万元（仅提示，已保存）。"
    ]
    with pytest.raises(InvalidInput, match="计划建成日期 2024-12-01 早于计划开工日期"):
        projects.update_project(
            db, world.park_body, pid, expect_version=None, fields={"planned_finish": "2024-12-01"}
        )
    with pytest.raises(InvalidInput, match="项目处于谋划阶段，不应有开工日期"):
        projects.update_project(
            db, world.park_body, pid, expect_version=None, stage_dates={"开工": "2025-01-01"}
        )
    foreign = projects.add_project(db, world.firm_body, world.firm, fields={"name": "某项目"})
    with pytest.raises(InvalidInput, match=r"不是.*试点实施方案中的（现行）任务"):
        projects.update_project(
            db,
            world.firm_body,
            foreign["project"]["id"],
            expect_version=None,
            add_tasks=[world.park_tasks[0]],
        )


def test_only_the_pilot_body_and_the_coordinator_change_projects(world: PilotWorld) -> None:
    db = world.db
    pid = _add(world)["project"]["id"]
    for outsider in (world.yinchuan, world.firm_body):
        with pytest.raises(PermissionDenied):
            projects.change_stage(db, outsider, pid, "开工", expect_version=None, today=TODAY)
    assert projects.get_project(db, world.yinchuan, pid)["name"] == "屋顶光伏项目"
    with pytest.raises(PermissionDenied):
        projects.get_project(db, world.shizuishan, pid)
    assert projects.list_projects(db, world.firm_body) == []
    with pytest.raises(PermissionDenied):
        projects.list_projects(db, world.stranger)
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ProjectStageChange)) == 1


def test_a_progress_note_per_period(world: PilotWorld) -> None:
    db = world.db
    pid = _add(world)["project"]["id"]
    noted = projects.set_progress_note(
        db, world.park_body, pid, "2025年上半年", "完成备案和环评。", expect_version=0
    )
    assert noted["notes"][0]["period"] == "2025H1"
    with pytest.raises(ConflictError):
        projects.set_progress_note(db, world.park_body, pid, "2025H1", "再改", expect_version=0)
    projects.set_progress_note(db, world.park_body, pid, "2025H1", "开工建设。", expect_version=1)
    listed = projects.list_projects(db, world.coordinator, pilot=world.park, period="2025H1")
    assert listed[0]["period_note"] == "开工建设。"
    with db.reader() as session:
        assert session.get(Project, pid) is not None
