"""The demo database: the sample plan with accounts and progress reports filled in.

A first start shows the program with something in it: the fictional 示例市碳达峰实施方案
(resources/sample, our own writing), a demo coordinator and five unit reporters, and the
reports of the last periods — two locked periods approved, the latest one past its due date
with reports awaiting review, one returned, one submitted late and one unit that has not
reported at all, and a few drafts in the current period — and the scheme's 16 pilots in
示例市 (:mod:`tracker.pilot_demo`) with a city DRC and a pilot body account. Everything is
written through the services, so versions, the audit log and the 催办 list are what real
use would give.

The demo lives in its own SQLite file (:func:`tracker.config.demo_db_path`), never in a
working database: :func:`build_demo` refuses a database that holds accounts or plans, and
:func:`open_demo` builds into a temporary file that replaces the demo file only when
complete. A marker setting tells the program that a database is the demo
(:func:`is_demo`). The wording (accounts, report texts) is in ``resources/sample/demo.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tracker import config
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.models import Plan, Setting, User
from tracker.pilot_demo import add_demo_pilots
from tracker.pilot_demo import texts as pilot_texts
from tracker.services import instructions, periods, plans, reports, users
from tracker.services.actor import Actor
from tracker.services.pilot_plans import PILOT_KIND

DEMO_MARKER = "_demo"
DEMO_TEXTS = config.SAMPLE_DIR / "demo.json"

Progress = Callable[[int, int], None]

# What a lead unit's report looks like in the latest past period, by the task's position.
_RECENT_SUBMITTED, _RECENT_LATE, _RECENT_RETURNED = 1, 3, 5
_LOCKED_STATUSES = ("序时推进", "序时推进", "已完成", "长期推进", "序时推进", "进度滞后")
_RECENT_STATUSES = ("序时推进", "已完成", "序时推进", "进度滞后", "长期推进", "序时推进", "未启动")


@functools.cache
def texts() -> dict[str, Any]:
    """The wording of the demo (resources/sample/demo.json)."""
    data: dict[str, Any] = json.loads(DEMO_TEXTS.read_text(encoding="utf-8"))
    return data


def coordinator_name() -> str:
    """The demo coordinator, signed in automatically in the demo database."""
    return str(texts()["coordinator"])


def password() -> str:
    """The password of every demo account (shown in the program: it is only a demo)."""
    return str(texts()["password"])


@dataclass
class DemoInfo:
    """What :func:`build_demo` made."""

    plan_id: int
    coordinator: str
    reporters: dict[str, str]  # unit → user name
    periods: dict[str, str] = field(default_factory=dict)  # period code → what it shows
    reports: int = 0
    pilots: int = 0
    pilot_accounts: dict[str, str] = field(default_factory=dict)  # user name → what it is


def is_demo(db: Database) -> bool:
    """Whether ``db`` is a demo database (built by :func:`build_demo`)."""
    with db.reader() as session:
        return session.get(Setting, DEMO_MARKER) is not None


def sign_in(db: Database) -> Actor:
    """The demo coordinator, signed in (the demo needs no password typed)."""
    return users.authenticate(db, coordinator_name(), password())


def sample_plan(db: Database, actor: Actor) -> dict[str, Any]:
    """The demo's sample plan as listed (:func:`tracker.services.plans.list_plans`): the
    one plan that is not a pilot's."""
    listed = plans.list_plans(db, actor)
    return next(p for p in listed if p["kind"] != PILOT_KIND)


def latest_past_period(db: Database, actor: Actor, today: dt.date | None = None) -> str | None:
    """The code of the sample plan's latest period past its due date (the one with the most
    to look at), or None when none is past yet."""
    today = today or dt.date.today()
    plan_id = int(sample_plan(db, actor)["id"])
    listed = periods.list_periods(db, actor, plan_id)["periods"]
    past = [p["code"] for p in listed if dt.date.fromisoformat(p["due_date"]) < today]
    return past[-1] if past else None


