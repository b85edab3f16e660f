"""`tracker export ledger|forms|report` and `tracker import-forms` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest

from tracker.cli import main
from tracker.db import Database
from tracker.outputs import forms

from factories import NDRC, PASSWORD, World, fill_reports, make_world, use_fast_hashing

H1, H2 = "2025H1", "2025H2"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    made = make_world(db)
    fill_reports(made)
    return made


def _run(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: object,
    user: str = "协调员甲",
) -> tuple[int, str, str]:
    monkeypatch.setenv("TRACKER_USER", user)
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    capsys.readouterr()
    code = main(["--db", db_url, *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_ledger_report_and_forms(
    world: World,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger = tmp_path / "台账.xlsx"
    code, out, err = _run(
        db_url, capsys, monkeypatch, "export", "ledger", "--period", H1, "--status", "已完成",
        "-o", ledger,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"已导出工作台账：{ledger}（1 项任务）\n"
    assert openpyxl.load_workbook(ledger)["工作台账"]["A5"].value == "3"

    report = tmp_path / "报告.docx"
    code, out, _ = _run(
        db_url, capsys, monkeypatch, "export", "report", "--period", H1, "--kind", "half-year",
        "--date", "2025-07-12", "--issuer", "某市发展改革委", "-o", report,
    )  # fmt: skip
    assert code == 0 and "已导出工作进展情况报告" in out
    texts = [p.text for p in docx.Document(str(report)).paragraphs]
    assert "某市发展改革委" in texts and "2025年7月12日" in texts

    folder = tmp_path / "填报表"
    code, out, _ = _run(
        db_url, capsys, monkeypatch, "export", "forms", "--period", H2, "-o", folder, "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert (data["units"], data["tasks"]) == (4, 6)
    assert len(list(folder.iterdir())) == 4


def test_bad_exports_exit_non_zero_with_a_message(
    world: World,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = _run(
        db_url, capsys, monkeypatch, "export", "report", "--period", H1, "--kind", "annual",
        "-o", tmp_path / "r.docx",
    )  # fmt: skip
    assert code == 4 and "年度报告应选全年" in err
    code, _, err = _run(
        db_url, capsys, monkeypatch, "export", "ledger", "--period", H1, "--area", "九",
        "-o", tmp_path / "l.xlsx",
    )  # fmt: skip
    assert code == 3 and "没有重点领域“九”" in err
    code, _, err = _run(
        db_url, capsys, monkeypatch, "export", "report", "--period", H1, "-o", tmp_path / "r.docx",
        user="发改委填报员",
    )  # fmt: skip
    assert code == 5 and "仅协调员" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".docx")) == []


def test_import_forms_reports_per_row_and_refuses_bad_files(
    world: World,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "forms"
    _run(
        db_url, capsys, monkeypatch, "export", "forms", "--period", H2, "--unit", NDRC, "-o", folder
    )
    (good,) = folder.iterdir()
    book = openpyxl.load_workbook(good)
    ws = book["填报表"]
    ws.cell(row=forms.FIRST_ROW, column=forms.column("status").index).value = "序时推进"
    book.save(good)
    bad = tmp_path / "bad.xlsx"
    openpyxl.Workbook().save(bad)

    code, out, err = _run(
        db_url, capsys, monkeypatch, "import-forms", good, bad, user="发改委填报员"
    )
    assert code == 4
    assert (
        f"已导入“{good.name}”（保存为草稿）：{NDRC}，2025年全年；新建草稿 1 行，未填写 1 行。"
        in out
    )
    assert f"第 {forms.FIRST_ROW} 行 任务 1：新建草稿" in out
    assert "共 2 个文件：导入 1 个，未导入 1 个。" in out
    assert "填报表“bad.xlsx”未导入" in err

    code, out, _ = _run(db_url, capsys, monkeypatch, "import-forms", good, "--period", H1, "--json")
    assert code == 4
    failed = json.loads(out)["failed"]
    assert "不是指定的报告期 2025H1" in failed[0]["error"]
