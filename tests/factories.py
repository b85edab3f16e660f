"""Test data for the progress tests: a small plan stored directly through the ORM.

The plan has two areas and three tasks:

- task "1" (area 一): lead 市发改委, cooperating 市工信局 and 市自然资源局; one target
  (新能源装机规模 ≥ 500 万千瓦 by 2025)
- task "2" (area 一): lead 市工信局, cooperating 市发改委
- task "3" (area 二): lead 市住建局 (nobody cooperates); one target (≤ 10 %)

and its periods (half-yearly, 2025–2026 unless told otherwise), so that the tests do not
depend on the plan importer.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

import pytest

from tracker.db import Database
from tracker.importing.regions import region_from_name
from tracker.models import (
    ROLE_COOPERATING,
    ROLE_LEAD,
    Area,
    Plan,
    Target,
    Task,
    TaskUnit,
    Unit,
)
from tracker.services import users
from tracker.services.actor import SYSTEM, Actor
from tracker.services.periods import create_periods
from tracker.services.regions import ensure_region

NDRC = "市发改委"
MIIT = "市工信局"
LAND = "市自然资源局"
HOUSING = "市住建局"

PASSWORD = "correct horse 1"
REGION = "某市"  # the region of the sample plan (a city the program does not know)


@dataclass
class SamplePlan:
    """Ids of what :func:`make_plan` stored."""

    plan_id: int
    task_ids: list[int]
    unit_ids: dict[str, int]
    target_ids: dict[int, list[int]] = field(default_factory=dict)

    @property
    def task1(self) -> int:
        """Task 1: lead 市发改委, cooperating 市工信局, 市自然资源局; one target."""
        return self.task_ids[0]

    @property
    def task2(self) -> int:
        """Task 2: lead 市工信局, cooperating 市发改委."""
        return self.task_ids[1]

    @property
    def task3(self) -> int:
        """Task 3: lead 市住建局 only; one target."""
        return self.task_ids[2]


def make_plan(
    db: Database,
    *,
    title: str = "某市碳达峰实施方案",
    start_year: int = 2025,
    horizon_year: int = 2026,
    cadence: str = "half_yearly",
) -> SamplePlan:
    """Store the sample plan and its periods; returns the ids."""
    with db.session() as session:
        region = ensure_region(session, region_from_name(REGION), SYSTEM)
        units: dict[str, Unit] = {}
        for name in (NDRC, MIIT, LAND, HOUSING):
            existing = session.query(Unit).filter_by(name=name, region_id=region.id).one_or_none()
            units[name] = existing or Unit(name=name, region_id=region.id)
            session.add(units[name])
        plan = Plan(
            title=title,
            region_id=region.id,
            kind="city",
            source_name=f"{title}.txt",
            source_format="txt",
            content_hash=hashlib.sha256(title.encode()).hexdigest(),
            imported_by="测试",
            cadence=cadence,
            start_year=start_year,
            horizon_year=horizon_year,
        )
        session.add(plan)
        session.flush()
        area1 = Area(plan_id=plan.id, code="一", title="能源绿色低碳转型行动", position=1)
        area2 = Area(plan_id=plan.id, code="二", title="城乡建设碳达峰行动", position=2)
        session.add_all([area1, area2])
        session.flush()
        specs = [
            (area1, "1", "大力发展新能源", [NDRC], [MIIT, LAND]),
            (area1, "2", "推动工业领域节能降碳", [MIIT], [NDRC]),
            (area2, "3", "推进城乡建设绿色低碳转型", [HOUSING], []),
        ]
        tasks: list[Task] = []
        for position, (area, code, measure, leads, coops) in enumerate(specs, 1):
            task = Task(
                plan_id=plan.id,
                area_id=area.id,
                code=code,
                measure_title=measure,
                content=f"{measure}的主要工作。",
                source_place=f"第{position}行",
                position=position,
            )
            links = [
                TaskUnit(unit=units[name], role=ROLE_LEAD, position=i)
                for i, name in enumerate(leads, 1)
            ]
            links += [
                TaskUnit(unit=units[name], role=ROLE_COOPERATING, position=len(leads) + i)
                for i, name in enumerate(coops, 1)
            ]
            task.unit_links = links
            tasks.append(task)
        tasks[0].targets = [
            Target(
                year=2025,
                indicator="新能源装机规模",
                verb="达到",
                comparator=">=",
                value=500.0,
                measure_unit="万千瓦",
                text="到2025年，新能源装机规模力争达到500万千瓦",
                position=1,
            )
        ]
        tasks[2].targets = [
            Target(
                year=2025,
                indicator="城镇新建建筑能耗占比",
                verb="控制在",
                comparator="<=",
                value=10.0,
                measure_unit="%",
                text="城镇新建建筑能耗占比控制在10%以内",
                position=1,
            )
        ]
        session.add_all(tasks)
        session.flush()
        create_periods(session, plan, SYSTEM)
        return SamplePlan(
            plan_id=plan.id,
            task_ids=[t.id for t in tasks],
            unit_ids={name: u.id for name, u in units.items()},
            target_ids={t.id: [g.id for g in t.targets] for t in tasks},
        )


def make_users(db: Database) -> None:
    """A coordinator 协调员甲 and one reporter per unit: 发改委填报员, 工信局填报员,
    自然资源局填报员, 住建局填报员 (all with :data:`PASSWORD`)."""
    users.add_user(db, None, "协调员甲", "coordinator", PASSWORD)
    coordinator = users.authenticate(db, "协调员甲", PASSWORD)
    for unit, name in (
        (NDRC, "发改委填报员"),
        (MIIT, "工信局填报员"),
        (LAND, "自然资源局填报员"),
        (HOUSING, "住建局填报员"),
    ):
        users.add_user(db, coordinator, name, "reporter", PASSWORD, unit=unit)


@dataclass
class World:
    """A database with the sample plan and its users signed in."""

    db: Database
    plan: SamplePlan
    coordinator: Actor
    ndrc: Actor  # reporter of 市发改委
    miit: Actor  # reporter of 市工信局
    land: Actor  # reporter of 市自然资源局
    housing: Actor  # reporter of 市住建局


def make_world(db: Database, *, cadence: str = "half_yearly") -> World:
    """The sample plan, the users of :func:`make_users`, and their signed-in actors."""
    plan = make_plan(db, cadence=cadence)
    make_users(db)
    sign_in = functools.partial(users.authenticate, db, password=PASSWORD)
    return World(
        db=db,
        plan=plan,
        coordinator=sign_in("协调员甲"),
        ndrc=sign_in("发改委填报员"),
        miit=sign_in("工信局填报员"),
        land=sign_in("自然资源局填报员"),
        housing=sign_in("住建局填报员"),
    )


def use_fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make scrypt cheap for a test (the parameters are stored in each hash, so hashes made
    this way verify anywhere, also in a subprocess)."""
    monkeypatch.setattr(users, "SCRYPT_PARAMS", users.ScryptParams(n=2**10, r=8, p=1))