# ---------------------------------------------------------------- building


def _require_empty(db: Database) -> None:
    with db.reader() as session:
        accounts = session.scalar(select(func.count()).select_from(User)) or 0
        stored = session.scalar(select(func.count()).select_from(Plan)) or 0
    if accounts or stored:
        raise InvalidInput(
            "示例数据只能生成在空数据库中（这个数据库已有"
            f"{accounts} 个用户、{stored} 个实施方案）；请另指定一个数据库文件。"
        )


# The demo's password is printed in the program: its hashes guard nothing, so they are
# cheap (within the bounds a stored hash may have).
DEMO_HASH_COST = users.ScryptParams(n=2**12, r=8, p=1)


def _create_coordinator(db: Database) -> Actor:
    users.add_user(db, None, coordinator_name(), "coordinator", password(), cost=DEMO_HASH_COST)
    return sign_in(db)


def _create_reporters(db: Database, coordinator: Actor, plan_units: set[str]) -> dict[str, Actor]:
    secret = password()
    reporters: dict[str, Actor] = {}
    for unit, name in texts()["reporters"].items():
        if unit in plan_units:
            users.add_user(
                db, coordinator, name, "reporter", secret, unit=unit, cost=DEMO_HASH_COST
            )
            reporters[unit] = users.authenticate(db, name, secret)
    return reporters


@dataclass
class _Filler:
    """Writes the demo's reports through the services, counting them for the progress."""

    db: Database
    coordinator: Actor
    reporters: dict[str, Actor]
    tasks: list[dict[str, Any]]
    progress: Progress
    total: int
    done: int = 0
    written: int = 0

    def step(self) -> None:
        self.done += 1
        self.progress(self.done, self.total)

    def writer(self, unit: str) -> Actor:
        return self.reporters.get(unit, self.coordinator)

    def save(
        self, task: dict[str, Any], unit: str, code: str, status: str, share: float | None
    ) -> None:
        """One report with texts matching its status (and target values when ``share``)."""
        wording = texts()
        choices = wording["progress"][status]
        index = self.tasks.index(task)
        fields: dict[str, Any] = {
            "status": status,
            "progress": choices[index % len(choices)].format(title=task["title"]),
        }
        if status in ("序时推进", "已完成") and share is not None:
            fields["percent"] = 100 if status == "已完成" else round(share * 100)
            fields["results"] = wording["results"].format(percent=fields["percent"])
            fields["actuals"] = {t["id"]: round(t["value"] * share, 1) for t in task["targets"]}
        if status == "进度滞后":
            fields["problems"] = wording["problems"]
            fields["next_steps"] = wording["next_steps"]
        reports.save_report(
            self.db, self.writer(unit), task["id"], code, unit, expect_version=0, **fields
        )
        self.written += 1


def _period_codes(db: Database, actor: Actor, plan_id: int, today: dt.date) -> dict[str, str]:
    """Which periods the demo fills: up to two locked ones, the latest past its due date,
    and the current one (role → period code)."""
    listed = periods.list_periods(db, actor, plan_id)["periods"]
    past = [p["code"] for p in listed if dt.date.fromisoformat(p["due_date"]) < today]
    coming = [p["code"] for p in listed if dt.date.fromisoformat(p["due_date"]) >= today]
    chosen: dict[str, str] = {}
    if past:
        chosen["recent"] = past[-1]
    for role, code in zip(("locked_2", "locked_1"), reversed(past[-3:-1]), strict=False):
        chosen[role] = code
    if coming:
        chosen["current"] = coming[0]
    return chosen


def _due(db: Database, actor: Actor, plan_id: int, code: str) -> dt.date:
    listed = periods.list_periods(db, actor, plan_id)["periods"]
    return dt.date.fromisoformat(next(p["due_date"] for p in listed if p["code"] == code))


