"""填报表: exported per unit, filled in offline, imported back whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from tracker.db import Database
from tracker.errors import InvalidInput, PermissionDenied
from tracker.models import AuditRecord, ProgressReport
from tracker.outputs import forms
from tracker.outputs.forms import export_forms
from tracker.outputs.forms_import import (
    ACTION_CREATED,
    ACTION_EMPTY,
    ACTION_SUBMITTED,
    ACTION_UNCHANGED,
    ACTION_UPDATED,
    FormRejected,
    import_form,
)
from tracker.services import periods, reports, units

from factories import (
    HOUSING,
    MIIT,
    NDRC,
    World,
    fill_reports,
    make_plan,
    make_world,
    use_fast_hashing,
)

H1, H2 = "2025H1", "2025H2"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    made = make_world(db)
    fill_reports(made)
    return made


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    return folder


def _form(world: World, out: Path, unit: str = NDRC, period: str = H2) -> Path:
    result = export_forms(world.db, world.coordinator, out, period=period, unit=unit)
    assert len(result.files) == 1
    return result.files[0]


def _col(key: str) -> int:
    return forms.column(key).index


def _row_of(ws: Any, task_id: int) -> int:
    for line in range(forms.FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=line, column=_col("task_id")).value == task_id:
            return line
    raise AssertionError(f"task {task_id} not in the form")


def _edit(path: Path, change: Callable[[Any], None]) -> None:
    """Change the form as a user would in Excel, and save it."""
    book = openpyxl.load_workbook(path)
    change(book["填报表"])
    book.save(path)


def _put(ws: Any, task_id: int, key: str, value: Any) -> None:
    cell = ws.cell(row=_row_of(ws, task_id), column=_col(key))
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed in Excel with a leading apostrophe: text, not a formula


def _state(db: Database) -> tuple[int, int]:
    """How many reports and audit records there are (unchanged by a refused import)."""
    with db.reader() as session:
        return (
            session.scalar(select(func.count()).select_from(ProgressReport)) or 0,
            session.scalar(select(func.count()).select_from(AuditRecord)) or 0,
        )


# ---------------------------------------------------------------- export


def test_one_form_per_unit_with_its_tasks(world: World, out: Path) -> None:
    result = export_forms(world.db, world.coordinator, out, period=H2)
    names = sorted(p.name for p in result.files)
    assert names == sorted(
        f"{unit}_2025年全年_填报表.xlsx" for unit in (NDRC, MIIT, "市自然资源局", HOUSING)
    )
    assert sorted(p.name for p in out.iterdir()) == names  # no staging folder left behind
    assert result.counts == {"units": 4, "tasks": 6}
    ws = openpyxl.load_workbook(out / f"{MIIT}_2025年全年_填报表.xlsx")["填报表"]
    roles = {
        ws.cell(row=r, column=_col("code")).value: ws.cell(row=r, column=_col("role")).value
        for r in range(forms.FIRST_ROW, ws.max_row + 1)
    }
    assert roles == {"1": "配合", "2": "牵头"}


def test_form_locks_definitions_and_offers_a_status_list(world: World, out: Path) -> None:
    book = openpyxl.load_workbook(_form(world, out, period=H2))
    ws = book["填报表"]
    assert ws.protection.sheet is True
    line = _row_of(ws, world.plan.task1)
    for key in ("code", "area", "measure", "content", "leads", "targets", "previous_status"):
        assert ws.cell(row=line, column=_col(key)).protection.locked is True
    for key in ("status", "progress", "results", "problems", "next_steps", "percent"):
        assert ws.cell(row=line, column=_col(key)).protection.locked is False
    for key in ("task_id", "version", "checksum"):
        assert ws.column_dimensions[forms.column(key).letter].hidden is True
    lists = book["选项"]
    assert lists.sheet_state == "hidden"
    statuses = [lists.cell(row=r, column=1).value for r in range(1, 6)]
    assert statuses == ["已完成", "序时推进", "进度滞后", "未启动", "长期推进"]
    validation = next(
        v for v in ws.data_validations.dataValidation if v.type == "list" and "$A$" in v.formula1
    )
    assert validation.formula1 == "'选项'!$A$1:$A$5"
    assert forms.column("status").letter in str(validation.sqref)
    assert validation.showErrorMessage is True
    assert book["_tracker"].sheet_state == "veryHidden"
    assert book.security is not None and book.security.lockStructure is True
    assert "填报说明" in book.sheetnames
    meta = dict(book["_tracker"].iter_rows(values_only=True))
    assert (meta["period_code"], meta["unit_name"], meta["format"]) == (H2, NDRC, forms.FORMAT)


def test_form_shows_the_previous_period_and_the_version_at_export(world: World, out: Path) -> None:
    ws = openpyxl.load_workbook(_form(world, out, period=H2))["填报表"]
    line = _row_of(ws, world.plan.task1)
    assert ws.cell(row=line, column=_col("previous_status")).value == "序时推进"
    assert ws.cell(row=line, column=_col("previous_progress")).value.startswith("=SUM")
    header = ws.cell(row=forms.HEADER_ROW, column=_col("previous_status")).value
    assert header == "上期状态\n（2025年上半年）"
    assert ws.cell(row=line, column=_col("version")).value == 0  # nothing for 2025H2 yet
    current = openpyxl.load_workbook(_form(world, out, period=H1))["填报表"]
    line = _row_of(current, world.plan.task1)
    assert current.cell(row=line, column=_col("version")).value == 2  # saved, then submitted
    assert current.cell(row=line, column=_col("status")).value == "序时推进"


def test_a_reporter_exports_only_its_own_form(world: World, out: Path) -> None:
    result = export_forms(world.db, world.housing, out, period=H2)
    assert [p.name for p in result.files] == [f"{HOUSING}_2025年全年_填报表.xlsx"]
    with pytest.raises(PermissionDenied, match="只能导出本单位的填报表"):
        export_forms(world.db, world.housing, out, period=H2, unit=NDRC)


def test_the_units_of_a_reminder_list_are_exported_by_id(world: World, out: Path) -> None:
    listed = {u["name"]: u["id"] for u in units.list_units(world.db)}
    wanted = [listed[HOUSING], listed[MIIT], listed[HOUSING]]  # a repeat is one form
    result = export_forms(world.db, world.coordinator, out, period=H2, unit_ids=wanted)
    assert sorted(p.name for p in result.files) == sorted(
        [f"{MIIT}_2025年全年_填报表.xlsx", f"{HOUSING}_2025年全年_填报表.xlsx"]
    )
    assert result.counts["units"] == 2
    with pytest.raises(PermissionDenied, match="只能导出本单位的填报表"):
        export_forms(world.db, world.housing, out, period=H2, unit_ids=[listed[MIIT]])
    with pytest.raises(InvalidInput, match="没有选择要导出填报表的单位"):
        export_forms(world.db, world.coordinator, out, period=H2, unit_ids=[])


# ---------------------------------------------------------------- round trip


LONG = "推进光伏项目建设。" * 800  # 7,200 characters
TEXTS = {
    "progress": "=以等号开头的文字\n第二行：完成率 100%😀✅",
    "results": LONG,
    "problems": "+用地指标紧张；@相关部门 -协调（全角标点：，。；：“”‘’！？）",
    "next_steps": "1. 加快建设\r\n2. 强化保障\n\n3. 按期验收",
}


def test_round_trip_is_lossless(world: World, out: Path) -> None:
    path = _form(world, out)

    def fill(ws: Any) -> None:
        _put(ws, world.plan.task1, "status", "序时推进")
        for key, text in TEXTS.items():
            _put(ws, world.plan.task1, key, text)
        _put(ws, world.plan.task1, "percent", 62.5)

    _edit(path, fill)
    done = import_form(world.db, world.ndrc, path)
    actions = {r.task_id: r.action for r in done.rows}
    assert actions == {world.plan.task1: ACTION_CREATED, world.plan.task2: ACTION_EMPTY}
    saved = reports.get_report(world.db, world.ndrc, world.plan.task1, H2)
    assert saved is not None
    expected = {**TEXTS, "next_steps": "1. 加快建设\n2. 强化保障\n\n3. 按期验收"}
    assert {key: saved[key] for key in TEXTS} == expected
    assert (saved["status"], saved["percent"], saved["state"]) == ("序时推进", 62.5, "draft")

    # Exported again, the form shows exactly what was saved; imported unchanged, nothing
    # is written.
    again = _form(world, out)
    ws = openpyxl.load_workbook(again)["填报表"]
    line = _row_of(ws, world.plan.task1)
    assert {key: ws.cell(row=line, column=_col(key)).value for key in TEXTS} == expected
    before = _state(world.db)
    done = import_form(world.db, world.ndrc, again)
    assert {r.action for r in done.rows} == {ACTION_UNCHANGED, ACTION_EMPTY}
    assert _state(world.db) == before


def test_submit_mode_submits_and_edits_an_existing_draft(world: World, out: Path) -> None:
    path = _form(world, out, unit=MIIT, period=H1)

    def fill(ws: Any) -> None:
        _put(ws, world.plan.task2, "progress", "已完成前期工作。")
        ws.cell(row=forms.INFO_ROW, column=_col("status") + 1).value = "直接报送"

    _edit(path, fill)
    done = import_form(world.db, world.miit, path, today=dt.date(2025, 7, 12))
    assert done.submit is True
    assert {r.task_id: r.action for r in done.rows} == {
        world.plan.task1: "已报送过，未改动",
        world.plan.task2: ACTION_SUBMITTED,
    }
    saved = reports.get_report(world.db, world.miit, world.plan.task2, H1)
    assert saved is not None
    assert (saved["state"], saved["status"], saved["late"]) == ("submitted", "进度滞后", True)
    assert saved["progress"] == "已完成前期工作。"
    with world.db.reader() as session:
        audited = session.execute(
            select(AuditRecord.user_name, AuditRecord.action)
            .where(AuditRecord.task_id == world.plan.task2)
            .order_by(AuditRecord.id.desc())
            .limit(3)
        ).all()
    # Newest first: the submission (its state, and that it was late), then the edit.
    assert [tuple(r) for r in audited] == [
        ("工信局填报员", "submit_report"),
        ("工信局填报员", "submit_report"),
        ("工信局填报员", "edit_report"),
    ]


def test_a_coordinator_imports_a_units_form_as_its_drafts(world: World, out: Path) -> None:
    path = _form(world, out, unit=HOUSING)
    _edit(path, lambda ws: _put(ws, world.plan.task3, "status", "长期推进"))
    done = import_form(world.db, world.coordinator, path)
    assert [r.action for r in done.rows] == [ACTION_CREATED]
    saved = reports.get_report(world.db, world.coordinator, world.plan.task3, H2, HOUSING)
    assert saved is not None and saved["status"] == "长期推进"


# ---------------------------------------------------------------- refusals


def _refused(world: World, path: Path, *messages: str, **options: Any) -> FormRejected:
    before = _state(world.db)
    with pytest.raises(FormRejected) as caught:
        import_form(world.db, options.pop("actor", world.coordinator), path, **options)
    assert _state(world.db) == before
    text = str(caught.value)
    assert path.name in text and "数据库未作任何修改" in text
    for message in messages:
        assert message in text
    return caught.value


def test_a_changed_locked_column_refuses_the_whole_file(world: World, out: Path) -> None:
    path = _form(world, out)

    def change(ws: Any) -> None:
        _put(ws, world.plan.task1, "status", "已完成")  # a valid row …
        _put(ws, world.plan.task2, "content", "改写的主要工作")  # … and a tampered one

    _edit(path, change)
    line = _row_of(openpyxl.load_workbook(path)["填报表"], world.plan.task2)
    _refused(world, path, f"第 {line} 行（任务 2）：“主要工作”已被修改")


def test_a_row_of_another_task_or_unit_is_refused(world: World, out: Path) -> None:
    path = _form(world, out, unit=HOUSING)
    _edit(path, lambda ws: _put(ws, world.plan.task3, "task_id", world.plan.task2))
    _refused(world, path, f"任务 {world.plan.task2} 不是“{HOUSING}”牵头或配合的任务")

    path = _form(world, out, unit=HOUSING)

    def added(ws: Any) -> None:
        ws.cell(row=ws.max_row + 1, column=_col("progress")).value = "多出来的一行"

    _edit(path, added)
    _refused(world, path, "不是导出的任务行（缺少任务标识）")


def test_a_status_outside_the_list_and_bad_values_are_refused(world: World, out: Path) -> None:
    path = _form(world, out)

    def change(ws: Any) -> None:
        _put(ws, world.plan.task1, "status", "基本完成")
        _put(ws, world.plan.task2, "progress", "只写了进展")
        _put(ws, world.plan.task2, "percent", 150)

    _edit(path, change)
    problem = _refused(
        world,
        path,
        "状态“基本完成”不在可选范围内",
        "填写了进展但没有选择状态",
        "完成百分比 150 超出范围",
    )
    assert len(problem.problems) == 3
    # each problem is given with its row and task, for the app's table of results
    book = openpyxl.load_workbook(path)
    rows = {_row_of(book["填报表"], t) for t in (world.plan.task1, world.plan.task2)}
    assert {p.row for p in problem.problems} == rows
    first = problem.problems[0]
    assert first.task and first.reason.startswith("状态“基本完成”不在可选范围内")
    assert str(first) == f"第 {first.row} 行（任务 {first.task}）：{first.reason}"


def test_a_formula_typed_into_the_form_is_refused(world: World, out: Path) -> None:
    path = _form(world, out)

    def change(ws: Any) -> None:
        _put(ws, world.plan.task1, "status", "序时推进")
        ws.cell(row=_row_of(ws, world.plan.task1), column=_col("progress")).value = "=1+1"

    _edit(path, change)
    _refused(world, path, "“工作进展”是公式（=1+1）")


def test_a_locked_period_is_refused(world: World, out: Path) -> None:
    path = _form(world, out)
    _edit(path, lambda ws: _put(ws, world.plan.task1, "status", "已完成"))
    periods.lock_period(world.db, world.coordinator, world.plan.plan_id, H2)
    _refused(world, path, "报告期 2025H2（2025年全年）已锁定", "协调员甲")


def test_a_form_of_another_period_or_plan_is_refused(world: World, out: Path) -> None:
    path = _form(world, out)
    _refused(world, path, "此填报表是2025年全年（2025H2）的，不是指定的报告期 2025H1", period=H1)
    other = make_plan(world.db, title="另一个方案")
    _refused(world, path, f"不是指定的实施方案 {other.plan_id}", plan_id=other.plan_id)

    def foreign(book: Any) -> None:
        meta = book["_tracker"]
        for row in meta.iter_rows():
            if row[0].value == "plan_hash":
                row[1].value = "0" * 64

    book = openpyxl.load_workbook(path)
    foreign(book)
    book.save(path)
    _refused(world, path, "此填报表属于另一个实施方案（《某市碳达峰实施方案》）")


def test_a_report_changed_since_export_is_refused_naming_who_and_when(
    world: World, out: Path
) -> None:
    path = _form(world, out)
    _edit(path, lambda ws: _put(ws, world.plan.task1, "status", "已完成"))
    reports.save_report(
        world.db, world.ndrc, world.plan.task1, H2, status="进度滞后", expect_version=None
    )
    problem = _refused(
        world, path, "导出后这份填报已被“发改委填报员”于", "（导出时版本 0，现为版本 1）"
    )
    assert len(problem.problems) == 1


def test_a_report_changed_between_the_check_and_the_write_is_refused_too(
    world: World, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version stored at export is what the write expects: a change that slips in
    after the file was checked rolls the whole import back, naming the row."""
    from tracker.outputs import forms_import

    path = _form(world, out)
    _edit(path, lambda ws: _put(ws, world.plan.task2, "status", "序时推进"))
    _edit(path, lambda ws: _put(ws, world.plan.task1, "status", "已完成"))
    checked = forms_import._check_rows

    def check_then_someone_saves(*args: Any, **kwargs: Any) -> Any:
        plans = checked(*args, **kwargs)
        reports.save_report(
            world.db, world.ndrc, world.plan.task2, H2, status="进度滞后", expect_version=0
        )
        return plans

    monkeypatch.setattr(forms_import, "_check_rows", check_then_someone_saves)
    before = _state(world.db)
    with pytest.raises(FormRejected) as caught:
        import_form(world.db, world.coordinator, path)
    text = str(caught.value)
    assert path.name in text and f"（任务 2）：任务 {world.plan.task2}" in text
    assert "已被“发改委填报员”于" in text and "您读取的是版本 0" in text
    # Only the report saved in between is new: the form's first row was rolled back.
    assert _state(world.db)[0] == before[0] + 1
    assert reports.get_report(world.db, world.coordinator, world.plan.task1, H2, NDRC) is None
    saved = reports.get_report(world.db, world.coordinator, world.plan.task2, H2, NDRC)
    assert saved is not None and saved["status"] == "进度滞后"


