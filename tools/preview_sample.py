"""Build a demo database from the sample plan and export every output into a folder.

    .venv/bin/python tools/preview_sample.py OUT_DIR

Imports ``resources/sample``'s plan into ``OUT_DIR/demo.sqlite3`` (made afresh), fills the
2025 half-year and annual periods with reports of every status (some late, some missing,
one with two leads, texts with line breaks, a leading ``=``, emoji and long paragraphs),
then writes the ledger, both Word reports and one fill-in form, printing each file's path
(one per line) for ``tools/preview.sh``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from tracker import config
from tracker.db import Database
from tracker.models import ROLE_LEAD, TaskUnit
from tracker.outputs.forms import export_forms
from tracker.outputs.ledger import export_ledger
from tracker.outputs.report import export_report
from tracker.services import plans, reports
from tracker.services.access import find_unit
from tracker.services.actor import SYSTEM

STATUSES = ["序时推进", "已完成", "序时推进", "进度滞后", "长期推进", "未启动", "序时推进"]
PROGRESS = (
    "围绕年度目标，制定工作方案并建立工作台账，按月调度项目进展。"
    "已完成{n}个重点项目的前期工作，累计完成投资{m}亿元，较上年同期增长{p}%。"
)
LONG = "；".join(f"第{i}项具体工作已按计划完成阶段任务，形成可复制的经验做法" for i in range(1, 9))


def _fill(db: Database, tasks: list[dict[str, Any]], period: str, shift: int) -> None:
    for index, task in enumerate(tasks):
        if index % 9 == 8:
            continue  # nobody reported: 未报送
        lead = task["lead_units"][0]
        status = STATUSES[(index + shift) % len(STATUSES)]
        progress = PROGRESS.format(n=index % 7 + 1, m=index * 1.5 + 2, p=index % 12 + 3)
        if index % 5 == 0:
            progress += "\n" + LONG
        if index == 2:
            progress = "=以“=”开头的文字不会变成公式。\n第二行：✅ 已完成光伏项目验收😀（全角标点：，。；）"
        reports.save_report(
            db,
            SYSTEM,
            task["id"],
            period,
            lead,
            status=status,
            progress=progress,
            results="单位能耗同比下降3.2%。" if index % 4 == 0 else "",
            problems="项目资金缺口较大，用地指标紧张。" if index % 3 == 0 else "",
            next_steps="加快推进项目建设，强化要素保障，确保完成年度目标。",
        )
        late = index % 7 == 3
        day = dt.date(2025, 7, 12) if late else dt.date(2025, 7, 1)
        if period.endswith("H2"):
            day = dt.date(2026, 1, 12) if late else dt.date(2026, 1, 5)
        if index % 11 != 10:  # a few stay drafts
            reports.submit_report(db, SYSTEM, task["id"], period, lead, today=day)


def _second_lead(db: Database, task: dict[str, Any]) -> None:
    """Make the task's first cooperating unit a second lead (a task with two leads)."""
    with db.session() as session:
        unit = find_unit(session, task["cooperating_units"][0])
        link = session.get(TaskUnit, (task["id"], unit.id))
        if link is not None:
            link.role = ROLE_LEAD


def main(argv: list[str]) -> int:
    """Build the demo and export; prints the paths of the files made."""
    out = Path(argv[0] if argv else "preview").resolve()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "demo.sqlite3"
    for stale in out.glob("demo.sqlite3*"):
        stale.unlink()
    db = Database.open(str(database))
    try:
        parsed = plans.preview_import(db, config.SAMPLE_PLAN)
        plan_id = plans.commit_import(db, parsed, SYSTEM).plan_id
        tasks = plans.list_tasks(db, SYSTEM, plan_id=plan_id)
        _fill(db, tasks, "2025H1", 0)
        _fill(db, tasks, "2025H2", 2)
        today = dt.date(2026, 1, 20)
        made = [
            export_ledger(
                db, SYSTEM, out / "工作台账.xlsx", period="2025H2", all_periods=False, today=today
            ).path,
            export_report(db, SYSTEM, out / "半年报告.docx", period="2025H1", today=today).path,
            export_report(db, SYSTEM, out / "年度报告.docx", period="2025H2", today=today).path,
        ]
        forms = export_forms(db, SYSTEM, out, period="2026H1", unit=tasks[0]["lead_units"][0])
        made.extend(forms.files)
    finally:
        db.close()
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
