"""Import benchmark (not a test): times the import of each seed and of synthetic plans.

    .venv/bin/python bench/import_bench.py [--repeat 5] [--seeds DIR] [--no-pdf]

For each seed: the median time to read and parse it (the preview) and to store it in a
fresh SQLite database. Then synthetic plans built from seed 001 at 1×, 10× and 50× its size
(the same areas, every measure and table row repeated with new numbers, the area labels
printed mid-block as in the PDF), to show that the work grows linearly. Goals: each seed
well under 0.5 s; the 50× plan no worse than linear (time per task roughly constant).

Then PDFs: each seed typeset as an official document by LibreOffice (tools/
make_pdf_fixtures.py: header line, page numbers; seed 001's 任务分工 as a ruled table with
merged cells that breaks across pages), 8 to 50 pages. Goal: a 40-page plan in under 3 s.
Measured on the 2-core development machine: 37 pages (seeds 000, 004) ≈ 0.4 s to read and
parse, 50 pages with the table (seed 001) ≈ 0.6 s; storing adds ≈ 0.04 s. Without
LibreOffice only the committed fixture PDFs are timed.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.db import Database  # noqa: E402
from tracker.importing.importer import parse_plan  # noqa: E402
from tracker.importing.table_plan import header_fields  # noqa: E402
from tracker.services import plans  # noqa: E402
from tracker.services.actor import SYSTEM  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_plan(seed: Path, factor: int) -> str:
    """Seed 001 scaled: body and 任务分工 table with every measure repeated ``factor`` times."""
    plan = parse_plan(seed)
    lines = seed.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if header_fields(line.split("\t")))
    header = lines[start]
    groups: list[list[list[str]]] = []  # a measure's rows (its sub-rows and continuations)
    for line in lines[start + 1 :]:
        if not line.strip() or line == header:
            continue
        cells = line.split("\t")
        if cells[0].strip():
            groups.append([])
        if groups:
            groups[-1].append(cells)

    areas: dict[str, list[tuple[str, str]]] = {}
    for task in plan.tasks:
        areas.setdefault(task.area_title, [])
        if task.title not in [t for t, _ in areas[task.area_title]]:
            areas[task.area_title].append((task.title, task.content))

    out = [f"银川市合成{factor}倍碳达峰实施方案", "", "三、重点任务", ""]
    numerals = "一二三四五六七八九十"
    for n, (area, measures) in enumerate(areas.items(), 1):
        marker = numerals[n - 1] if n <= 10 else "十" + numerals[n - 11]
        out.append(f"（{marker}）{area}")
        number = 0
        for copy in range(1, factor + 1):
            for title, content in measures:
                number += 1
                out.append(f"{number}.{title}{copy}。{content}")
        out.append("")
    out.append("任务分工")
    out.append(header)
    seq = 0
    for copy in range(1, factor + 1):
        for group in groups:
            seq += 1
            for r, cells in enumerate(group):
                row = list(cells) + [""] * (6 - len(cells))
                if r == 0:
                    row[0] = str(seq)
                    if row[2].strip() and not row[2].startswith(("九", "十")):
                        row[2] = row[2] + str(copy)
                if copy > 1:
                    row[1] = ""  # the merged area label appears once per block
                out.append("\t".join(row))
            if seq % 6 == 0:
                out.extend(["", header])  # a page break with its repeated header
    return "\n".join(out) + "\n"


def typeset_seed(seed: Path, folder: Path) -> Path:
    """The seed as a PDF: its running text, and its 任务分工 (if any) as a ruled table
    rebuilt from the parsed plan (area cells merged down their block, sub-rows sharing
    序号 and 行动措施), typeset by LibreOffice."""
    sys.path.insert(0, str(ROOT / "tools"))
    typesetter = importlib.import_module("make_pdf_fixtures")
    from tracker.importing.sources import read_document
    from tracker.importing.table_plan import text_tables

    tables, body = text_tables(read_document(seed).lines)
    lines = [line.text for line in body if line.text.strip()]
    if tables:
        lines.append("序号\t重点领域\t行动措施\t主要工作\t牵头单位\t配合单位")
        last_area: tuple[str, str] | None = None
        last_measure: tuple[str, str] | None = None
        for task in parse_plan(seed).tasks:
            seq = task.code.split("-")[0]
            area = (task.area_code, task.area_title)
            first = (seq, task.title) != last_measure
            cells = [
                seq if first else "",
                f"{task.area_code}、{task.area_title}" if area != last_area else "",
                task.title if first else "",
                task.content,
                "、".join(task.lead_units) or "/",
                "、".join(task.cooperating_units) or "/",
            ]
            lines.append("\t".join(cells))
            last_area, last_measure = area, (seq, task.title)
    text = folder / seed.name
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    typesetter.build_docx(text, text.with_suffix(".docx"))
    pdf: Path = typesetter.to_pdf(text.with_suffix(".docx"), folder)
    return pdf


def pdf_rows(seeds: Path, folder: Path) -> list[tuple[str, Path]]:
    """The PDFs to time: the seeds typeset (with LibreOffice), else the fixtures."""
    fixtures = sorted((ROOT / "tests" / "fixtures" / "pdf").glob("示例*.pdf"))
    rows = [(f"fixture {p.stem[:12]} (pdf)", p) for p in fixtures]
    if shutil.which("soffice") is None:
        print("(LibreOffice not installed: the seeds are not typeset to PDF)")
        return rows
    for seed in sorted(seeds.glob("*.txt")):
        rows.append((f"{seed.name[:3]} typeset (pdf)", typeset_seed(seed, folder)))
    return rows


def pages(path: Path) -> int:
    """How many pages a PDF has."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF part")
    args = parser.parse_args()

    print(f"{'document':<42}{'tasks':>7}{'size KB':>9}{'parse s':>10}{'store s':>10}{'ms/task':>9}")
    rows: list[tuple[str, Path]] = [(p.name, p) for p in sorted(args.seeds.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        seed_001 = args.seeds / "001_69c9d6620e20abd3.txt"
        for factor in (1, 10, 50):
            path = Path(tmp) / f"synthetic_{factor}x.txt"
            path.write_text(synthetic_plan(seed_001, factor), encoding="utf-8")
            rows.append((f"synthetic 001 × {factor}", path))
        if not args.no_pdf:
            rows.extend(pdf_rows(args.seeds, Path(tmp)))
        for label, path in rows:
            try:
                parsed = parse_plan(path)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
                print(f"{label:<42}{'—':>7}{path.stat().st_size / 1024:>9.0f}   ({exc})")
                continue
            parse_s = median_time(lambda p=path: parse_plan(p), args.repeat)  # type: ignore[misc]
            store_times = []
            for i in range(max(1, min(args.repeat, 3))):
                db = Database.open(f"sqlite:///{tmp}/store-{label.replace(' ', '_')}-{i}.sqlite3")
                start = time.perf_counter()
                plans.commit_import(db, parsed, SYSTEM)
                store_times.append(time.perf_counter() - start)
                db.close()
            store_s = statistics.median(store_times)
            per_task = 1000 * parse_s / max(1, len(parsed.tasks))
            extra = f"  {pages(path)} pages" if path.suffix == ".pdf" else ""
            print(
                f"{label:<42}{len(parsed.tasks):>7}{path.stat().st_size / 1024:>9.0f}"
                f"{parse_s:>10.3f}{store_s:>10.3f}{per_task:>9.2f}{extra}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