def test_changing_a_submitted_report_is_refused(world: World, out: Path) -> None:
    path = _form(world, out, period=H1)
    _edit(path, lambda ws: _put(ws, world.plan.task1, "next_steps", "改一改"))
    _refused(world, path, "本期填报已报送，不能再修改")


def test_a_reporter_cannot_import_another_units_form(world: World, out: Path) -> None:
    path = _form(world, out, unit=HOUSING)
    _edit(path, lambda ws: _put(ws, world.plan.task3, "status", "已完成"))
    _refused(world, path, f"这是“{HOUSING}”的填报表", actor=world.ndrc)


def test_files_that_are_not_forms_are_refused(world: World, out: Path) -> None:
    text = out / "说明.xlsx"
    text.write_text("不是 Excel 文件", encoding="utf-8")
    _refused(world, text, "不是有效的 Excel 文件")
    plain = out / "空白.xlsx"
    openpyxl.Workbook().save(plain)
    _refused(world, plain, "不是本程序导出的填报表")
    path = _form(world, out)
    book = openpyxl.load_workbook(path)
    book["填报表"].delete_cols(_col("results"))
    book.save(path)
    _refused(world, path, "列名应为“取得成效”")


def test_edits_after_a_refusal_import_cleanly(world: World, out: Path) -> None:
    path = _form(world, out)
    _edit(path, lambda ws: _put(ws, world.plan.task1, "status", "进展顺利"))
    _refused(world, path, "状态“进展顺利”不在可选范围内")
    _edit(path, lambda ws: _put(ws, world.plan.task1, "status", "序时推进"))
    done = import_form(world.db, world.ndrc, path)
    assert done.counts == {ACTION_CREATED: 1, ACTION_EMPTY: 1}
    # The same file again: the report it was exported with has changed (by this import).
    _edit(path, lambda ws: _put(ws, world.plan.task1, "progress", "补充说明"))
    _refused(world, path, "导出后这份填报已被“发改委填报员”于")
    fresh = _form(world, out)
    _edit(fresh, lambda ws: _put(ws, world.plan.task1, "progress", "补充说明"))
    done = import_form(world.db, world.ndrc, fresh)
    assert done.counts == {ACTION_UPDATED: 1, ACTION_EMPTY: 1}


def test_a_cancelled_export_adds_no_file(world: World, out: Path) -> None:
    from tracker.outputs.common import ExportCancelled

    calls = iter(range(100))
    with pytest.raises(ExportCancelled):
        export_forms(world.db, world.coordinator, out, period=H2, cancelled=lambda: next(calls) > 2)
    assert list(out.iterdir()) == []
