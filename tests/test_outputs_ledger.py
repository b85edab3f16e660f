"""The 工作台账 (.xlsx): what a user sees when opening or printing it."""

from __future__ import annotations

import datetime as dt
import gc
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from tracker.db import Database
from tracker.errors import InvalidInput, NotFound, PlanArchived
from tracker.importing.regions import region_from_name
from tracker.models import Task, Unit, utcnow
from tracker.outputs import ledger, report
from tracker.outputs.common import MAX_FILE_NAME, ExportCancelled, OutputFailed
from tracker.outputs.forms import export_forms
from tracker.outputs.ledger import export_ledger
from tracker.outputs.report import export_report
from tracker.outputs.rows import LedgerFilter
from tracker.services import monitoring, plan_lifecycle, task_state
from tracker.services.actor import SYSTEM
from tracker.services.regions import ensure_region

from factories import (
    HOUSING,
    LAND,
    MIIT,
    NDRC,
    REGION,
    TRICKY_TEXT,
    World,
    fill_reports,
    make_plan,
    make_world,
    use_fast_hashing,
)

H1 = "2025H1"
FIRST = 5  # the first task row (title, subtitle, two header rows above)
TODAY = dt.date(2025, 7, 20)


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
    """An empty folder for the files written (the SQLite database is in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _export(world: World, out: Path, **options: Any) -> tuple[Path, Any]:
    path = out / "台账.xlsx"
    options.setdefault("today", TODAY)
    export_ledger(world.db, world.coordinator, path, period=H1, **options)
    return path, openpyxl.load_workbook(path)


def _headers(ws: Any) -> list[str]:
    return [c.value for c in ws[4]]


def _column(ws: Any, header: str) -> int:
    return _headers(ws).index(header) + 1


def test_one_row_per_task_with_the_consolidated_state_and_the_leads_texts(
    world: World, out: Path
) -> None:
    _, book = _export(world, out)
    ws = book["工作台账"]
    assert _headers(ws) == [
        "序号",
        "重点领域",
        "行动措施",
        "主要工作",
        "牵头单位",
        "配合单位",
        "目标/时限",
        "状态",
        "工作进展",
        "存在问题",
        "下步计划",
        "报送情况",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=FIRST)]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    first, second, third = rows
    assert first[1] == "一、能源绿色低碳转型行动"
    assert first[2:7] == [
        "大力发展新能源",
        "大力发展新能源的主要工作。",
        NDRC,
        f"{MIIT}、{LAND}",
        "到2025年，新能源装机规模力争达到500万千瓦",
    ]
    # The lead's submitted report, results appended; the cooperating unit's 已完成 does not
    # make the task 已完成.
    assert first[7] == "序时推进"
    assert first[8] == f"{TRICKY_TEXT}\n取得成效：新增装机120万千瓦。"
    assert first[9:11] == ["-项目用地指标紧张", "加快推进项目建设。"]
    assert first[11] == f"已报送 2/3；未报送：{LAND}"
    # Task 2's lead has only a draft: 未报送, and the draft's text is not shown.
    assert second[7:12] == ["未报送", None, None, None, f"已报送 0/2；未报送：{MIIT}、{NDRC}"]
    assert third[7] == "已完成"
    assert third[11] == f"已报送 1/1；逾期报送：{HOUSING}"
    title = ws["A1"].value
    assert title == "某市碳达峰实施方案工作台账"
    assert "报告期：2025年上半年" in ws["A2"].value and "协调员甲" in ws["A2"].value


def test_user_text_never_becomes_a_formula(world: World, out: Path) -> None:
    path, book = _export(world, out)
    ws = book["工作台账"]
    progress = ws.cell(row=FIRST, column=_column(ws, "工作进展"))
    problems = ws.cell(row=FIRST, column=_column(ws, "存在问题"))
    for cell in (progress, problems):
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    assert progress.value.startswith("=SUM(A1:A3)")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8")


def test_print_ready_as_it_comes_out(world: World, out: Path) -> None:
    _, book = _export(world, out)
    ws = book["工作台账"]
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation) == (8, "landscape")  # 8: A3
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$4"
    assert ws.freeze_panes == f"C{FIRST}"
    assert ws.auto_filter.ref == f"A4:L{FIRST + 2}"
    assert "&P" in ws.oddFooter.center.text
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Title, subtitle, the two header groups, and 重点领域 over the area's two tasks.
    assert {"A1:L1", "A2:L2", "A3:G3", "H3:L3", f"B{FIRST}:B{FIRST + 1}"} <= merged
    assert ws["H3"].value == "2025年上半年（截止 2025-07-10）"
    body = ws.cell(row=FIRST, column=_column(ws, "主要工作"))
    assert body.alignment.wrap_text is True
    assert body.border.left.style == "thin"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["A"].width
    # Rows are tall enough for their wrapped text: the two-line progress row is taller.
    assert ws.row_dimensions[FIRST].height > ws.row_dimensions[FIRST + 2].height


def test_status_cells_are_coloured_by_status(world: World, out: Path) -> None:
    _, book = _export(world, out)
    ws = book["工作台账"]
    column = _column(ws, "状态")
    fills = {
        ws.cell(row=r, column=column).value: ws.cell(row=r, column=column).fill.fgColor.rgb
        for r in range(FIRST, FIRST + 3)
    }
    assert len(set(fills.values())) == 3
    assert all(rgb not in ("00000000", "FFFFFFFF") for rgb in fills.values())
    done = ws.cell(row=FIRST + 2, column=column)
    assert done.font.color.rgb.endswith("2E7D32")  # 已完成's colour from statuses.json


def test_summary_sheet_matches_the_summary_service_and_has_a_chart(world: World, out: Path) -> None:
    path, book = _export(world, out)
    ws = book["汇总"]
    figures = monitoring.summary(world.db, world.coordinator, H1)
    cells = {row[0].value: row for row in ws.iter_rows(min_row=1) if row[0].value}
    for status, count in figures["by_status"].items():
        assert cells[status][1].value == count
    assert cells["合计"][1].value == figures["task_count"] == 3
    assert cells["一、能源绿色低碳转型行动"][1].value == 2
    assert cells[NDRC][1].value == 1  # tasks it leads
    assert "完成率：33.3%（已完成 1 项，共 3 项）" in ws["A2"].value
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode("utf-8")
    assert "<barChart>" in chart and "'汇总'!$B$6:$B$11" in chart  # 5 statuses + 未报送


def test_filters_by_area_lead_unit_state_and_lateness(world: World, out: Path) -> None:
    def codes(**filters: Any) -> list[str]:
        _, book = _export(world, out, filters=LedgerFilter(**filters))
        ws = book["工作台账"]
        return [row[0].value for row in ws.iter_rows(min_row=FIRST) if row[0].value]

    assert codes(area="二") == ["3"]
    assert codes(area="能源绿色低碳转型行动") == ["1", "2"]
    assert codes(lead_unit=MIIT) == ["2"]
    assert codes(status="未报送") == ["2"]
    assert codes(status="已完成") == ["3"]
    # Task 1: a cooperating unit never reported; task 2: nobody; task 3: reported late.
    assert codes(only_late=True) == ["1", "2", "3"]
    _, book = _export(world, out, filters=LedgerFilter(status="序时推进"))
    assert "筛选：任务状态“序时推进”" in book["工作台账"]["A2"].value
    assert "（共 3 项）" in book["工作台账"]["A2"].value
    with pytest.raises(NotFound, match="没有重点领域“十二”"):
        _export(world, out, filters=LedgerFilter(area="十二"))
    with pytest.raises(InvalidInput, match="状态“差不多”不在可选范围内"):
        _export(world, out, filters=LedgerFilter(status="差不多"))


def test_only_late_before_the_due_date_lists_only_late_submissions(world: World, out: Path) -> None:
    _, book = _export(world, out, today=dt.date(2025, 7, 5), filters=LedgerFilter(only_late=True))
    ws = book["工作台账"]
    assert [row[0].value for row in ws.iter_rows(min_row=FIRST) if row[0].value] == ["3"]


def test_all_periods_side_by_side(world: World, out: Path) -> None:
    path = out / "all.xlsx"
    export_ledger(world.db, world.coordinator, path, period="2026H1", all_periods=True)
    ws = openpyxl.load_workbook(path)["工作台账"]
    groups = [ws.cell(row=3, column=c).value for c in range(1, ws.max_column + 1)]
    assert [g for g in groups if g] == [
        "任务基本情况",
        "2025年上半年（截止 2025-07-10）",
        "2025年全年（截止 2026-01-10）",
        "2026年上半年（截止 2026-07-10）",
    ]
    assert ws.max_column == 7 + 3 * 5
    assert ws.cell(row=FIRST, column=8).value == "序时推进"
    assert ws.cell(row=FIRST, column=13).value == "未报送"


def test_a_reporter_gets_its_units_tasks(world: World, out: Path) -> None:
    path = out / "住建.xlsx"
    export_ledger(world.db, world.housing, path, period=H1)
    ws = openpyxl.load_workbook(path)["工作台账"]
    assert [row[0].value for row in ws.iter_rows(min_row=FIRST) if row[0].value] == ["3"]


def test_progress_is_reported_and_cancel_leaves_the_old_file(world: World, out: Path) -> None:
    path = out / "台账.xlsx"
    path.write_bytes(b"the file from last time")
    calls: list[tuple[int, int]] = []
    export_ledger(
        world.db, world.coordinator, path, period=H1, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1][0] == calls[-1][1] > 1
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    saved = path.read_bytes()
    assert saved.startswith(b"PK")

    steps = iter(range(100))
    with pytest.raises(ExportCancelled, match="已取消导出"):
        export_ledger(
            world.db, world.coordinator, path, period=H1, cancelled=lambda: next(steps) >= 2
        )
    assert path.read_bytes() == saved
    assert sorted(p.name for p in out.iterdir()) == ["台账.xlsx"]
    assert gc.isenabled()  # the collector paused for the export runs again


def test_bad_destinations_are_clear_errors(world: World, out: Path) -> None:
    with pytest.raises(OutputFailed, match=r"文件夹.*不存在"):
        export_ledger(world.db, world.coordinator, out / "无此目录" / "a.xlsx", period=H1)
    with pytest.raises(InvalidInput, match=r"应保存为 \.xlsx"):
        export_ledger(world.db, world.coordinator, out / "a.csv", period=H1)
    with pytest.raises(NotFound, match="没有报告期 2031H1"):
        export_ledger(world.db, world.coordinator, out / "a.xlsx", period="2031H1")
    assert list(out.iterdir()) == []


def test_archived_tasks_and_plans_are_left_out(world: World, out: Path, tmp_path: Path) -> None:
    """A task a revision took out (archived, its reports kept) is in no output and no
    count; an archived plan is not the default plan and takes no more forms."""
    with world.db.session() as session:
        task = session.get(Task, world.plan.task3)
        assert task is not None
        task.archived_at, task.archived_in_revision = utcnow(), 2
    other = make_plan(world.db, title="另一市碳达峰实施方案")
    plan_lifecycle.archive_plan(world.db, world.coordinator, other.plan_id)

    _, book = _export(world, out)  # no --plan: the one current plan
    rows = list(book["工作台账"].iter_rows(min_row=FIRST, values_only=True))
    assert [r[0] for r in rows] == ["1", "2"]
    assert monitoring.summary(world.db, world.coordinator, H1)["task_count"] == 2
    assert set(task_state.task_states(world.db, world.coordinator, H1)) == {
        world.plan.task1,
        world.plan.task2,
    }
    export_report(world.db, world.coordinator, tmp_path / "报告.docx", period=H1, today=TODAY)
    (attachment,) = docx.Document(str(tmp_path / "报告.docx")).tables
    assert len(attachment.rows) == 1 + 2
    forms_made = export_forms(world.db, world.coordinator, out / "forms", period="2025H2")
    assert not any(p.name.startswith(HOUSING) for p in forms_made.files)  # its only task
    with pytest.raises(PlanArchived, match="已归档"):
        export_forms(world.db, world.coordinator, out / "x", period="2025H2", plan_id=other.plan_id)


def test_a_unit_whose_name_another_region_shares_is_shown_with_its_region(
    world: World, out: Path
) -> None:
    with world.db.session() as session:
        elsewhere = ensure_region(session, region_from_name("银川市"), SYSTEM)
        session.add(Unit(name=NDRC, region_id=elsewhere.id))
    _, book = _export(world, out)
    ws = book["工作台账"]
    first = [c.value for c in ws[FIRST]]
    assert first[4] == f"{REGION}·{NDRC}"  # 牵头单位
    assert first[5] == f"{MIIT}、{LAND}"  # names nobody else has stay bare
    assert f"{REGION}·{NDRC}" in [c.value for c in ws[FIRST + 1]][5]  # 配合 on task 2


def test_default_file_names_carry_plan_and_period() -> None:
    assert ledger.default_file_name("某市碳达峰实施方案", "2025年上半年") == (
        "某市碳达峰实施方案_2025年上半年_工作台账.xlsx"
    )
    assert ledger.default_file_name("A/B方案", "2025年全年", all_periods=True) == (
        "A＿B方案_截至2025年全年_工作台账.xlsx"
    )
    long = ledger.default_file_name("很长的方案名称" * 30, "2025年全年")
    assert len(long) == MAX_FILE_NAME and long.endswith(".xlsx")  # shortened, type kept
    assert report.default_file_name("某市碳达峰实施方案", 2025, "half-year") == (
        "某市碳达峰实施方案2025年上半年工作进展情况报告.docx"
    )
    assert report.default_file_name("某市碳达峰实施方案", 2025, "annual") == (
        "某市碳达峰实施方案2025年度工作进展情况报告.docx"
    )
    assert report.default_issuer() == "碳达峰碳中和工作领导小组办公室"


def test_the_ledger_as_a_table_matches_the_workbook(world: World, out: Path) -> None:
    """The app prints the ledger from ledger.ledger_table: the same columns, headers and
    cells as the workbook, optionally only the tasks a filtered table shows."""
    _path, book = _export(world, out, all_periods=True)
    ws = book["工作台账"]
    data = ledger.read_ledger(world.db, world.coordinator, period=H1, all_periods=True, today=TODAY)
    table = ledger.ledger_table(data, world.coordinator, dt.date.today())  # as exported
    assert list(table.headers) == _headers(ws)
    assert table.title == ws.cell(row=1, column=1).value
    assert table.subtitle == ws.cell(row=2, column=1).value
    assert [(name, span) for name, span in table.groups] == [
        ("任务基本情况", 7),
        (
            "2025年上半年（截止 2025-07-10）",
            5,
        ),
    ]
    assert len(table.rows) == len(data.rows) == 3
    for number, row in enumerate(table.rows):
        cells = [ws.cell(row=FIRST + number, column=c + 1).value or "" for c in range(len(row))]
        assert [value for i, value in enumerate(row) if i != 1] == [
            value
            for i, value in enumerate(cells)
            if i != 1  # the merged area column
        ]
    assert table.state_columns == (_column(ws, "状态") - 1,)
    assert table.state_colors["未报送"]
    second = ledger.ledger_table(data, world.coordinator, TODAY, task_ids={world.plan.task2})
    assert second.task_ids == (world.plan.task2,) and len(second.rows) == 1
    assert "（共 3 项）" in second.subtitle
