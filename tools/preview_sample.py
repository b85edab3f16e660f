"""Build the demo database and export every output into a folder.

    .venv/bin/python tools/preview_sample.py OUT_DIR

Builds the program's own demo (:func:`tracker.demo.build_demo`, the one demo builder: the
fictional 示例市 plan, its accounts and reports) into ``OUT_DIR/demo.sqlite3`` (made afresh)
as of :data:`TODAY`, so 2025H1 and 2025H2 are locked, 2026H1 is past its due date with
reports in every state, and 2026H2 is open. One returned report of 2026H1 is then edited
and sent again with text an output must keep exactly (a leading ``=``, a line break,
emoji, full-width punctuation). Writes the ledger and the half-year report of 2026H1, the
annual report of 2025H2 and one fill-in form for 2026H2; then, of the demo's 16 pilots, the
DRC's overview (试点建设情况总览) and the 试点建设进展情况报告 of the pilot with the body
account (accepted, with a promoted case) and of the draft one, whose problems get the
same tricky text. Prints each file's path (one per line) for ``tools/preview.sh``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracker import demo  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.outputs.forms import export_forms  # noqa: E402
from tracker.outputs.ledger import export_ledger  # noqa: E402
from tracker.outputs.pilot_report import export_pilot_report  # noqa: E402
from tracker.outputs.pilots_overview import export_overview  # noqa: E402
from tracker.outputs.report import export_report  # noqa: E402
from tracker.pilot_demo import BODY_ACCOUNT_PILOT, last_due_period  # noqa: E402
from tracker.pilot_demo import texts as pilot_texts  # noqa: E402
from tracker.services import pilot_review, pilots, plans, reports  # noqa: E402
from tracker.services.actor import Actor  # noqa: E402

TODAY = dt.date(2026, 11, 29)
RECENT, ANNUAL, CURRENT = "2026H1", "2025H2", "2026H2"
TRICKY = "=以“=”开头的文字不会变成公式。\n第二行：✅ 已完成光伏项目验收😀（全角标点：，。；）"


def _resend_with_tricky_text(db: Database, coordinator: Actor, plan_id: int) -> None:
    """Edit the first returned lead report of :data:`RECENT` and submit it again."""
    for task in plans.list_tasks(db, coordinator, plan_id=plan_id):
        listed = reports.task_reports(db, coordinator, task["id"], RECENT)
        for unit in listed["units"]:
            report = unit["report"]
            if unit["role"] == "lead" and report and report["state"] == "returned":
                saved = reports.save_report(
                    db,
                    coordinator,
                    task["id"],
                    RECENT,
                    unit["unit_id"],
                    progress=TRICKY,
                    expect_version=report["version"],
                )
                reports.submit_report(
                    db,
                    coordinator,
                    task["id"],
                    RECENT,
                    unit["unit_id"],
                    expect_version=saved["version"],
                    today=TODAY,
                )
                return


def _pilot_outputs(db: Database, coordinator: Actor, out: Path) -> list[Path]:
    """The overview of the demo pilots and two pilot reports (see the module docstring)."""
    period = last_due_period(TODAY)
    listed = pilots.list_pilots(db, coordinator)
    body = listed[BODY_ACCOUNT_PILOT]["id"]
    draft = listed[pilot_texts()["review"]["draft"][0]]["id"]
    report = pilot_review.get_pilot_report(db, coordinator, draft, period)
    pilot_review.save_pilot_report(
        db, coordinator, draft, period, expect_version=report["version"], problems=TRICKY
    )
    overview = export_overview(db, coordinator, out / "试点总览.xlsx", period=period, today=TODAY)
    return [
        Path(overview["path"]),
        *(
            export_pilot_report(db, coordinator, pilot, out / name, period=period, today=TODAY).path
            for pilot, name in ((body, "试点报告.docx"), (draft, "试点报告-草稿.docx"))
        ),
    ]


def main(argv: list[str]) -> int:
    """Build the demo and export; prints the paths of the files made."""
    out = Path(argv[0] if argv else "preview").resolve()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("demo.sqlite3*"):
        stale.unlink()
    db = Database.open(str(out / "demo.sqlite3"))
    try:
        demo.build_demo(db, today=TODAY)
        coordinator = demo.sign_in(db)
        plan_id = int(demo.sample_plan(db, coordinator)["id"])
        _resend_with_tricky_text(db, coordinator, plan_id)
        made = [
            export_ledger(
                db, coordinator, out / "工作台账.xlsx", plan_id=plan_id, period=RECENT, today=TODAY
            ).path,
            export_report(
                db, coordinator, out / "半年报告.docx", plan_id=plan_id, period=RECENT, today=TODAY
            ).path,
            export_report(
                db, coordinator, out / "年度报告.docx", plan_id=plan_id, period=ANNUAL, today=TODAY
            ).path,
        ]
        lead_unit = next(iter(demo.texts()["reporters"]))
        made.extend(
            export_forms(
                db, coordinator, out, plan_id=plan_id, period=CURRENT, unit=lead_unit
            ).files
        )
        made.extend(_pilot_outputs(db, coordinator, out))
    finally:
        db.close()
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
