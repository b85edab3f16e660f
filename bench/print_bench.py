"""Benchmark of printing the 工作台账 from the app (not a test).

    .venv/bin/python bench/print_bench.py [--db FILE] [--png FOLDER]

Builds the province-size database of ``bench/progress_bench.py`` (5,000 tasks; or uses
``--db``, a database it built before) and, offscreen, as the app's Ctrl+P does:

- reads the ledger of the current period and builds its table (the background part);
- lays it out for an A3 landscape printer at high resolution and paints every page into
  it (PDF to a temporary file);
- opens the app's print preview of it (offscreen): what the GUI thread does on Ctrl+P
  once the table is read, until the pages are shown.

Goal: pagination and painting < 5 s for 5,000 tasks, in wall time (the CPU time is
printed too). ``--png`` writes page 1 and a middle page as PNG (pdftoppm, 60 dpi) to
look at. Exit code 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.outputs.ledger import LedgerTable

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 5.0


def table_of(path: Path, *, build: bool) -> tuple[LedgerTable, float]:
    """The ledger table of the current period, as the coordinator prints it (building the
    database first when ``build``); the seconds it took to read and build."""
    from tools.demo_data import COORDINATOR, PASSWORD, build_province
    from tracker.db import Database
    from tracker.outputs.ledger import ledger_table, read_ledger
    from tracker.services import periods, users, worklist

    db = Database.open(str(path))
    try:
        if build:
            print("building 5,000 tasks × 3 units × 10 periods …", file=sys.stderr)
            build_province(db)
        actor = users.authenticate(db, COORDINATOR, PASSWORD)
        found = periods.list_periods(db, actor)
        current = worklist.choose_current_period(found["periods"], dt.date.today())
        assert current is not None
        began = time.perf_counter()
        data = read_ledger(db, actor, period=int(current["id"]), plan_id=found["plan_id"])
        table = ledger_table(data, actor, dt.date.today())
        return table, time.perf_counter() - began
    finally:
        db.close()


def print_pdf(table: LedgerTable, pdf: Path) -> tuple[int, float, float]:
    """Paginate and paint ``table`` into a PDF printer set up as the app's preview:
    pages, wall seconds, CPU seconds."""
    from ui.ledger_print import LedgerPrintPreview, paint_ledger

    printer = LedgerPrintPreview.pdf_printer(str(pdf))
    began, began_cpu = time.perf_counter(), time.process_time()
    layout = paint_ledger(table, printer)
    return len(layout.pages), time.perf_counter() - began, time.process_time() - began_cpu


def open_preview(table: LedgerTable) -> float:
    """Seconds from creating the app's print preview of ``table`` to its pages shown."""
    from PySide6.QtWidgets import QApplication

    from ui.ledger_print import LedgerPrintPreview

    began = time.perf_counter()
    preview = LedgerPrintPreview("工作台账", table)
    preview.show()
    while preview.layout_pages is None:
        QApplication.processEvents()
    QApplication.processEvents()
    seconds = time.perf_counter() - began
    preview.close()
    preview.deleteLater()
    return seconds


def pngs(pdf: Path, pages: int, folder: Path) -> list[Path]:
    """Page 1 and the middle page of ``pdf`` as PNG (60 dpi) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for page in sorted({1, max(1, pages // 2)}):
        stem = folder / f"ledger-page-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        written.append(stem.with_suffix(".png"))
    return written


def main(argv: list[str] | None = None) -> int:
    """Build (or open), measure, print the figures; exit 1 if the goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, help="a database this benchmark built before")
    parser.add_argument("--png", type=Path, help="write page 1 and a middle page here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from ui.app import create_application

    create_application()
    with tempfile.TemporaryDirectory(prefix="tracker-print-bench-") as folder:
        path = args.db or Path(folder) / "province.sqlite3"
        table, read_s = table_of(path, build=args.db is None)
        pdf = Path(folder) / "ledger.pdf"
        pages, wall_s, cpu_s = print_pdf(table, pdf)
        print(f"tasks printed                 {len(table.rows):>10,}")
        print(f"read + table (background), s  {read_s:>10.2f}")
        print(f"pages (A3 landscape)          {pages:>10,}")
        print(f"paginate + paint all, s       {wall_s:>10.2f}   goal < {GOAL_S:g}")
        print(f"paginate + paint all, CPU s   {cpu_s:>10.2f}")
        preview_s = open_preview(table)
        print(f"print preview opened, s       {preview_s:>10.2f}   goal < {GOAL_S:g}")
        print(f"load average                  {os.getloadavg()[0]:>10.1f}")
        if args.png:
            if shutil.which("pdftoppm") is None:
                print("pdftoppm not found (poppler-utils): no PNG written", file=sys.stderr)
            else:
                for png in pngs(pdf, pages, args.png):
                    print(f"wrote {png}")
    return 0 if max(wall_s, preview_s) < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
