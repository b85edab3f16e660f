"""Progress reports: the workflow, rights, validation, evidence, consolidation, conflicts and
the audit trail — on SQLite and (with TEST_PG_URL) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tracker.db import Database
from tracker.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    PeriodLocked,
    PermissionDenied,
)
from tracker.models import AuditRecord, Evidence, ProgressReport
from tracker.services import history, instructions, periods, reports
from tracker.services import settings as settings_service

from factories import HOUSING, LAND, MIIT, NDRC, World, make_world, use_fast_hashing

H1 = "2025H1"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def _report_count(db: Database) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(ProgressReport)) or 0


def _audit_count(db: Database) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


# ---------------------------------------------------------------- the whole workflow


def test_workflow_draft_submit_return_edit_approve(world: World) -> None:
    db, p = world.db, world.plan
    target_id = p.target_ids[p.task1][0]

    draft = reports.save_report(
        db,
        world.ndrc,
        p.task1,
        H1,
        status="序时推进",
        progress="新增光伏装机120万千瓦",
        results="装机规模提高",
        problems="电网消纳能力不足",
        next_steps="加快配套电网建设",
        percent="45",
        actuals={target_id: "320"},
        expect_version=None,
    )
    assert draft["state"] == "draft"
    assert draft["state_label"] == "草稿"
    assert draft["version"] == 1
    assert draft["unit"] == NDRC
    assert draft["role"] == "lead"
    assert draft["percent"] == 45
    assert draft["actuals"] == [
        {
            "target_id": target_id,
            "indicator": "新能源装机规模",
            "target_value": 500.0,
            "unit": "万千瓦",
            "year": 2025,
            "value": 320.0,
        }
    ]

    submitted = reports.submit_report(
        db, world.ndrc, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    assert (submitted["state"], submitted["late"], submitted["version"]) == ("submitted", False, 2)
    assert submitted["submitted_by"] == "发改委填报员"

    returned = reports.return_report(
        db, world.coordinator, p.task1, H1, NDRC, reason="请补充装机数据来源", expect_version=None
    )
    assert returned["state"] == "returned"
    assert returned["return_reason"] == "请补充装机数据来源"
    assert returned["reviewed_by"] == "协调员甲"

    edited = reports.save_report(
        db, world.ndrc, p.task1, H1, results="装机规模提高（据电网公司统计）", expect_version=None
    )
    assert edited["state"] == "draft"  # editing a returned report makes it a draft again

    reports.submit_report(
        db, world.ndrc, p.task1, H1, today=dt.date(2025, 7, 5), expect_version=None
    )
    approved = reports.approve_report(db, world.coordinator, p.task1, H1, NDRC, expect_version=None)
    assert approved["state"] == "approved"
    assert approved["return_reason"] is None
    assert approved["version"] == 6

    # An approved report is final for the unit.
    with pytest.raises(InvalidInput, match="已审核"):
        reports.save_report(db, world.ndrc, p.task1, H1, progress="再改", expect_version=None)


def test_audit_trail_of_one_report_from_draft_to_approved(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db, world.miit, p.task2, H1, status="未启动", progress="正在调研", expect_version=None
    )
    reports.save_report(db, world.miit, p.task2, H1, status="序时推进", expect_version=None)
    reports.submit_report(
        db, world.miit, p.task2, H1, today=dt.date(2025, 7, 11), expect_version=None
    )
    reports.approve_report(db, world.coordinator, p.task2, H1, MIIT, expect_version=None)

    trail = [
        (r["user"], r["action"], r["field"], r["before"], r["after"])
        for r in history.list_audit(db, world.coordinator, task_id=p.task2)
    ]
    assert trail == [
        ("工信局填报员", "create_report", None, None, "草稿"),
        ("工信局填报员", "edit_report", "status", None, "未启动"),
        ("工信局填报员", "edit_report", "progress", None, "正在调研"),
        ("工信局填报员", "edit_report", "status", "未启动", "序时推进"),
        ("工信局填报员", "submit_report", "state", "草稿", "已报送"),
        ("工信局填报员", "submit_report", "late", "否", "是（截止 2025-07-10，报送 2025-07-11）"),
        ("协调员甲", "approve_report", "state", "已报送", "已审核"),
    ]
    records = history.list_audit(db, world.coordinator, task_id=p.task2)
    report_id = records[0]["object_id"]
    assert all(r["object_type"] == "report" and r["object_id"] == report_id for r in records)
    assert all(r["at"] for r in records)


def test_late_submission_is_marked_and_kept(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.housing, p.task3, H1, status="进度滞后", expect_version=None)
    late = reports.submit_report(
        db, world.housing, p.task3, H1, today=dt.date(2025, 7, 11), expect_version=None
    )
    assert late["late"] is True
    reports.return_report(
        db, world.coordinator, p.task3, H1, HOUSING, reason="补充", expect_version=None
    )
    reports.save_report(db, world.housing, p.task3, H1, problems="资金不足", expect_version=None)
    again = reports.submit_report(
        db, world.housing, p.task3, H1, today=dt.date(2025, 7, 12), expect_version=None
    )
    assert again["late"] is True

    on_time = reports.save_report(
        db, world.miit, p.task2, H1, status="序时推进", expect_version=None
    )
    assert on_time["late"] is False
    due_day = reports.submit_report(
        db, world.miit, p.task2, H1, today=dt.date(2025, 7, 10), expect_version=None
    )
    assert due_day["late"] is False  # on the due date is still on time


def test_lead_and_cooperating_units_both_report_and_lead_consolidates(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db,
        world.ndrc,
        p.task1,
        H1,
        status="序时推进",
        progress="发改委：规划编制完成",
        expect_version=None,
    )
    reports.save_report(
        db,
        world.miit,
        p.task1,
        H1,
        status="序时推进",
        progress="工信局：新增储能项目2个",
        problems="储能成本高",
        expect_version=None,
    )
    reports.submit_report(
        db, world.miit, p.task1, H1, today=dt.date(2025, 7, 1), expect_version=None
    )
    # The land bureau only has a draft: not taken in.
    reports.save_report(
        db, world.land, p.task1, H1, status="序时推进", progress="用地保障草稿", expect_version=None
    )

    merged = reports.consolidate(db, world.ndrc, p.task1, H1, expect_version=None)
    assert merged["merged"] == [MIIT]
    assert merged["missing"] == [LAND]
    assert merged["progress"] == "发改委：规划编制完成\n【市工信局】工信局：新增储能项目2个"
    assert merged["problems"] == "【市工信局】储能成本高"

    # The land bureau submits; consolidating again refreshes the blocks, not duplicates them.
    reports.submit_report(
        db, world.land, p.task1, H1, today=dt.date(2025, 7, 2), expect_version=None
    )
    again = reports.consolidate(db, world.ndrc, p.task1, H1, expect_version=None)
    assert again["merged"] == [MIIT, LAND]
    assert again["missing"] == []
    assert again["progress"] == (
        "发改委：规划编制完成\n【市工信局】工信局：新增储能项目2个\n【市自然资源局】用地保障草稿"
    )
    unchanged = reports.consolidate(db, world.ndrc, p.task1, H1, expect_version=None)
    assert unchanged["progress"] == again["progress"]
    assert unchanged["version"] == again["version"]  # nothing changed, no new version

    # A cooperating unit may not consolidate.
    with pytest.raises(PermissionDenied, match="配合单位"):
        reports.consolidate(db, world.miit, p.task1, H1, expect_version=None)

    shown = reports.task_reports(db, world.coordinator, p.task1, H1)
    assert [(u["unit"], u["role"]) for u in shown["units"]] == [
        (NDRC, "lead"),
        (MIIT, "cooperating"),
        (LAND, "cooperating"),
    ]
    assert all(u["report"] is not None for u in shown["units"])


def test_coordinator_can_enter_a_units_report_but_must_name_the_unit(world: World) -> None:
    db, p = world.db, world.plan
    with pytest.raises(InvalidInput, match="请指明填报单位") as refused:
        reports.save_report(
            db, world.coordinator, p.task3, H1, status="已完成", expect_version=None
        )
    assert refused.value.hint == "用 --unit 指明单位。"
    saved = reports.save_report(
        db, world.coordinator, p.task3, H1, HOUSING, status="已完成", expect_version=None
    )
    assert saved["unit"] == HOUSING
    assert saved["created_by"] == "协调员甲"


def test_instruction_on_a_task(world: World) -> None:
    db, p = world.db, world.plan
    added = instructions.add_instruction(db, world.coordinator, p.task1, "请于7月5日前报送装机数据")
    assert added["created_by"] == "协调员甲"
    with pytest.raises(PermissionDenied):
        instructions.add_instruction(db, world.ndrc, p.task1, "自己给自己批示")
    with pytest.raises(InvalidInput, match="不能为空"):
        instructions.add_instruction(db, world.coordinator, p.task1, "  ")
    listed = instructions.list_instructions(db, world.miit, p.task1)
    assert [i["text"] for i in listed] == ["请于7月5日前报送装机数据"]
    shown = reports.task_reports(db, world.ndrc, p.task1, H1)
    assert [i["text"] for i in shown["instructions"]] == ["请于7月5日前报送装机数据"]
    trail = history.list_audit(db, world.coordinator, task_id=p.task1)
    assert trail[-1]["action"] == "add_instruction"


# ---------------------------------------------------------------- rights


def test_reporter_refused_on_another_units_task(world: World) -> None:
    db, p = world.db, world.plan
    before = _audit_count(db)
    # 住建局 is not on task 1 at all.
    with pytest.raises(PermissionDenied, match=r"住建局填报员.*无权查看或填报任务"):
        reports.save_report(db, world.housing, p.task1, H1, status="已完成", expect_version=None)
    with pytest.raises(PermissionDenied):
        reports.task_reports(db, world.housing, p.task1, H1)
    # 工信局 cooperates on task 1 but may not write 市发改委's report.
    with pytest.raises(PermissionDenied, match="无权填报或修改“市发改委”的报告"):
        reports.save_report(db, world.miit, p.task1, H1, NDRC, status="已完成", expect_version=None)
    assert _audit_count(db) == before
    assert _report_count(db) == 0

    # Reporters cannot review, not even their own unit's report.
    reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None)
    reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None)
    with pytest.raises(PermissionDenied, match="仅协调员"):
        reports.approve_report(db, world.ndrc, p.task1, H1, NDRC, expect_version=None)
    with pytest.raises(PermissionDenied, match="仅协调员"):
        reports.return_report(db, world.miit, p.task1, H1, NDRC, reason="不行", expect_version=None)
    report = reports.get_report(db, world.ndrc, p.task1, H1)
    assert report is not None and report["state"] == "submitted"


def test_reporter_sees_only_its_units_tasks_in_audit(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None)
    reports.save_report(db, world.housing, p.task3, H1, status="序时推进", expect_version=None)
    seen_by_housing = history.list_audit(db, world.housing)
    assert {r["task_id"] for r in seen_by_housing} == {p.task3}
    with pytest.raises(PermissionDenied):
        history.list_audit(db, world.housing, task_id=p.task1)


# ---------------------------------------------------------------- locked period


def test_locked_period_refuses_every_change(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None)
    reports.save_report(db, world.miit, p.task2, H1, status="序时推进", expect_version=None)
    reports.submit_report(db, world.miit, p.task2, H1, expect_version=None)
    periods.lock_period(db, world.coordinator, p.plan_id, H1)
    before = (_audit_count(db), reports.get_report(db, world.ndrc, p.task1, H1))

    attempts = [
        lambda: reports.save_report(
            db, world.ndrc, p.task1, H1, progress="锁定后修改", expect_version=None
        ),
        lambda: reports.save_report(
            db, world.housing, p.task3, H1, status="已完成", expect_version=None
        ),
        lambda: reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None),
        lambda: reports.approve_report(
            db, world.coordinator, p.task2, H1, MIIT, expect_version=None
        ),
        lambda: reports.return_report(
            db, world.coordinator, p.task2, H1, MIIT, reason="x", expect_version=None
        ),
        lambda: reports.consolidate(db, world.ndrc, p.task1, H1, expect_version=None),
        lambda: periods.set_due_date(db, world.coordinator, p.plan_id, H1, "2025-07-20"),
    ]
    for attempt in attempts:
        with pytest.raises(PeriodLocked, match=r"报告期 2025H1（2025年上半年）已锁定.*协调员甲"):
            attempt()
    assert (_audit_count(db), reports.get_report(db, world.ndrc, p.task1, H1)) == before

    # Another period is not affected.
    reports.save_report(db, world.ndrc, p.task1, "2025H2", status="序时推进", expect_version=None)

    with pytest.raises(InvalidInput, match="理由"):
        periods.reopen_period(db, world.coordinator, p.plan_id, H1, "  ")
    periods.reopen_period(db, world.coordinator, p.plan_id, H1, "市发改委申请补充数据")
    saved = reports.save_report(
        db, world.ndrc, p.task1, H1, progress="补充数据", expect_version=None
    )
    assert saved["progress"] == "补充数据"


# ---------------------------------------------------------------- bad input changes nothing


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"task_id": 9999}, NotFound, "没有编号为 9999 的任务"),
        ({"period": "2031H1"}, NotFound, "没有报告期 2031H1"),
        ({"period": "明年"}, InvalidInput, "无法识别报告期“明年”"),
        ({"unit": "市不存在局"}, NotFound, "没有名为“市不存在局”的单位"),
        ({"unit": HOUSING}, InvalidInput, "“市住建局”不是任务"),
        ({"status": "进行中"}, InvalidInput, "状态“进行中”不在可选范围内"),
        ({"percent": "120"}, InvalidInput, "完成百分比 120 超出范围"),
        ({"percent": "-1"}, InvalidInput, "超出范围"),
        ({"percent": "大约一半"}, InvalidInput, "完成百分比“大约一半”不是数字"),
        ({"actuals": {"first": "很多"}}, InvalidInput, "新能源装机规模.*实际值“很多”不是数字"),
        ({"actuals": {424242: "1"}}, InvalidInput, "目标 424242 不属于任务"),
        ({"actuals": {"first": "1,5"}}, InvalidInput, "实际值“1,5”不是数字"),
        ({"evidence": ["missing.pdf"]}, InvalidInput, "佐证材料文件不存在"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    world: World,
    tmp_path: Path,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db,
        world.coordinator,
        p.task1,
        H1,
        NDRC,
        status="序时推进",
        progress="原文",
        expect_version=None,
    )
    before = (_audit_count(db), _report_count(db), reports.get_report(db, world.ndrc, p.task1, H1))
    call: dict[str, object] = {
        "task_id": p.task1,
        "period": H1,
        "unit": NDRC,
        "status": "已完成",
        "progress": "新文",
    }
    call.update(kwargs)
    actuals = call.get("actuals")
    if isinstance(actuals, dict) and "first" in actuals:
        call["actuals"] = {p.target_ids[p.task1][0]: actuals["first"]}
    if call.get("evidence") == ["missing.pdf"]:
        call["evidence"] = [tmp_path / "missing.pdf"]
    with pytest.raises(error, match=message):
        reports.save_report(db, world.coordinator, **call, expect_version=None)  # type: ignore[arg-type]
    after = (_audit_count(db), _report_count(db), reports.get_report(db, world.ndrc, p.task1, H1))
    assert after == before


def test_new_report_needs_a_status(world: World) -> None:
    with pytest.raises(InvalidInput, match="新建填报必须选择进展状态"):
        reports.save_report(
            world.db, world.ndrc, world.plan.task1, H1, progress="只有文字", expect_version=None
        )
    assert _report_count(world.db) == 0


def test_submit_and_review_need_the_right_state(world: World) -> None:
    db, p = world.db, world.plan
    with pytest.raises(NotFound, match="还不存在"):
        reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None)
    reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=None)
    with pytest.raises(InvalidInput, match="只有已报送的填报可以审核"):
        reports.approve_report(db, world.coordinator, p.task1, H1, NDRC, expect_version=None)
    with pytest.raises(InvalidInput, match="只有已报送或已审核的填报可以退回"):
        reports.return_report(
            db, world.coordinator, p.task1, H1, NDRC, reason="x", expect_version=None
        )
    reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None)
    with pytest.raises(InvalidInput, match="无需再报送"):
        reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=None)
    with pytest.raises(InvalidInput, match="退回必须说明理由"):
        reports.return_report(
            db, world.coordinator, p.task1, H1, NDRC, reason=" ", expect_version=None
        )


# ---------------------------------------------------------------- evidence and values


def test_evidence_is_stored_in_the_database_with_its_hash(world: World, tmp_path: Path) -> None:
    db, p = world.db, world.plan
    content = "光伏项目验收报告".encode() * 100
    file = tmp_path / "验收报告.pdf"
    file.write_bytes(content)
    saved = reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", evidence=[file], expect_version=None
    )
    [evidence] = saved["evidence"]
    assert evidence["name"] == "验收报告.pdf"
    assert evidence["size"] == len(content)
    assert evidence["sha256"] == hashlib.sha256(content).hexdigest()
    file.unlink()  # the database copy is complete on its own
    name, stored = reports.evidence_content(db, world.miit, evidence["id"])
    assert (name, stored) == ("验收报告.pdf", content)

    # The same content again is not stored twice.
    file.write_bytes(content)
    again = reports.save_report(db, world.ndrc, p.task1, H1, evidence=[file], expect_version=None)
    assert len(again["evidence"]) == 1
    assert again["version"] == saved["version"]

    with pytest.raises(PermissionDenied):  # 住建局 is not on the task
        reports.evidence_content(db, world.housing, evidence["id"])

    removed = reports.remove_evidence(db, world.ndrc, evidence["id"], expect_version=None)
    assert removed["evidence"] == []
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_evidence_above_the_size_cap_is_refused(world: World, tmp_path: Path) -> None:
    # the cap is the database's shared setting
    settings_service.set_value(world.db, world.coordinator, "evidence_max_bytes", "1KB")
    big = tmp_path / "现场照片.jpg"
    big.write_bytes(b"\xff" * 2048)
    with pytest.raises(
        InvalidInput, match=r"佐证材料“现场照片.jpg”太大（2 KB），单个文件不得超过 1 KB"
    ):
        reports.save_report(
            world.db,
            world.ndrc,
            world.plan.task1,
            H1,
            status="序时推进",
            evidence=[big],
            expect_version=None,
        )
    assert _report_count(world.db) == 0


def test_percent_and_actual_values_can_be_changed_and_cleared(world: World) -> None:
    db, p = world.db, world.plan
    target_id = p.target_ids[p.task1][0]
    reports.save_report(
        db,
        world.ndrc,
        p.task1,
        H1,
        status="序时推进",
        percent=30,
        actuals={target_id: 100},
        expect_version=None,
    )
    changed = reports.save_report(
        db,
        world.ndrc,
        p.task1,
        H1,
        percent="35.5",
        actuals={target_id: "1,250"},
        expect_version=None,
    )
    assert changed["percent"] == 35.5
    assert changed["actuals"][0]["value"] == 1250.0
    cleared = reports.save_report(
        db, world.ndrc, p.task1, H1, percent="", actuals={target_id: ""}, expect_version=None
    )
    assert cleared["percent"] is None
    assert cleared["actuals"] == []
    fields = [r["field"] for r in history.list_audit(db, world.coordinator, task_id=p.task1)]
    assert fields.count("percent") == 3
    assert fields.count(f"actual[{target_id}]") == 3


def test_saving_the_same_values_creates_no_new_version(world: World) -> None:
    db, p = world.db, world.plan
    first = reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", progress="同样的文字", expect_version=None
    )
    audit_before = _audit_count(db)
    same = reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", progress="同样的文字", expect_version=None
    )
    assert same["version"] == first["version"]
    assert _audit_count(db) == audit_before


# ---------------------------------------------------------------- concurrent edits


def test_conflicting_save_from_two_sessions_is_refused(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", progress="初稿", expect_version=None
    )
    # Two people open the report: both read version 1.
    read_by_ndrc = reports.get_report(db, world.ndrc, p.task1, H1)
    read_by_coordinator = reports.get_report(db, world.coordinator, p.task1, H1, NDRC)
    assert read_by_ndrc is not None and read_by_coordinator is not None
    assert read_by_ndrc["version"] == read_by_coordinator["version"] == 1

    reports.save_report(
        db, world.coordinator, p.task1, H1, NDRC, progress="协调员改过", expect_version=1
    )
    with pytest.raises(
        ConflictError,
        match=r"已被“协调员甲”于 \d{4}-\d\d-\d\d \d\d:\d\d 修改（当前版本 2，您读取的是版本 1）",
    ):
        reports.save_report(db, world.ndrc, p.task1, H1, progress="填报员的修改", expect_version=1)
    kept = reports.get_report(db, world.ndrc, p.task1, H1)
    assert kept is not None and kept["progress"] == "协调员改过"

    # Without an expected version the save goes on top of the current one.
    on_top = reports.save_report(
        db, world.ndrc, p.task1, H1, progress="在最新版上修改", expect_version=None
    )
    assert on_top["version"] == 3

    # Workflow steps check the version too.
    with pytest.raises(ConflictError):
        reports.submit_report(db, world.ndrc, p.task1, H1, expect_version=2)
    # "0" means "I saw no report": refused once a report exists.
    with pytest.raises(ConflictError):
        reports.save_report(db, world.ndrc, p.task1, H1, progress="x", expect_version=0)


def test_concurrent_saves_in_threads_exactly_one_wins(world: World) -> None:
    db, p = world.db, world.plan
    reports.save_report(
        db, world.ndrc, p.task1, H1, status="序时推进", progress="初稿", expect_version=None
    )
    writers = 4
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(number: int) -> None:
        barrier.wait()
        try:
            reports.save_report(
                db, world.ndrc, p.task1, H1, progress=f"第{number}人的修改", expect_version=1
            )
            result = "saved"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["saved"]
    final = reports.get_report(db, world.ndrc, p.task1, H1)
    assert final is not None and final["version"] == 2


# ---------------------------------------------------------------- the audit log is append-only


def test_audit_log_cannot_be_changed_in_the_database(world: World) -> None:
    db = world.db
    reports.save_report(
        db, world.ndrc, world.plan.task1, H1, status="序时推进", expect_version=None
    )
    count = _audit_count(db)
    for statement in ("UPDATE audit_log SET user_name = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.session() as session:
            session.execute(text(statement))
    assert _audit_count(db) == count
    with db.reader() as session:
        assert "x" not in set(session.scalars(select(AuditRecord.user_name)))


@pytest.mark.parametrize(
    "write",
    [
        reports.save_report,
        reports.submit_report,
        reports.approve_report,
        reports.return_report,
        reports.consolidate,
        reports.remove_evidence,
    ],
    ids=lambda f: f.__name__,
)
def test_every_write_must_be_told_the_version_its_caller_showed(write: object) -> None:
    # No default: a caller that forgets the version does not type-check and fails at once.
    parameter = inspect.signature(write).parameters["expect_version"]  # type: ignore[arg-type]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty


def test_a_write_names_the_version_it_was_based_on(world: World) -> None:
    db, p = world.db, world.plan
    first = reports.save_report(db, world.ndrc, p.task1, H1, status="序时推进", expect_version=0)
    assert (first["based_on"], first["version_checked"]) == (None, True)
    second = reports.save_report(
        db, world.coordinator, p.task1, H1, unit=NDRC, progress="改", expect_version=None
    )
    assert second["based_on"]["version"] == first["version"]
    assert second["based_on"]["updated_by"] == "发改委填报员"
    assert second["version_checked"] is False
