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
from ui.ledger_print import column_percents, ledger_html
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
    page = ledger_html(table)
    assert f"width='{code:.1f}%'" in page and "bgcolor='#d5e3f4'" in page
