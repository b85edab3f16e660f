"""Benchmark of progress reporting on a synthetic province-size database (not a test).

Builds one plan of 5,000 tasks with 3 units each (1 lead, 2 cooperating) over 10 half-year
periods (2026H1 … 2030H2): 150,000 progress reports, plus targets and their actual values,
with fast bulk Core inserts. Then measures, through the real services:

- saving one report (median of 50 saves, each a different report, as its unit's reporter),
- the 催办 list of one period (median of 5 runs),
- the summary of that period (median of 5 runs).

Run on a temporary SQLite file, and with ``--pg URL`` (or ``TEST_PG_URL``) also on a fresh
PostgreSQL database created on that server (and dropped afterwards):

    .venv/bin/python bench/progress_bench.py [--pg postgresql+psycopg://user@host:port/postgres]

Goals (SQLite): a save well under 50 ms, the 催办 list and the summary each under 0.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from tracker.db import Database
from tracker.importing.regions import region_from_name
from tracker.models import (
    Area,
    Base,
    Period,
    Plan,
    ProgressReport,
    ReportActual,
    Target,
    Task,
    TaskUnit,
    Unit,
)
from tracker.services import monitoring, reports, users
from tracker.services.actor import SYSTEM, Actor
from tracker.services.periods import create_periods
from tracker.services.regions import ensure_region

TASKS = 5_000
UNITS = 60
AREAS = 10
START_YEAR, HORIZON_YEAR = 2026, 2030  # 10 half-year periods
TARGET_EVERY = 5  # one target on every 5th task
SAVES = 50
RUNS = 5
PERIOD = "2028H1"  # the period measured: some units still missing
STATUSES = ["已完成", "序时推进", "进度滞后", "未启动", "长期推进"]
GOAL_SAVE_MS = 50.0
GOAL_LIST_S = 0.5

TEXT = (
    "按照实施方案要求，扎实推进各项工作，完成阶段性目标任务，建立工作台账并定期调度，"
    "协调解决项目推进中的困难和问题。"
)


@dataclass
class Figures:
    """The measurements of one backend."""

    build_s: float = 0.0
    reports: int = 0
    save_ms: list[float] = field(default_factory=list)
    remind_s: list[float] = field(default_factory=list)
    summary_s: list[float] = field(default_factory=list)
    remind_rows: int = 0


def _bulk(conn: Any, model: type[Base], rows: list[dict[str, Any]], chunk: int = 20_000) -> None:
    for start in range(0, len(rows), chunk):
        conn.execute(insert(model), rows[start : start + chunk])


def build(db: Database, seed: int = 7, *, tasks: int = TASKS, units: int = UNITS) -> int:
    """Fill an empty, migrated database with ``tasks`` tasks among ``units`` units; returns
    the plan id. Reports are inserted one period at a time, so memory stays flat."""
    rng = random.Random(seed)
    with db.session() as session:
        region = ensure_region(session, region_from_name("四川省"), SYSTEM)
        region_id = region.id
        plan = Plan(
            title="某省碳达峰实施方案（基准测试）",
            region_id=region_id,
            kind="region",
            source_name="bench.txt",
            source_format="txt",
            content_hash=uuid.uuid4().hex,
            start_year=START_YEAR,
            horizon_year=HORIZON_YEAR,
        )
        session.add(plan)
        session.flush()
        create_periods(session, plan, SYSTEM)
        plan_id = plan.id
        period_rows = session.execute(
            select(Period.id, Period.code, Period.due_date)
            .where(Period.plan_id == plan_id)
            .order_by(Period.year, Period.half)
        ).all()

    now = dt.datetime.now(dt.UTC)
    with db.engine.begin() as conn:
        _bulk(
            conn,
            Unit,
            [
                {"id": i, "name": f"省直单位{i:03d}", "region_id": region_id, "created_at": now}
                for i in range(1, units + 1)
            ],
        )
        _bulk(
            conn,
            Area,
            [
                {
                    "id": i,
                    "plan_id": plan_id,
                    "code": str(i),
                    "title": f"重点领域{i}",
                    "position": i,
                }
                for i in range(1, AREAS + 1)
            ],
        )
        task_rows: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        for t in range(1, tasks + 1):
            task_rows.append(
                {
                    "id": t,
                    "plan_id": plan_id,
                    "area_id": 1 + (t - 1) * AREAS // tasks,
                    "code": str(t),
                    "measure_title": f"行动措施{t}",
                    "content": TEXT,
                    "source_place": f"第{t}行",
                    "position": t,
                    "version": 1,
                }
            )
            chosen = rng.sample(range(1, units + 1), 3)
            for position, (unit, role) in enumerate(
                zip(chosen, ("lead", "cooperating", "cooperating"), strict=True), 1
            ):
                links.append({"task_id": t, "unit_id": unit, "role": role, "position": position})
            if t % TARGET_EVERY == 0:
                targets.append(
                    {
                        "id": t // TARGET_EVERY,
                        "task_id": t,
                        "year": 2030,
                        "indicator": f"指标{t}",
                        "verb": "达到",
                        "comparator": ">=",
                        "value": 100.0,
                        "measure_unit": "万吨",
                        "text": "到2030年达到100万吨",
                        "position": 1,
                    }
                )
        _bulk(conn, Task, task_rows)
        _bulk(conn, TaskUnit, links)
        _bulk(conn, Target, targets)

        report_id = 0
        for index, (period_id, code, _due) in enumerate(period_rows):
            report_rows: list[dict[str, Any]] = []
            actual_rows: list[dict[str, Any]] = []
            # Older periods are done; the measured one is two-thirds in; the last is drafts.
            done_share = 1.0 if index < 4 else (0.67 if code == PERIOD else 0.0)
            for link in links:
                report_id += 1
                done = rng.random() < done_share
                state = rng.choice(["submitted", "approved"]) if done else "draft"
                report_rows.append(
                    {
                        "id": report_id,
                        "task_id": link["task_id"],
                        "unit_id": link["unit_id"],
                        "period_id": period_id,
                        "state": state,
                        "status": rng.choice(STATUSES),
                        "progress": TEXT,
                        "results": TEXT,
                        "problems": "",
                        "next_steps": TEXT,
                        "percent": float(rng.randint(0, 100)),
                        "late": done and rng.random() < 0.1,
                        "submitted_at": now if done else None,
                        "first_submitted_at": now if done else None,
                        "created_at": now,
                        "created_by": "bench",
                        "updated_at": now,
                        "updated_by": "bench",
                        "version": 1,
                    }
                )
                if link["role"] == "lead" and link["task_id"] % TARGET_EVERY == 0:
                    actual_rows.append(
                        {
                            "report_id": report_id,
                            "target_id": link["task_id"] // TARGET_EVERY,
                            "value": float(rng.randint(10, 120)),
                        }
                    )
            _bulk(conn, ProgressReport, report_rows)
            _bulk(conn, ReportActual, actual_rows)
        if conn.dialect.name == "postgresql":
            for table in ("units", "areas", "tasks", "targets", "progress_reports"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return plan_id


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(db: Database) -> Figures:
    """Build the database and take the figures."""
    figures = Figures()
    figures.build_s = _timed(lambda: build(db))
    with db.reader() as session:
        figures.reports = session.scalar(select(func.count()).select_from(ProgressReport)) or 0
        # The reporter of the unit that leads the most tasks saves its reports of the last
        # (still open, all-draft) period.
        unit_name = session.scalar(
            select(Unit.name)
            .join(TaskUnit, TaskUnit.unit_id == Unit.id)
            .where(TaskUnit.role == "lead")
            .group_by(Unit.id, Unit.name)
            .order_by(func.count().desc())
            .limit(1)
        )
        assert unit_name is not None
        task_ids = list(
            session.scalars(
                select(TaskUnit.task_id)
                .join(Unit, Unit.id == TaskUnit.unit_id)
                .where(Unit.name == unit_name, TaskUnit.role == "lead")
                .order_by(TaskUnit.task_id)
            )
        )
        last_period = session.scalar(
            select(Period.code).order_by(Period.year.desc(), Period.half.desc()).limit(1)
        )
    assert last_period is not None
    users.add_user(db, None, "基准协调员", "coordinator", "bench-password")
    coordinator = users.authenticate(db, "基准协调员", "bench-password")
    users.add_user(db, coordinator, "基准填报员", "reporter", "bench-password", unit=unit_name)
    reporter: Actor = users.authenticate(db, "基准填报员", "bench-password")

    for number, task_id in enumerate((task_ids * SAVES)[:SAVES]):
        figures.save_ms.append(
            1000
            * _timed(
                functools.partial(
                    reports.save_report,
                    db,
                    reporter,
                    task_id,
                    last_period,
                    progress=f"第{number}次保存：{TEXT}",
                    percent=number % 101,
                    expect_version=None,  # as the CLI without --expect-version
                )
            )
        )
    today = dt.date(2028, 7, 5)
    for _ in range(RUNS):
        figures.remind_s.append(
            _timed(lambda: monitoring.remind(db, coordinator, PERIOD, today=today))
        )
        figures.summary_s.append(_timed(lambda: monitoring.summary(db, coordinator, PERIOD)))
    figures.remind_rows = len(monitoring.remind(db, coordinator, PERIOD, today=today)["tasks"])
    return figures


@contextmanager
def sqlite_database() -> Iterator[Database]:
    """A migrated database in a temporary SQLite file."""
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        db = Database.open("sqlite:///" + str(Path(folder) / "bench.sqlite3"))
        try:
            yield db
        finally:
            db.close()


@contextmanager
def postgres_database(server_url: str) -> Iterator[Database]:
    """A fresh migrated database on the PostgreSQL server of ``server_url``, dropped after."""
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    db = Database.open(url)
    try:
        yield db
    finally:
        db.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pad(label: str, width: int) -> str:
    """``label`` left-aligned in ``width`` columns (CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)
    return label + " " * max(0, width - columns)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(results: dict[str, Figures]) -> bool:
    """Print the table of figures; returns whether the SQLite goals are met."""
    names = list(results)
    rows: list[tuple[str, list[str], str]] = [
        ("reports in the database", [f"{results[n].reports:,}" for n in names], ""),
        ("build (bulk inserts), s", [f"{results[n].build_s:.1f}" for n in names], ""),
        (
            "save one report, median ms",
            [f"{_median(results[n].save_ms):.1f}" for n in names],
            f"< {GOAL_SAVE_MS:.0f}",
        ),
        ("save one report, max ms", [f"{max(results[n].save_ms):.1f}" for n in names], ""),
        (
            "催办 list, median s",
            [f"{_median(results[n].remind_s):.3f}" for n in names],
            f"< {GOAL_LIST_S}",
        ),
        (
            "period summary, median s",
            [f"{_median(results[n].summary_s):.3f}" for n in names],
            f"< {GOAL_LIST_S}",
        ),
        ("tasks in the 催办 list", [f"{results[n].remind_rows:,}" for n in names], ""),
    ]
    print(f"{'measure':<30}" + "".join(f"{n:>14}" for n in names) + f"{'goal':>10}")
    for label, values, goal in rows:
        print(_pad(label, 30) + "".join(f"{v:>14}" for v in values) + f"{goal:>10}")
    lite = results["SQLite"]
    met = (
        _median(lite.save_ms) < GOAL_SAVE_MS
        and _median(lite.remind_s) < GOAL_LIST_S
        and _median(lite.summary_s) < GOAL_LIST_S
    )
    print("SQLite goals:", "met" if met else "NOT met")
    return met


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit code 1 if a SQLite goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--pg",
        metavar="URL",
        default=os.environ.get("TEST_PG_URL"),
        help="PostgreSQL server URL (a database is created and dropped there)",
    )
    args = parser.parse_args(argv)
    results: dict[str, Figures] = {}
    print(f"building {TASKS:,} tasks × 3 units × 10 periods on SQLite …", file=sys.stderr)
    with sqlite_database() as db:
        results["SQLite"] = measure(db)
    if args.pg:
        print("… and on PostgreSQL", file=sys.stderr)
        with postgres_database(args.pg) as db:
            results["PostgreSQL"] = measure(db)
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
