"""The table models: Qt's model contract (qtmodeltester), filtering, and the place lookup."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tracker.importing.result import ParsedPlan, task_json
from tracker.services.revisions import TaskSnapshot, compute_diff
from ui.models import (
    AREA_KEY_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    AreaTableModel,
    DiffColumn,
    RevisionDiffModel,
    TargetTableModel,
    TaskColumn,
    TaskFilterProxy,
    TaskTableModel,
    UnitRole,
    UnitTableModel,
    WarningTableModel,
    area_label,
    format_number,
    parse_place,
    task_row_at_place,
)

pytest_plugins = ("conftest_ui",)
pytestmark = pytest.mark.gui


def _tasks(plan: ParsedPlan) -> list[dict[str, Any]]:
    return [task_json(t) for t in plan.tasks]


def _shown_codes(proxy: TaskFilterProxy) -> list[str]:
    return [proxy.index(r, TaskColumn.CODE).data() for r in range(proxy.rowCount())]


@pytest.fixture
def task_model(fake_plan: ParsedPlan) -> TaskTableModel:
    model = TaskTableModel()
    model.set_tasks(_tasks(fake_plan))
    return model


@pytest.fixture
def proxy(task_model: TaskTableModel) -> TaskFilterProxy:
    proxy = TaskFilterProxy()
    proxy.setSourceModel(task_model)
    proxy.sort(TaskColumn.CODE, Qt.SortOrder.AscendingOrder)
    return proxy


# ---------------------------------------------------------------- model contract


def test_task_model_passes_modeltester(qtmodeltester: Any, task_model: TaskTableModel) -> None:
    qtmodeltester.check(task_model)
    assert task_model.rowCount() == 4
    assert task_model.columnCount() == len(TaskColumn)


def test_empty_task_model_passes_modeltester(qtmodeltester: Any) -> None:
    model = TaskTableModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_task_model_reset_passes_modeltester(
    qtmodeltester: Any, task_model: TaskTableModel, fake_plan: ParsedPlan
) -> None:
    qtmodeltester.check(task_model, force_py=True)
    task_model.set_tasks(_tasks(fake_plan)[:2])
    assert task_model.rowCount() == 2
    qtmodeltester.check(task_model)


def test_filter_proxy_passes_modeltester(qtmodeltester: Any, proxy: TaskFilterProxy) -> None:
    proxy.set_search("发展")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() > 0


def test_area_model_passes_modeltester(qtmodeltester: Any, task_model: TaskTableModel) -> None:
    model = AreaTableModel()
    model.set_areas(task_model.areas(), task_model.area_counts())
    qtmodeltester.check(model)
    assert model.rowCount() == 3  # 全部领域 + two areas
    assert model.index(0, 0).data() == AreaTableModel.ALL_AREAS
    assert model.index(0, 1).data() == "4"
    assert model.index(1, 0).data() == "（一）能源绿色低碳转型行动"
    assert model.index(1, 0).data(AREA_KEY_ROLE) == ("（一）", "能源绿色低碳转型行动")


def test_record_models_pass_modeltester(qtmodeltester: Any, fake_plan: ParsedPlan) -> None:
    targets = TargetTableModel()
    targets.set_records(asdict(t) for t in fake_plan.tasks[0].targets)
    warnings = WarningTableModel()
    warnings.set_records(asdict(w) for w in fake_plan.warnings)
    units = UnitTableModel()
    units.set_records(
        [
            {
                "id": 1,
                "name": "市发展改革委",
                "label": "银川市·市发展改革委",
                "region": "银川市",
                "region_level": "市级",
                "aliases": ["市发改委", "市发展和改革委员会"],
                "task_count": 3,
            },
            {
                "id": 2,
                "name": "市生态环境局",
                "label": "市生态环境局",
                "region": "银川市",
                "region_level": "市级",
                "aliases": [],
                "task_count": 2,
            },
        ]
    )
    for model in (targets, warnings, units):
        qtmodeltester.check(model)
    assert targets.index(0, 2).data() == "达到5000万千瓦"
    assert warnings.index(0, 0).data() == "第22行"
    assert units.index(0, 0).data() == "银川市·市发展改革委"
    assert units.index(0, 1).data() == "银川市（市级）"
    assert units.index(0, 2).data() == "市发改委、市发展和改革委员会"
    assert units.index(0, 3).data(SORT_ROLE) == 3
    assert units.row_of_unit("市生态环境局") == 1
    assert units.row_of_unit("银川市·市发展改革委") == 0


# ---------------------------------------------------------------- cells


def test_task_cells(task_model: TaskTableModel) -> None:
    row = [task_model.index(0, c).data() for c in TaskColumn]
    assert row == [
        "1",
        "（一）能源绿色低碳转型行动",
        "大力发展新能源",
        "推进光伏、风电规模化开发。",
        "市发展改革委",
        "市自然资源局、市工业和信息化局",
        "1",
    ]
    no_coop = task_model.index(1, TaskColumn.COOPERATING).data()
    assert no_coop == "—"
    assert task_model.index(1, TaskColumn.TARGETS).data() == ""
    assert task_model.index(0, 0).data(ROW_ROLE)["title"] == "大力发展新能源"
    headers = [task_model.headerData(c, Qt.Orientation.Horizontal) for c in TaskColumn]
    assert headers == ["序号", "重点领域", "行动措施", "主要工作", "牵头单位", "配合单位", "目标数"]


def test_content_is_one_line_with_full_text_in_tooltip() -> None:
    model = TaskTableModel()
    long_text = "第一段内容。\n第二段内容，" + "很长的句子" * 30
    model.set_tasks(
        [{"code": "1", "area": "甲", "area_code": "一", "title": "措施", "content": long_text}]
    )
    shown = model.index(0, TaskColumn.CONTENT).data()
    assert "\n" not in shown and shown.startswith("第一段内容。 第二段内容")
    tip = model.index(0, TaskColumn.CONTENT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.replace("\n", "") == " ".join(long_text.split())


def test_code_column_sorts_in_document_order() -> None:
    model = TaskTableModel()
    model.set_tasks(
        {"code": code, "area": "甲", "area_code": "一", "title": code, "content": ""}
        for code in ("2", "10", "10-1", "9")
    )
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(TaskColumn.CODE, Qt.SortOrder.AscendingOrder)
    assert _shown_codes(proxy) == ["2", "10", "10-1", "9"]
    proxy.sort(TaskColumn.CODE, Qt.SortOrder.DescendingOrder)
    assert _shown_codes(proxy) == ["9", "10-1", "10", "2"]


# ---------------------------------------------------------------- filtering


def test_search_matches_every_word_in_any_column(proxy: TaskFilterProxy) -> None:
    proxy.set_search("光伏")
    assert _shown_codes(proxy) == ["1"]
    proxy.set_search("绿色 住房城乡")  # both words, found in different columns
    assert _shown_codes(proxy) == ["4"]
    proxy.set_search("市发展改革委")  # a unit, lead or cooperating
    assert _shown_codes(proxy) == ["1", "2", "3"]
    proxy.set_search("  ")
    assert _shown_codes(proxy) == ["1", "2", "3", "4"]


def test_search_ignores_latin_case() -> None:
    model = TaskTableModel()
    model.set_tasks(
        [{"code": "1", "area": "甲", "area_code": "一", "title": "推进CCUS示范", "content": ""}]
    )
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("ccus")
    assert proxy.rowCount() == 1


def test_unit_filter_by_role(proxy: TaskFilterProxy) -> None:
    proxy.set_unit("市发展改革委")
    assert _shown_codes(proxy) == ["1", "2", "3"]
    proxy.set_unit("市发展改革委", UnitRole.LEAD)
    assert _shown_codes(proxy) == ["1", "2"]
    proxy.set_unit("市发展改革委", UnitRole.COOPERATING)
    assert _shown_codes(proxy) == ["3"]
    proxy.set_unit("市生态环境局", UnitRole.LEAD)  # second of two leads
    assert _shown_codes(proxy) == ["2"]
    proxy.set_unit(None)
    assert proxy.rowCount() == 4


def test_filters_combine_and_area_counts_ignore_the_area(proxy: TaskFilterProxy) -> None:
    proxy.set_unit("市工业和信息化局")
    proxy.set_area(("（二）", "工业领域碳达峰行动"))
    assert _shown_codes(proxy) == ["3", "4"]
    proxy.set_search("钢铁")
    assert _shown_codes(proxy) == ["3"]
    proxy.set_search("")
    assert proxy.is_filtered()
    counts = proxy.area_counts()
    assert counts == {("（一）", "能源绿色低碳转型行动"): 1, ("（二）", "工业领域碳达峰行动"): 2}


def test_area_model_shows_filtered_counts(task_model: TaskTableModel) -> None:
    areas = AreaTableModel()
    areas.set_areas(task_model.areas(), task_model.area_counts())
    areas.set_shown_counts({("（二）", "工业领域碳达峰行动"): 1}, filtered=True)
    assert [areas.index(r, 1).data() for r in range(3)] == ["1/4", "0/2", "1/2"]
    assert areas.index(1, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert areas.row_of(("（二）", "工业领域碳达峰行动")) == 2
    assert areas.row_of(("无", "不存在")) == 0


def test_unit_counts(task_model: TaskTableModel) -> None:
    counts = task_model.unit_counts()
    assert counts["市发展改革委"] == 3
    assert counts["市住房城乡建设局"] == 1


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("code", "title", "label"),
    [
        ("（一）", "能源绿色低碳转型行动", "（一）能源绿色低碳转型行动"),
        ("一", "能源绿色低碳转型行动", "一、能源绿色低碳转型行动"),
        ("四", "四、政策保障", "四、政策保障"),
        ("", "组织实施", "组织实施"),
        ("A", "Energy", "A Energy"),
    ],
)
def test_area_label(code: str, title: str, label: str) -> None:
    assert area_label(code, title) == label


def test_format_number() -> None:
    assert [format_number(v) for v in (5000.0, 14.5, 0.25, 3)] == ["5000", "14.5", "0.25", "3"]


def test_parse_place() -> None:
    assert parse_place("第12行") == (("line", ""), 12)
    assert parse_place("表2第5行") == (("table", "2"), 5)
    assert parse_place("工作表“分工”第7行") == (("sheet", "分工"), 7)
    assert parse_place("第3段") == (("paragraph", ""), 3)
    assert parse_place("第3页第12行") == (("page", ""), 300_012)
    assert parse_place("第3页") < parse_place("第3页第1行") < parse_place("第4页第1行")
    assert parse_place("文件") is None


def test_task_row_at_place(fake_plan: ParsedPlan) -> None:
    tasks = _tasks(fake_plan)
    assert task_row_at_place(tasks, "第14行") == 1  # a task's own place
    assert task_row_at_place(tasks, "第22行") == 2  # inside task 3 (starts on line 20)
    assert task_row_at_place(tasks, "第3行") is None  # before the first task
    assert task_row_at_place(tasks, "表1第3行") is None  # another kind of place
    assert task_row_at_place(tasks, "") is None


def _snapshot(code: str, title: str, lead: str, *, reports: int = 0) -> TaskSnapshot:
    return TaskSnapshot(
        code=code,
        area_code="（一）",
        area="能源绿色低碳转型行动",
        title=title,
        content=f"{title}的主要工作。",
        lead_units=(lead,),
        cooperating_units=(),
        task_id=int(code) if reports else None,
        report_count=reports,
        reported_units=(lead,) if reports else (),
    )


def test_revision_diff_model_passes_modeltester(qtmodeltester: Any) -> None:
    old = [
        _snapshot("1", "大力发展新能源", "市发改委", reports=2),
        _snapshot("2", "推进煤炭清洁高效利用", "市发改委", reports=1),
        _snapshot("3", "淘汰落后产能", "市工信局", reports=3),
    ]
    new = [
        old[0],
        _snapshot("2", "推进煤炭清洁高效利用", "市能源局"),
        _snapshot("4", "建设零碳园区", "市工信局"),
    ]
    model = RevisionDiffModel()
    model.set_diff(compute_diff(old, new))
    qtmodeltester.check(model)
    kinds = {model.index(r, DiffColumn.KIND).data(): r for r in range(model.rowCount())}
    assert sorted(kinds) == sorted(["变动", "新增", "撤销"])  # unchanged hidden
    assert model.index(kinds["新增"], DiffColumn.WHAT).data() == "新任务，牵头：市工信局"
    assert model.index(kinds["撤销"], DiffColumn.WHAT).data() == "将归档（保留已有填报 3 份）"
    changed = model.index(kinds["变动"], DiffColumn.WHAT).data()
    assert changed.startswith("牵头单位有变动") and "市发改委已有填报" in changed
    model.set_show_unchanged(True)
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    model.set_diff(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0
