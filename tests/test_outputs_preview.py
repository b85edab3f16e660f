"""tools/preview_sample.py (the demo behind tools/preview.sh) keeps working; LibreOffice is
not needed for this."""

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
    report = docx.Document(str(made[1]))
    assert report.paragraphs[0].text.endswith("2025年上半年工作进展情况报告")
    assert made[3].name.endswith("2026年上半年_填报表.xlsx")
