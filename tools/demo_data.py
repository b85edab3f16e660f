"""Databases to look at the app with (screenshots, the UI benchmark): not used by the app.

- :func:`build_sample`: the sample plan of ``resources/sample`` imported through the real
  services, a coordinator and three unit reporters, and a current period in which reports
  are drafts, submitted, approved or returned — every state the screens can show.
- :func:`build_province`: the province-size database of ``bench/progress_bench.py``
  (5,000 tasks × 3 units × 10 periods = 150,000 reports) plus a coordinator and the
  reporter of the unit that leads the most tasks.

Every account's password is :data:`PASSWORD`.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.progress_bench import build as build_province_plan  # noqa: E402
from tracker import config  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.services import periods, plans, reports, users, worklist  # noqa: E402
from tracker.services.actor import SYSTEM, Actor  # noqa: E402

PASSWORD = "demo-password"
COORDINATOR = "市发展改革委办公室"
STATUSES = ["已完成", "序时推进", "进度滞后", "序时推进", "长期推进", "未启动"]
TEXTS = {
    "progress": "已制定年度工作方案，召开专题推进会 2 次，完成 {n} 个重点项目的前期工作。",
    "results": "新增相关设施 {n} 处，节能量约 {m} 吨标准煤。",
    "problems": "项目资金到位较慢，部分审批手续仍在办理。",
    "next_steps": "加快项目建设进度，按月调度，确保年底前完成年度目标。",
}


@dataclass
class Demo:
    """What a demo database holds: the plan, the current period and the signed-in users."""

    db: Database
    plan_id: int
    period_id: int
    coordinator: Actor
    reporters: dict[str, Actor]  # user name → actor
    lead_unit: str  # the unit of the first reporter (leads the most tasks)


def _coordinator(db: Database) -> Actor:
    if users.count_users(db) == 0:
        users.add_user(db, None, COORDINATOR, "coordinator", PASSWORD)
    return users.authenticate(db, COORDINATOR, PASSWORD)


def _busiest_units(db: Database, actor: Actor, plan_id: int, count: int) -> list[str]:
    lead: dict[str, int] = {}
    for task in plans.list_tasks(db, actor, plan_id=plan_id):
        for name in task["lead_units"]:
            lead[name] = lead.get(name, 0) + 1
    return sorted(lead, key=lambda n: (-lead[n], n))[:count]


def _reporter(db: Database, coordinator: Actor, unit: str, name: str) -> Actor:
    users.add_user(db, coordinator, name, "reporter", PASSWORD, unit=unit)
    return users.authenticate(db, name, PASSWORD)


def _current_period(db: Database, actor: Actor, plan_id: int, today: dt.date) -> int:
    found = periods.list_periods(db, actor, plan_id)["periods"]
    current = worklist.choose_current_period(found, today)
    assert current is not None
    return int(current["id"])


def _fill(
    db: Database, reporter: Actor, coordinator: Actor, tasks: list[dict[str, Any]], period: int
) -> None:
    """Reports of one unit in every state: drafts, submitted, approved, returned."""
    for n, task in enumerate(tasks):
        texts = {k: v.format(n=n + 2, m=(n + 1) * 150) for k, v in TEXTS.items()}
        if n % 7 == 6:
            continue  # not reported yet
        reports.save_report(
            db,
            reporter,
            task["id"],
            period,
            status=STATUSES[n % len(STATUSES)],
            progress=texts["progress"],
            results=texts["results"],
            problems=texts["problems"],
            next_steps=texts["next_steps"],
            percent=(n * 17) % 101,
            actuals={t["id"]: t["value"] * 0.8 for t in task["targets"][:1]},
        )
        if n % 7 == 5:
            continue  # a draft
        reports.submit_report(db, reporter, task["id"], period)
        if n % 7 in (1, 2):
            reports.approve_report(db, coordinator, task["id"], period, reporter.unit_id)
        elif n % 7 == 3:
            reports.return_report(
                db,
                coordinator,
                task["id"],
                period,
                reporter.unit_id,
                reason="请补充项目名称和完成投资额，并上传验收材料。",
            )


def build_sample(db: Database, today: dt.date | None = None) -> Demo:
    """The sample plan with reports in every state (see the module docstring)."""
    today = today or dt.date.today()
    parsed = plans.preview_import(db, config.SAMPLE_PLAN)
    plan_id = plans.commit_import(db, parsed, SYSTEM).plan_id
    coordinator = _coordinator(db)
    period_id = _current_period(db, coordinator, plan_id, today)
    units = _busiest_units(db, coordinator, plan_id, 3)
    reporters: dict[str, Actor] = {}
    for i, unit in enumerate(units, 1):
        reporter = _reporter(db, coordinator, unit, f"填报员{i}")
        reporters[reporter.name] = reporter
        mine = [
            t for t in plans.list_tasks(db, reporter, plan_id=plan_id) if unit in t["lead_units"]
        ]
        _fill(db, reporter, coordinator, mine[: 10 + 8 * (3 - i)], period_id)
    return Demo(db, plan_id, period_id, coordinator, reporters, units[0])


def build_province(db: Database, today: dt.date | None = None) -> Demo:
    """The province-size database of the progress benchmark, with two accounts."""
    today = today or dt.date.today()
    plan_id = build_province_plan(db)
    coordinator = _coordinator(db)
    unit = _busiest_units(db, coordinator, plan_id, 1)[0]
    reporter = _reporter(db, coordinator, unit, "省直填报员")
    period_id = _current_period(db, coordinator, plan_id, today)
    return Demo(db, plan_id, period_id, coordinator, {reporter.name: reporter}, unit)
