"""Databases to look at the app with (screenshots, the UI benchmark): not used by the app.

- :func:`build_sample`: the program's own demo database (:func:`tracker.demo.build_demo`:
  the fictional 示例市 plan, a demo coordinator and five unit reporters, two locked
  periods, the latest past period with reports awaiting review, returned, late and
  missing, drafts in the current one), with its accounts signed in. One builder for both,
  so the screenshots show what a first start shows.
- :func:`build_province`: the province-size database of ``bench/progress_bench.py``
  (5,000 tasks × 3 units × 10 periods = 150,000 reports) plus a coordinator and the
  reporter of the unit that leads the most tasks.

Every account's password is :data:`PASSWORD` (the demo's, printed in the program).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.progress_bench import build as build_province_plan  # noqa: E402
from tracker import demo  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.services import periods, plans, users, worklist  # noqa: E402
from tracker.services.actor import Actor  # noqa: E402

PASSWORD = demo.password()
COORDINATOR = demo.coordinator_name()


@dataclass
class Demo:
    """What a demo database holds: the plan, the current period (and the latest one past
    its due date, which has the most to look at) and the signed-in users."""

    db: Database
    plan_id: int
    period_id: int
    coordinator: Actor
    reporters: dict[str, Actor]  # user name → actor
    lead_unit: str  # the unit of the first reporter
    past_period_id: int | None = None


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


def _period_ids(db: Database, actor: Actor, plan_id: int, today: dt.date) -> tuple[int, int | None]:
    """The current period and the latest one past its due date (None: none yet)."""
    found = periods.list_periods(db, actor, plan_id)["periods"]
    current = worklist.choose_current_period(found, today)
    assert current is not None
    past = [p for p in found if dt.date.fromisoformat(p["due_date"]) < today]
    return int(current["id"]), int(past[-1]["id"]) if past else None


def build_sample(db: Database, today: dt.date | None = None) -> Demo:
    """The demo database of the program (see the module docstring), signed in."""
    today = today or dt.date.today()
    info = demo.build_demo(db, today=today)
    coordinator = demo.sign_in(db)
    reporters = {name: users.authenticate(db, name, PASSWORD) for name in info.reporters.values()}
    current, past = _period_ids(db, coordinator, info.plan_id, today)
    lead_unit = next(iter(info.reporters))
    return Demo(db, info.plan_id, current, coordinator, reporters, lead_unit, past)


def build_province(db: Database, today: dt.date | None = None) -> Demo:
    """The province-size database of the progress benchmark, with two accounts."""
    today = today or dt.date.today()
    plan_id = build_province_plan(db)
    coordinator = _coordinator(db)
    unit = _busiest_units(db, coordinator, plan_id, 1)[0]
    reporter = _reporter(db, coordinator, unit, "省直填报员")
    current, past = _period_ids(db, coordinator, plan_id, today)
    return Demo(db, plan_id, current, coordinator, {reporter.name: reporter}, unit, past)