def _fill_locked(filler: _Filler, plan_id: int, code: str, offset: int) -> None:
    """Every lead unit (of a task with several, each one) reported on time and was
    approved; the period is locked."""
    due = _due(filler.db, filler.coordinator, plan_id, code)
    for index, task in enumerate(filler.tasks):
        status = _LOCKED_STATUSES[(index + offset) % len(_LOCKED_STATUSES)]
        for unit in task["lead_units"]:
            filler.save(task, unit, code, status, 0.5 + 0.1 * offset)
            writer = filler.writer(unit)
            ahead = dt.timedelta(days=3 + index % 9)
            reports.submit_report(
                filler.db, writer, task["id"], code, unit, expect_version=None, today=due - ahead
            )
            reports.approve_report(
                filler.db, filler.coordinator, task["id"], code, unit, expect_version=None
            )
        filler.step()
    periods.lock_period(filler.db, filler.coordinator, plan_id, code)


def _fill_recent(filler: _Filler, plan_id: int, code: str) -> None:
    """The latest period past its due date: reports in every state, one unit missing."""
    due = _due(filler.db, filler.coordinator, plan_id, code)
    late_unit = texts()["late_unit"]
    db, coordinator = filler.db, filler.coordinator
    for index, task in enumerate(filler.tasks):
        filler.step()
        status = _RECENT_STATUSES[index % len(_RECENT_STATUSES)]
        kind = index % 7
        when = due + dt.timedelta(days=6) if kind == _RECENT_LATE else due - dt.timedelta(days=2)
        for unit in task["lead_units"]:
            if unit == late_unit:
                continue  # this unit has not reported: red in the 催办 list
            filler.save(task, unit, code, status, 0.85)
            writer = filler.writer(unit)
            reports.submit_report(
                db, writer, task["id"], code, unit, expect_version=None, today=when
            )
            if kind == _RECENT_RETURNED:
                reason = texts()["return_reason"]
                reports.return_report(
                    db, coordinator, task["id"], code, unit, reason=reason, expect_version=None
                )
            elif kind not in (_RECENT_SUBMITTED, _RECENT_LATE):
                reports.approve_report(db, coordinator, task["id"], code, unit, expect_version=None)
        if status == "进度滞后" and task["lead_units"][0] != late_unit:
            instructions.add_instruction(db, coordinator, task["id"], texts()["instruction"])


def _fill_cooperating(filler: _Filler, plan_id: int, code: str) -> None:
    """Cooperating units with an account report on their tasks too (submitted in time)."""
    on_time = _due(filler.db, filler.coordinator, plan_id, code) - dt.timedelta(days=4)
    for task in filler.tasks:
        for unit in task["cooperating_units"]:
            if unit in filler.reporters and unit != texts()["late_unit"]:
                filler.save(task, unit, code, "序时推进", None)
                reporter = filler.reporters[unit]
                reports.submit_report(
                    filler.db, reporter, task["id"], code, unit, expect_version=None, today=on_time
                )
        filler.step()


def _fill_current(filler: _Filler, code: str) -> None:
    """The current period: a few drafts and early submissions."""
    for index, task in enumerate(filler.tasks):
        unit = task["lead_units"][0]
        filler.step()
        if index % 3 == 0:
            reports.save_report(
                filler.db,
                filler.writer(unit),
                task["id"],
                code,
                unit,
                status="序时推进",
                progress=texts()["draft_progress"],
                expect_version=0,
            )
            filler.written += 1
        elif index % 5 == 1:
            filler.save(task, unit, code, "序时推进", 0.4)
            reports.submit_report(
                filler.db, filler.writer(unit), task["id"], code, unit, expect_version=None
            )


def _describe(roles: dict[str, str]) -> dict[str, str]:
    labels = {
        "locked_2": "已锁定：全部报送并审核通过",
        "locked_1": "已锁定：全部报送并审核通过",
        "recent": "已过截止日期：有待审核、已退回、逾期报送和未报送的单位",
        "current": "当前报告期：部分单位已填写草稿或报送",
    }
    return {code: labels[role] for role, code in roles.items()}


