"""The outcome table of importing returned 填报表: each row of each file, imported or
refused with its reason, and Qt's model contract (qtmodeltester); the ledger's print
layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tracker.errors import InvalidInput
from tracker.outputs.forms_import import FormImport, FormProblem, FormRejected, RowOutcome
from tracker.outputs.ledger import LedgerTable
from ui.ledger_print import LedgerPrintPreview, column_percents, paint_ledger, state_fills
from ui.models import SORT_ROLE
from ui.output_models import (
    APPLIED,
    REFUSED,
    FileOutcome,
    FormImportResultModel,
    import_counts,
    import_records,
)

pytest_plugins = ("conftest_ui",)
pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("qapp")]


def _outcomes() -> list[FileOutcome]:
    imported = FormImport(
        path=Path("/tmp/返回/市发改委.xlsx"),
        plan_id=1,
        period="2025H1",
        period_name="2025年上半年",
        unit="市发改委",
        submit=True,
        rows=(
            RowOutcome(row=5, task_id=11, code="（一）1", action="已报送"),
            RowOutcome(row=6, task_id=12, code="（一）2", action="新建草稿"),
        ),
    )
    empty = FormImport(
        path=Path("/tmp/返回/市住建局.xlsx"),
        plan_id=1,
        period="2025H1",
        period_name="2025年上半年",
        unit="市住建局",
        submit=False,
        rows=(),
    )
    rejected = FormRejected(
        Path("/tmp/返回/市工信局.xlsx"),
        [
            FormProblem("“主要工作”列被改动", row=7, task="（二）3"),
            FormProblem("状态“差不多”不在状态词表中", row=9, task="（二）4"),
        ],
    )
    return [
        FileOutcome(imported.path, imported=imported),
        FileOutcome(empty.path, imported=empty),
        FileOutcome(rejected.path, refused=rejected),
        FileOutcome(Path("/tmp/返回/坏文件.xlsx"), refused=InvalidInput("无法读取“坏文件.xlsx”。")),
        FileOutcome(Path("/tmp/返回/未读.xlsx"), skipped=True),
    ]


def test_import_records_list_every_row_of_every_file() -> None:
    records = import_records(_outcomes())
    shown = [(r["file"], r["row"], r["task"], r["outcome"], r["ok"]) for r in records]
    assert shown == [  # what needs doing first
        ("市工信局.xlsx", 7, "（二）3", REFUSED, False),
        ("市工信局.xlsx", 9, "（二）4", REFUSED, False),
        ("坏文件.xlsx", None, "", REFUSED, False),
        ("未读.xlsx", None, "", REFUSED, False),
        ("市发改委.xlsx", 5, "（一）1", APPLIED, True),
        ("市发改委.xlsx", 6, "（一）2", APPLIED, True),
        ("市住建局.xlsx", None, "", APPLIED, True),
    ]
    assert records[0]["detail"] == "“主要工作”列被改动"
    assert records[2]["detail"] == "无法读取“坏文件.xlsx”。"
    assert import_counts(_outcomes()) == {"已报送": 1, "新建草稿": 1}


def test_form_import_result_model_passes_modeltester(qtmodeltester: Any) -> None:
    model = FormImportResultModel()
    model.set_records(import_records(_outcomes()))
    qtmodeltester.check(model)
    assert model.rowCount() == 7
    assert [model.index(4, c).data() for c in range(5)] == [
        "市发改委.xlsx",
        "5",
        "（一）1",
        APPLIED,
        "已报送",
    ]
    assert model.index(6, 1).data() == ""  # the file as a whole has no row
    foreground = Qt.ItemDataRole.ForegroundRole
    assert model.index(4, 4).data(foreground) is None
    assert model.index(0, 4).data(foreground) is not None  # refused rows in red
    assert model.index(1, 1).data(SORT_ROLE) > model.index(0, 1).data(SORT_ROLE)
    model.set_records([])
    qtmodeltester.check(model)


def test_ledger_print_keeps_short_columns_on_one_line() -> None:
    table = LedgerTable(
        title="示例台账",
        subtitle="",
        groups=(("任务基本情况", 2), ("2025年上半年", 2)),
        headers=("序号", "主要工作", "状态", "工作进展"),
        widths=(7.0, 110.0, 9.0, 110.0),  # the long columns as wide as on a sheet of 12
        centered=(True, False, True, False),
        state_columns=(2,),
        rows=(
            ("（三）2（1）", "推进" * 40, "序时推进", "完成" * 30),
            ("（一）1", "建设" * 40, "已完成", "完成"),
        ),
        task_ids=(1, 2),
        state_colors={"序时推进": "#1565c0"},
    )
    code, work, state, progress = column_percents(table)
    assert round(code + work + state + progress, 6) == 100
    workbook = [100 * w / 236 for w in table.widths]
    assert code > 2 * workbook[0] and state > 1.2 * workbook[2]  # （三）2（1）, 序时推进 whole
    assert code > state  # 6 full-width characters against 4
    assert work == progress  # the long columns keep their proportion
    assert state_fills(table) == {"序时推进": "#d5e3f4"}  # the status colour, lightened


def _long_table(rows: int) -> LedgerTable:
    """A ledger of ``rows`` tasks of varied heights: every seventh has a long progress
    text, one (the 40th) a text longer than a whole page."""
    body = []
    for number in range(rows):
        progress = "按计划推进各项工作。" * (30 if number % 7 == 0 else 2)
        if number == 40:
            progress = "完成年度目标，" * 3000 + "最后一句。"
        body.append((f"（一）{number + 1}", "能源绿色低碳转型", "推进" * 20, "序时推进", progress))
    return LedgerTable(
        title="示例市碳达峰实施方案工作台账",
        subtitle="报告期：2026年上半年",
        groups=(("任务基本情况", 3), ("2026年上半年（截止 2026-07-10）", 2)),
        headers=("序号", "重点领域", "主要工作", "状态", "工作进展"),
        widths=(7.0, 14.0, 46.0, 9.0, 40.0),
        centered=(True, True, False, True, False),
        state_columns=(3,),
        rows=tuple(body),
        task_ids=tuple(range(1, rows + 1)),
        state_colors={"序时推进": "#1565c0"},
    )


def test_the_ledger_is_cut_into_pages_between_rows(tmp_path: Path) -> None:
    table = _long_table(300)
    drawn: list[list[str]] = []
    printer = LedgerPrintPreview.pdf_printer(str(tmp_path / "ledger.pdf"))
    layout = paint_ledger(table, printer, drawn)
    assert (tmp_path / "ledger.pdf").stat().st_size > 0
    header = [name for name, _span in table.groups] + list(table.headers)
    body = layout.height - layout.group_height - layout.header_height - layout.footer_height
    pieces: dict[int, list[tuple[int, float, float]]] = {}
    for number, page in enumerate(layout.pages):
        room = body - (layout.title_height if number == 0 else 0)
        assert sum(part.height for part in page) <= room + 0.01  # nothing runs off the page
        for part in page:
            pieces.setdefault(part.row, []).append((number, part.top, part.height))
        texts = drawn[number]
        start = 2 if number == 0 else 0  # page 1 opens with the title and subtitle
        assert texts[start : start + len(header)] == header  # header rows on every page
        assert texts[-1] == f"第 {number + 1} 页 / 共 {len(layout.pages)} 页"
        if number + 1 < len(layout.pages):  # a page ends when the next row does not fit
            following = layout.pages[number + 1][0]
            assert sum(part.height for part in page) + following.height > room
    assert drawn[0][:2] == [table.title, table.subtitle]
    assert sorted(pieces) == list(range(300))  # every row, in order
    assert [row for page in range(len(layout.pages)) for row in layout.rows_on(page)] == sorted(
        row for row, parts in pieces.items() for _ in parts
    )
    for row, parts in pieces.items():
        if row == 40:  # taller than a page: cut, over consecutive pages, nothing lost
            assert len(parts) > 1
            assert [p[0] for p in parts] == list(range(parts[0][0], parts[0][0] + len(parts)))
            assert sum(p[2] for p in parts) == pytest.approx(layout.row_heights[40])
        else:  # any other row whole on one page
            assert parts == [(parts[0][0], 0.0, layout.row_heights[row])]
    assert layout.row_heights[7] > 3 * layout.row_heights[1]  # wrapped text makes a row taller
    assert 10 < len(layout.pages) < 60
    # every row's state drawn, the cut row's on each page it spans
    assert sum(texts.count("序时推进") for texts in drawn) == 299 + len(pieces[40])
