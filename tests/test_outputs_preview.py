"""tools/preview_sample.py (the demo database behind tools/preview.sh) keeps working;
LibreOffice is not needed for this."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import openpyxl

from conftest import ROOT


def test_the_preview_demo_exports_every_output(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "preview_sample.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    made = [Path(line) for line in done.stdout.splitlines()]
    assert [p.name for p in made[:3]] == ["工作台账.xlsx", "半年报告.docx", "年度报告.docx"]
    assert all(p.is_file() for p in made)
    ledger = openpyxl.load_workbook(made[0])["工作台账"]
    assert ledger.max_row > 40  # the sample plan's tasks
    tricky = [
        c
        for row in ledger.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=以“=”开头的文字")
    ]
    assert len(tricky) == 1 and "😀" in str(tricky[0].value)
    assert tricky[0].data_type == "s"  # text, not a formula
    report = docx.Document(str(made[1]))
    assert report.paragraphs[0].text.endswith("2026年上半年工作进展情况报告")
    annual = docx.Document(str(made[2]))
    assert annual.paragraphs[0].text.endswith("2025年度工作进展情况报告")
    assert made[3].name == "市发展改革委_2026年全年_填报表.xlsx"
    assert [p.name for p in made[4:]] == ["试点总览.xlsx", "试点报告.docx", "试点报告-草稿.docx"]
    overview = openpyxl.load_workbook(made[4])["试点总览"]
    assert overview["A1"].value == "碳达峰试点建设情况总览（2026年上半年）"
    pilot = docx.Document(str(made[5]))
    assert pilot.paragraphs[0].text.replace("\n", "") == (
        "示例市绿谷工业园区2026年上半年碳达峰试点建设进展情况报告"
    )
    draft = docx.Document(str(made[6]))
    assert any(p.text.startswith("=以“=”开头的文字") for p in draft.paragraphs)