def build_demo(
    db: Database, *, today: dt.date | None = None, progress: Progress | None = None
) -> DemoInfo:
    """Fill an empty database with the demo (see the module docstring); ``today`` decides
    which periods are past. Refuses a database that already holds accounts or plans."""
    today = today or dt.date.today()
    report_progress: Progress = progress or (lambda _done, _total: None)
    _require_empty(db)
    parsed = plans.preview_import(db, config.SAMPLE_PLAN)
    plan_units = {u for t in parsed.tasks for u in (*t.lead_units, *t.cooperating_units)}
    coordinator = _create_coordinator(db)
    plan_id = plans.commit_import(db, parsed, coordinator).plan_id
    reporters = _create_reporters(db, coordinator, plan_units)
    tasks = plans.list_tasks(db, coordinator, plan_id=plan_id)
    roles = _period_codes(db, coordinator, plan_id, today)
    steps = len(tasks) * (len(roles) + (1 if "recent" in roles else 0))
    steps += len(pilot_texts()["pilots"])
    filler = _Filler(db, coordinator, reporters, tasks, report_progress, max(steps, 1))
    for offset, role in enumerate(("locked_2", "locked_1")):
        if role in roles:
            _fill_locked(filler, plan_id, roles[role], offset)
    if "recent" in roles:
        _fill_recent(filler, plan_id, roles["recent"])
        _fill_cooperating(filler, plan_id, roles["recent"])
    if "current" in roles:
        _fill_current(filler, roles["current"])
    made = add_demo_pilots(
        db,
        coordinator,
        city=_plan_region(db, plan_id),
        today=today,
        password=password(),
        cost=DEMO_HASH_COST,
        step=filler.step,
    )
    _mark(db, today)
    report_progress(filler.total, filler.total)
    return DemoInfo(
        plan_id=plan_id,
        coordinator=coordinator.name,
        reporters={unit: actor.name for unit, actor in reporters.items()},
        periods=_describe(roles),
        reports=filler.written,
        pilots=len(made.pilot_ids),
        pilot_accounts=made.accounts,
    )


def _plan_region(db: Database, plan_id: int) -> str:
    """The region that issued the demo plan (示例市): the demo's pilots are there."""
    with db.reader() as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        return plan.region.name


def _mark(db: Database, today: dt.date) -> None:
    value = json.dumps({"sample": config.SAMPLE_PLAN.name, "built": today.isoformat()})
    with db.session() as session:
        session.add(Setting(key=DEMO_MARKER, value=value, updated_by=coordinator_name()))


# ---------------------------------------------------------------- the demo file


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_demo(
    path: Path | None = None,
    *,
    rebuild: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Database:
    """The demo database at ``path`` (default :func:`tracker.config.demo_db_path`), built
    first when the file is missing (or ``rebuild``). It is built in a temporary file next to
    it and moved into place only when complete, so a failed build leaves no half demo.

    A file at ``path`` that is not a demo database is refused, never overwritten.
    """
    path = path or config.demo_db_path()
    if path.exists():
        existing = Database.open(str(path))
        try:
            demo = is_demo(existing)
        finally:
            existing.close()
        if not demo:
            raise InvalidInput(f"“{path}”不是示例数据库，不会被改动；请另指定示例数据库的文件。")
        if not rebuild:
            return Database.open(str(path))
    building = path.with_name(path.name + ".building")
    _remove_sqlite(building)
    db = Database.open(str(building))
    try:
        build_demo(db, today=today, progress=progress)
    except BaseException:
        db.close()
        _remove_sqlite(building)
        raise
    db.close()  # checkpoints the WAL into the file
    _remove_sqlite(path)
    os.replace(building, path)
    return Database.open(str(path))
