"""The DRC's overview (.xlsx) and the project list (.xlsx out and back in), on the demo
pilots and on the small pilot world."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from tracker.db import Database
from tracker.errors import PermissionDenied
from tracker.models import AuditRecord, Pilot
from tracker.outputs import pilots_overview
from tracker.outputs import projects as project_sheet
from tracker.outputs.common import OutputFailed
from tracker.outputs.pilots_overview import export_overview
from tracker.outputs.projects import ProjectsRejected, export_projects, import_projects
from tracker.pilot_demo import add_demo_pilots
from tracker.services import (
    pilot_overview,
    pilot_plans,
    pilots,
    projects,
    reports,
    task_state,
    users,
)
from tracker.services.actor import SYSTEM

from factories import PASSWORD, use_fast_hashing
from pilot_world import PARK, PilotWorld, make_pilot_world

TODAY = dt.date(2025, 7, 20)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


def _audit_count(db: Database) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


# ---------------------------------------------------------------- the demo and the overview


def test_the_demo_has_the_schemes_sixteen_pilots_in_every_state(db: Database) -> None:
    users.add_user(db, None, "示例协调员", "coordinator", PASSWORD)
    boss = users.authenticate(db, "示例协调员", PASSWORD)
    made = add_demo_pilots(db, boss, city="示例市", today=TODAY, password=PASSWORD)
    assert made.period == "2025H1" and len(made.pilot_ids) == 16 and len(made.project_ids) == 13
    quotas = {q["type_label"]: (q["count"], q["quota"]) for q in pilots.quota_status(db, boss)}
    assert quotas == {
        "城市": (1, 1), "园区": (3, 3), "乡村": (3, 3), "社区": (2, 2), "公共机构": (2, 2), "企业": (5, 5)
    }  # fmt: skip
    data = pilot_overview.overview(db, boss, "2025H1", today=TODAY)
    states = [e["report"]["state"] for e in data["pilots"]]
    assert {s: states.count(s) for s in set(states)} == {
        "accepted": 6, "city_approved": 3, "submitted": 2, "returned": 1, "draft": 1, "none": 3
    }  # fmt: skip
    verdicts = [e["evaluation"]["verdict_label"] for e in data["pilots"] if e["evaluation"]]
    assert sorted(verdicts) == ["成效突出", "成效突出", "进度滞后", "进度滞后"]
    park = next(e for e in data["pilots"] if e["name"] == "示例市绿谷工业园区")
    assert park["projects"]["total_investment"] == Decimal("44500")
    assert park["projects"]["by_stage"] == {"谋划": 1, "开工": 0, "投产": 0, "达效": 1}
    assert park["projects"]["completed_to_date"] == Decimal("18500")
    assert park["tasks"]["total"] == 3 and sum(park["tasks"]["by_state"].values()) == 3
    city = users.authenticate(db, "示例市发展改革委", PASSWORD)
    assert len(pilot_overview.overview(db, city, "2025H1", today=TODAY)["pilots"]) == 16
    body = users.authenticate(db, "绿谷园区填报员", PASSWORD)
    assert [e["name"] for e in pilot_overview.overview(db, body, today=TODAY)["pilots"]] == [
        "示例市绿谷工业园区"
    ]


def test_the_overview_workbook_is_print_ready(db: Database, tmp_path: Path) -> None:
    made = add_demo_pilots(db, SYSTEM, city="示例市", today=TODAY)
    pilots.update_pilot(db, SYSTEM, made.pilot_ids[0], expect_version=None, name='=HYPERLINK("x")')
    target = tmp_path / "总览.xlsx"
    result = export_overview(db, SYSTEM, target, period="2025H1", today=TODAY)
    assert result == {"path": str(target), "period": "2025H1", "pilots": 16}
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["试点总览", "按类型汇总"]
    ws = book["试点总览"]
    assert ws["A1"].value == "碳达峰试点建设情况总览（2025年上半年）"
    assert ws.freeze_panes == "D5"
    assert ws.auto_filter.ref == f"A4:{ws.cell(row=4, column=ws.max_column).column_letter}20"
    assert ws.print_title_rows == "$3:$4"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth) == (
        "landscape",
        8,  # A3
        1,
    )
    headers = [c.value for c in ws[4]]
    assert headers[:7] == [
        "序号",
        "试点类型",
        "试点主体",
        "所在地区",
        "主管部门",
        "批复日期",
        "建设状态",
    ]
    assert "2025年计划" in headers and "整改期限" in headers
    first = ws.cell(row=5, column=3)
    assert (first.value, first.data_type, first.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert ws.cell(row=21, column=1).value == "合计"
    assert ws.cell(row=21, column=headers.index("项目数") + 1).value == 13
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere: user text stays text
    kinds = book["按类型汇总"]
    assert [kinds.cell(row=r, column=2).value for r in range(2, 8)] == [1, 3, 3, 2, 2, 5]


def test_a_failed_write_leaves_the_old_file(
    world: PilotWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "总览.xlsx"
    target.write_bytes(b"the old file")

    def broken(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OutputFailed, match="No space left on device"):
        export_overview(world.db, world.coordinator, target, period="2025H1", today=TODAY)
    assert target.read_bytes() == b"the old file"
    assert [p.name for p in out.iterdir()] == ["总览.xlsx"]
    with pytest.raises(OutputFailed, match="不存在"):
        export_overview(world.db, world.coordinator, tmp_path / "无" / "a.xlsx")


def test_the_overview_follows_the_accounts_rights(world: PilotWorld, tmp_path: Path) -> None:
    data = pilot_overview.overview(world.db, world.yinchuan, "2025H1", today=TODAY)
    assert sorted(e["name"] for e in data["pilots"]) == sorted([PARK, "银川某化工公司"])
    with pytest.raises(PermissionDenied):
        export_overview(world.db, world.stranger, tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()
    assert pilots_overview.layout()["sheet"] == "试点总览"


def test_the_overview_counts_tasks_by_the_one_task_state_rule(world: PilotWorld) -> None:
    """A task with two lead units: done only when both say so (task_state), whichever
    lead is listed first; the overview and task_state agree on every task."""
    shared = pilot_plans.add_pilot_task(
        world.db, world.coordinator, world.park, title="共建充电网络", lead="绿谷园区、市发展改革委"
    )
    assert len(shared["lead_units"]) == 2
    for unit, status in zip(shared["lead_units"], ("已完成", "进度滞后"), strict=True):
        saved = reports.save_report(
            world.db, world.coordinator, shared["id"], "2025H1", unit, status=status,
            progress="推进中。", expect_version=0,
        )  # fmt: skip
        reports.submit_report(
            world.db, world.coordinator, shared["id"], "2025H1", unit,
            expect_version=saved["version"], today=TODAY,
        )  # fmt: skip
    entry = pilot_overview.overview(world.db, world.coordinator, "2025H1", today=TODAY)["pilots"]
    park = next(e for e in entry if e["id"] == world.park)
    plan_id = pilots.get_pilot(world.db, world.coordinator, world.park)["plan_id"]
    states = task_state.task_states(world.db, world.coordinator, "2025H1", plan_id=plan_id)
    assert states[shared["id"]] == "进度滞后"
    expected = {s: list(states.values()).count(s) for s in park["tasks"]["by_state"]}
    assert park["tasks"]["by_state"] == expected
    assert (park["tasks"]["total"], park["tasks"]["completed"]) == (3, 0)


# ---------------------------------------------------------------- the project list


def _add_projects(world: PilotWorld) -> tuple[int, int]:
    first = projects.add_project(
        world.db,
        world.park_body,
        world.park,
        fields={"name": "=1+2", "owner": "绿谷能源", "total_investment": "1000.5"},
        investments={2025: ("600", "250")},
        tasks=[world.park_tasks[0]],
        today=TODAY,
    )["project"]
    second = projects.add_project(
        world.db,
        world.park_body,
        world.park,
        fields={"name": "储能电站"},
        stage="开工",
        stage_dates={"开工": "2025-03-01"},
        today=TODAY,
    )["project"]
    return first["id"], second["id"]


def _export(world: PilotWorld, tmp_path: Path) -> tuple[Path, Any, Any]:
    path = tmp_path / "项目.xlsx"
    export_projects(world.db, world.park_body, world.park, path, period="2025H1", today=TODAY)
    book = openpyxl.load_workbook(path)
    return path, book, book["重大项目"]


def _col(ws: Any, header: str) -> int:
    return next(c.column for c in ws[3] if c.value == header)


def test_an_unchanged_list_imports_as_unchanged(world: PilotWorld, tmp_path: Path) -> None:
    first, _second = _add_projects(world)
    path, _book, ws = _export(world, tmp_path)
    name = ws.cell(row=4, column=_col(ws, "项目名称"))
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+2", "s", True)
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    assert ws.cell(row=4, column=_col(ws, "关联任务编号")).value == "1"
    before = _audit_count(world.db)
    result = import_projects(world.db, world.park_body, path, today=TODAY)
    assert result["counts"] == {"无变化": 2}
    assert _audit_count(world.db) == before
    assert projects.get_project(world.db, world.coordinator, first)["name"] == "=1+2"


def test_edits_and_new_rows_are_applied_in_one_go(world: PilotWorld, tmp_path: Path) -> None:
    first, second = _add_projects(world)
    path, book, ws = _export(world, tmp_path)
    ws.cell(row=4, column=_col(ws, "项目业主")).value = "绿谷能源服务有限公司"
    ws.cell(row=4, column=_col(ws, "2025年完成投资（万元）")).value = 400.25
    ws.cell(row=4, column=_col(ws, "关联任务编号")).value = "1、2"
    ws.cell(row=5, column=_col(ws, "项目阶段")).value = "投产"
    ws.cell(row=5, column=_col(ws, "投产日期")).value = dt.datetime(2025, 7, 1)
    ws.cell(row=5, column=_col(ws, "本期进展（2025年上半年）")).value = "已并网发电。"
    ws.cell(row=6, column=_col(ws, "项目名称")).value = "园区充电站"
    ws.cell(row=6, column=_col(ws, "总投资（万元）")).value = "300"
    book.save(path)
    result = import_projects(world.db, world.park_body, path, today=TODAY)
    assert result["counts"] == {"已更新": 2, "新增": 1}
    one = projects.get_project(world.db, world.coordinator, first)
    assert one["owner"] == "绿谷能源服务有限公司"
    assert one["investments"] == [
        {"year": 2025, "planned": Decimal("600"), "completed": Decimal("400.25")}
    ]
    assert [t["id"] for t in one["tasks"]] == world.park_tasks
    two = projects.get_project(world.db, world.coordinator, second)
    assert (two["stage_label"], two["stage_dates"]["投产"]) == ("投产", "2025-07-01")
    assert two["notes"][0]["note"] == "已并网发电。"
    new = projects.list_projects(world.db, world.coordinator, pilot=world.park)[-1]
    assert (new["code"], new["name"], new["total_investment"]) == (
        "3",
        "园区充电站",
        Decimal("300"),
    )


def _refused(world: PilotWorld, path: Path) -> ProjectsRejected:
    before = (projects.list_projects(world.db, world.coordinator), _audit_count(world.db))
    with pytest.raises(ProjectsRejected) as caught:
        import_projects(world.db, world.park_body, path, today=TODAY)
    assert (projects.list_projects(world.db, world.coordinator), _audit_count(world.db)) == before
    return caught.value


def test_a_file_with_any_problem_changes_nothing_and_names_every_place(
    world: PilotWorld, tmp_path: Path
) -> None:
    _add_projects(world)
    path, book, ws = _export(world, tmp_path)
    ws.cell(row=4, column=_col(ws, "项目业主")).value = "这一行本身没问题"
    ws.cell(row=4, column=_col(ws, "项目编号")).value = "7"
    ws.cell(row=5, column=_col(ws, "总投资（万元）")).value = -5
    ws.cell(row=5, column=_col(ws, "项目阶段")).value = "达效"
    ws.cell(row=5, column=_col(ws, "达效日期")).value = "2025-07-01"
    ws.cell(row=6, column=_col(ws, "项目名称")).value = "=SUM(1,2)"
    ws.cell(row=6, column=_col(ws, "关联任务编号")).value = "99"
    book.save(path)
    error = _refused(world, path)
    assert error.problems == [
        "“项目.xlsx”工作表“重大项目”第 4 行 D 列（项目编号）：是锁定列，不能修改（导出时为“1”，现为“7”）。",
        "“项目.xlsx”工作表“重大项目”第 5 行 H 列（总投资（万元））：“总投资”不能为负数（填写的是 -5 万元）。",
        "“项目.xlsx”工作表“重大项目”第 5 行 L 列（项目阶段）：从开工直接变更为达效跳过了投产："
        "请同时给出投产日期，或逐级变更（程序不替跳过的阶段编造日期）。",
        "“项目.xlsx”工作表“重大项目”第 6 行 E 列（项目名称）：含有公式；请直接填写数值或文字。",
        "“项目.xlsx”工作表“重大项目”第 6 行 Q 列（关联任务编号）：没有编号为“99”的任务（可用的任务编号：1、2）。",
    ]
    assert str(error).startswith("重大项目表“项目.xlsx”未导入，数据库未作任何修改（共 5 处问题）")


def test_a_row_changed_since_the_export_is_a_conflict(world: PilotWorld, tmp_path: Path) -> None:
    first, _second = _add_projects(world)
    path, book, ws = _export(world, tmp_path)
    projects.update_project(
        world.db, world.coordinator, first, expect_version=None, fields={"location": "东区"}
    )
    ws.cell(row=4, column=_col(ws, "建设地点")).value = "西区"
    book.save(path)
    error = _refused(world, path)
    assert len(error.problems) == 1
    assert "第 4 行 B 列（版本）：项目 1（=1+2）已被“协调员甲”于" in error.problems[0]
    assert "请重新导出后再填写" in error.problems[0]


def test_going_back_in_the_sheet_needs_a_reason(world: PilotWorld, tmp_path: Path) -> None:
    _first, second = _add_projects(world)
    path, book, ws = _export(world, tmp_path)
    ws.cell(row=5, column=_col(ws, "项目阶段")).value = "谋划"
    book.save(path)
    error = _refused(world, path)
    assert "第 5 行 M 列（开工日期）：项目阶段为谋划，不应填写开工日期。" in error.problems[0]
    ws.cell(row=5, column=_col(ws, "开工日期")).value = None
    book.save(path)
    assert "须说明理由" in _refused(world, path).problems[0]
    ws.cell(row=5, column=_col(ws, "阶段变更说明")).value = "资金未落实，暂缓建设"
    book.save(path)
    import_projects(world.db, world.park_body, path, today=TODAY)
    back = projects.get_project(world.db, world.coordinator, second)
    assert (back["stage_label"], back["history"][-1]["reason"]) == ("谋划", "资金未落实，暂缓建设")


def test_files_that_are_not_project_lists(world: PilotWorld, tmp_path: Path) -> None:
    _add_projects(world)
    other = tmp_path / "别的表.xlsx"
    book = openpyxl.Workbook()
    book.save(other)
    assert "不是本程序导出的重大项目表" in _refused(world, other).problems[0]
    text = tmp_path / "假的.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    assert "不是有效的 .xlsx 文件" in _refused(world, text).problems[0]
    assert "不存在" in _refused(world, tmp_path / "没有.xlsx").problems[0]
    path, book, ws = _export(world, tmp_path)
    ws.cell(row=3, column=_col(ws, "项目业主")).value = "业主"
    book.save(path)
    assert "表头应为“项目业主”，现为“业主”" in _refused(world, path).problems[0]


def test_only_the_pilots_keepers_import_its_list(world: PilotWorld, tmp_path: Path) -> None:
    _add_projects(world)
    path, _book, _ws = _export(world, tmp_path)
    for outsider in (world.firm_body, world.yinchuan):
        with pytest.raises(PermissionDenied):
            import_projects(world.db, outsider, path, today=TODAY)
        with pytest.raises(PermissionDenied):
            export_projects(world.db, outsider, world.park, tmp_path / "x.xlsx")
    with world.db.reader() as session:
        assert session.get(Pilot, world.park) is not None
    assert project_sheet.layout()["format"] == "tracker-projects/1"


def test_stage_dates_of_a_kept_stage_can_be_corrected(world: PilotWorld, tmp_path: Path) -> None:
    _first, second = _add_projects(world)
    path, book, ws = _export(world, tmp_path)
    started = ws.cell(row=5, column=_col(ws, "开工日期"))
    started.value = "2025-12-01"  # later than today
    book.save(path)
    assert (
        "第 5 行 L 列（项目阶段）：开工日期 2025-12-01 晚于今天"
        in _refused(world, path).problems[0]
    )
    started.value = None
    book.save(path)
    assert "须填写开工日期" in _refused(world, path).problems[0]
    started.value = "2025-02-20"
    book.save(path)
    assert import_projects(world.db, world.park_body, path, today=TODAY)["counts"] == {
        "无变化": 1,
        "已更新": 1,
    }
    assert projects.get_project(world.db, world.coordinator, second)["stage_dates"]["开工"] == (
        "2025-02-20"
    )