# Texts a report may hold that an output must keep exactly (the round trip of the forms).
TRICKY_TEXT = "=SUM(A1:A3) 不是公式\n第二行：完成率 +5%，@全体 -注意；😀✅（全角标点：，。；：“”）"


def fill_reports(world: World) -> None:
    """Reports for 2025H1 (due 2025-07-10):

    - task 1: 市发改委 (lead) submitted 序时推进 with :data:`TRICKY_TEXT` as progress and a
      problem; 市工信局 (cooperating) submitted 已完成; 市自然资源局 has no report;
    - task 2: 市工信局 (lead) has only a draft (进度滞后): the task is 未报送;
    - task 3: 市住建局 (lead) submitted 已完成 late (2025-07-15), with an actual value.
    """
    import datetime as dt

    from tracker.services import reports

    db, p, h1 = world.db, world.plan, "2025H1"
    reports.save_report(
        db,
        world.ndrc,
        p.task1,
        h1,
        status="序时推进",
        progress=TRICKY_TEXT,
        results="新增装机120万千瓦。",
        problems="-项目用地指标紧张",
        next_steps="加快推进项目建设。",
        actuals={p.target_ids[p.task1][0]: 320},
        expect_version=None,
    )
    reports.submit_report(
        db, world.ndrc, p.task1, h1, today=dt.date(2025, 7, 1), expect_version=None
    )
    reports.save_report(
        db, world.miit, p.task1, h1, status="已完成", progress="配合完成调研。", expect_version=None
    )
    reports.submit_report(
        db, world.miit, p.task1, h1, today=dt.date(2025, 7, 2), expect_version=None
    )
    reports.save_report(
        db, world.miit, p.task2, h1, status="进度滞后", progress="草稿内容", expect_version=None
    )
    reports.save_report(
        db,
        world.housing,
        p.task3,
        h1,
        status="已完成",
        progress="完成既有建筑节能改造。",
        actuals={p.target_ids[p.task3][0]: 8},
        expect_version=None,
    )
    reports.submit_report(
        db, world.housing, p.task3, h1, today=dt.date(2025, 7, 15), expect_version=None
    )
