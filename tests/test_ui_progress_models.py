"""The models of the half-year screens: Qt's model contract (qtmodeltester) on real service
data, and what their cells and filters show."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tracker.db import Database
from tracker.services import (
    history,
    monitoring,
    periods,
    plans,
    reports,
    users,
    worklist,
)
from tracker.services import settings as settings_service
from ui.models import SORT_ROLE, TaskColumn
from ui.progress_models import (
    ActualsModel,
    AreaProgressModel,
    AuditModel,
    EvidenceModel,
    LateUnitModel,
    PeriodModel,
    PlanTaskModel,
    PlanTaskProxy,
    ProgressColumn,
    ReportHistoryModel,
    ReviewQueueModel,
    StatusModel,
    TargetProgressModel,
    UserModel,
    comparator_text,
    light_text,
)

from factories import MIIT, NDRC, World

TOOLTIP = Qt.ItemDataRole.ToolTipRole

pytest_plugins = ("conftest_ui", "conftest_desk")
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qapp")]


@pytest.fixture
def filled(world: World, current_period: dict[str, Any], tmp_path: Any) -> dict[str, Any]:
    """Reports in several states on the current period; returns what the models read."""
    db, p = world.db, world.plan
    period = int(current_period["id"])
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"\xff\xd8" + b"0" * 2048)
    target = p.target_ids[p.task1][0]
    reports.save_report(
        db,
        world.ndrc,
        p.task1,
        period,
        status="已完成",
        progress="完成",
        actuals={target: "520"},
        evidence=[evidence],
        expect_version=None,
    )
    reports.submit_report(db, world.ndrc, p.task1, period, expect_version=None)
    reports.save_report(
        db, world.miit, p.task2, period, status="序时推进", progress="推进中", expect_version=None
    )
    reports.submit_report(db, world.miit, p.task2, period, expect_version=None)
    coordinator = world.coordinator
    summary = monitoring.summary(db, coordinator, str(current_period["code"]), plan_id=p.plan_id)
    remind = monitoring.remind(db, coordinator, str(current_period["code"]), plan_id=p.plan_id)
    task1 = reports.task_reports(db, coordinator, p.task1, period)
    return {
        "tasks": plans.list_tasks(db, coordinator, plan_id=p.plan_id),
        "rows": worklist.period_tasks(db, coordinator, p.plan_id, period),
        "queue": worklist.review_queue(db, coordinator, p.plan_id, period),
        "history": worklist.report_history(db, coordinator, p.task1),
        "audit": history.list_audit(db, coordinator, task_id=p.task1),
        "task1": task1,
        "periods": periods.list_periods(db, coordinator, p.plan_id)["periods"],
        "users": users.list_users(db, coordinator),
        "summary": summary,
        "remind": remind,
        "settings": settings_service.show(db),
    }


def plan_model(filled: dict[str, Any], *, own: str | None = None) -> PlanTaskModel:
    model = PlanTaskModel()
    model.set_tasks(filled["tasks"])
    rows = filled["rows"]
    model.set_progress(rows["tasks"], rows["period"]["days_left"], own=own)
    return model


def test_plan_task_model_and_proxy_pass_modeltester(
    qtmodeltester: Any, filled: dict[str, Any]
) -> None:
    model = plan_model(filled)
    qtmodeltester.check(model)
    proxy = PlanTaskProxy()
    proxy.setSourceModel(model)
    proxy.sort(ProgressColumn.LIGHT, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy)
    proxy.set_status("已完成")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1


def test_plan_task_model_cells(filled: dict[str, Any], world: World) -> None:
    model = plan_model(filled)
    row = model.row_of_task_id(world.plan.task1)
    assert row is not None
    assert model.index(row, ProgressColumn.STATUS).data() == "已完成"
    assert model.index(row, ProgressColumn.REPORTS).data() == "1/3"
    assert model.index(row, ProgressColumn.UPDATED).data().startswith("20")
    assert model.headerData(ProgressColumn.REPORTS, Qt.Orientation.Horizontal) == "报送情况"
    task3 = model.row_of_task_id(world.plan.task3)
    assert task3 is not None and model.index(task3, ProgressColumn.STATUS).data() == "未报送"
    # the reporter's table shows the unit's own report
    mine = plan_model(filled, own="本单位")
    assert mine.headerData(ProgressColumn.REPORTS, Qt.Orientation.Horizontal) == "本单位填报"
    tip = mine.headerData(ProgressColumn.REPORTS, Qt.Orientation.Horizontal, TOOLTIP)
    assert tip.startswith("本单位在该任务中")
    pilot = plan_model(filled, own="本试点")
    assert pilot.headerData(ProgressColumn.REPORTS, Qt.Orientation.Horizontal) == "本试点填报"
    assert mine.index(task3, TaskColumn.CODE).data() == "3"


def test_light_texts() -> None:
    assert light_text("red", -3, reporter=False) == "逾期 3 天"
    assert light_text("yellow", 2, reporter=True) == "剩 2 天"
    assert light_text("done", 2, reporter=True) == "已报送"
    assert light_text("done", -9, reporter=False) == "已报齐"


def test_targets_show_the_comparator_as_people_write_it() -> None:
    target = {"id": 1, "year": 2025, "indicator": "光伏装机", "value": 150, "unit": "万千瓦"}
    shown = []
    for comparator in ("=", ">=", "<=", "≈"):
        model = ActualsModel()
        model.set_targets([{**target, "comparator": comparator}], {}, read_only=True)
        shown.append(model.index(0, 2).data())
    assert shown == ["150万千瓦", "≥150万千瓦", "≤150万千瓦", "约150万千瓦"]
    assert comparator_text(None) == ""


def test_area_model_with_lights_passes_modeltester(
    qtmodeltester: Any, filled: dict[str, Any]
) -> None:
    tasks = plan_model(filled)
    areas = AreaProgressModel()
    areas.set_areas(tasks.areas(), tasks.area_counts())
    areas.set_lights(tasks.area_lights())
    qtmodeltester.check(areas)
    assert areas.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    tip = areas.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "共 2 项任务" in tip


def test_review_and_history_models_pass_modeltester(
    qtmodeltester: Any, filled: dict[str, Any]
) -> None:
    queue = ReviewQueueModel()
    queue.set_records(filled["queue"])
    qtmodeltester.check(queue)
    assert [queue.index(r, 2).data() for r in range(queue.rowCount())] == [NDRC, MIIT]
    assert queue.index(0, 5).data() == ""  # no percent given
    past = ReportHistoryModel()
    past.set_records(filled["history"])
    qtmodeltester.check(past)
    assert past.index(0, 1).data() == f"{NDRC}（牵头）"
    audit = AuditModel()
    audit.set_records(filled["audit"])
    qtmodeltester.check(audit)
    assert "添加佐证材料" in [audit.index(r, 2).data() for r in range(audit.rowCount())]


def test_report_models_pass_modeltester(qtmodeltester: Any, filled: dict[str, Any]) -> None:
    unit = filled["task1"]["units"][0]
    evidence = EvidenceModel()
    evidence.set_records(unit["report"]["evidence"])
    qtmodeltester.check(evidence)
    assert evidence.index(0, 0).data() == "照片.jpg"
    assert evidence.index(0, 1).data() == "2.0 KB"
    assert evidence.index(0, 1).data(SORT_ROLE) == 2050
    targets = filled["task1"]["task"]["targets"]
    actuals = ActualsModel()
    actuals.set_targets(targets, {targets[0]["id"]: "520"}, read_only=False)
    qtmodeltester.check(actuals)
    assert actuals.index(0, 2).data() == "≥500万千瓦"
    assert actuals.flags(actuals.index(0, 3)) & Qt.ItemFlag.ItemIsEditable
    assert actuals.setData(actuals.index(0, 3), " 530 ")
    assert actuals.values() == {targets[0]["id"]: "530"}
    actuals.set_targets(targets, {}, read_only=True)
    assert not actuals.setData(actuals.index(0, 3), "1")


def test_period_user_and_dashboard_models_pass_modeltester(
    qtmodeltester: Any, filled: dict[str, Any]
) -> None:
    from ui.dashboard import unit_lights

    for model, records in (
        (PeriodModel(), filled["periods"]),
        (UserModel(), filled["users"]),
        (LateUnitModel(), unit_lights(filled["remind"])),
        (TargetProgressModel(), filled["summary"]["targets"]),
    ):
        model.set_records(records)
        qtmodeltester.check(model)
    targets = TargetProgressModel()
    targets.set_records(filled["summary"]["targets"])
    shown = [[targets.index(r, c).data() for c in range(7)] for r in range(targets.rowCount())]
    assert shown[0][:5] == ["1", "2025", "新能源装机规模", "≥500万千瓦", "520万千瓦"]
    assert shown[0][6] == "已达到"
    periods_model = PeriodModel()
    periods_model.set_records(filled["periods"])
    assert periods_model.index(0, 2).data() == "开放"


def test_status_model_passes_modeltester(qtmodeltester: Any, filled: dict[str, Any]) -> None:
    model = StatusModel()
    model.set_records(filled["settings"]["statuses"])
    qtmodeltester.check(model)
    rows = {model.index(r, 1).data(): r for r in range(model.rowCount())}
    assert list(rows) == ["已完成", "序时推进", "进度滞后", "未启动", "长期推进"]
    done, on_track = rows["已完成"], rows["序时推进"]
    assert model.index(done, 5).data() != "" and model.index(on_track, 5).data() == ""
    assert model.index(done, 6).data() == "1" and model.index(on_track, 6).data() == "1"
    assert model.index(rows["未启动"], 6).data() == "0"
    assert model.index(done, 3).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(done, 0).data(SORT_ROLE) == 1  # numbers sort as numbers


def test_empty_models_pass_modeltester(qtmodeltester: Any, gui_db: Database) -> None:
    del gui_db
    model = PlanTaskModel()
    model.set_tasks([])
    model.set_progress({}, None, own=None)
    qtmodeltester.check(model)
    actuals = ActualsModel()
    actuals.set_targets([], {}, read_only=True)
    qtmodeltester.check(actuals)
