"""Test data for the pilot tests: pilots in two cities of one province, and their accounts.

- 绿谷园区 (园区) in 银川市, with a plan entered by hand (two tasks led by the park);
- 银川某化工公司 (企业) in 银川市西夏区 (a district: its city DRC is 银川市's);
- 石嘴山某社区 (社区) in 石嘴山市, no plan.

Accounts (all with :data:`factories.PASSWORD`): 协调员甲 (coordinator, the regional DRC),
银川发改委 and 石嘴山发改委 (city DRCs), 园区账户 and 企业账户 (pilot bodies), and 路人 (a
unit reporter of 银川市's 市发展改革委, bound to no pilot).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tracker.db import Database
from tracker.services import pilot_plans, pilots, users
from tracker.services.actor import Actor

from factories import PASSWORD

PARK = "绿谷园区"
FIRM = "银川某化工公司"
COMMUNITY = "石嘴山某社区"


@dataclass
class PilotWorld:
    """The database, the pilot ids, the plan's task ids and the signed-in accounts."""

    db: Database
    park: int
    firm: int
    community: int
    park_tasks: list[int]
    coordinator: Actor
    yinchuan: Actor  # city DRC of 银川市
    shizuishan: Actor  # city DRC of 石嘴山市
    park_body: Actor
    firm_body: Actor
    stranger: Actor  # a unit reporter, no pilot rights


def make_pilot_world(db: Database) -> PilotWorld:
    """Store the pilots, the park's plan and the accounts; sign them in."""
    users.add_user(db, None, "协调员甲", "coordinator", PASSWORD)
    sign_in = functools.partial(users.authenticate, db, password=PASSWORD)
    boss = sign_in("协调员甲")
    park = pilots.add_pilot(
        db, boss, pilot_type="园区", name=PARK, region="银川市", approved_on="2024-06-01"
    )["pilot"]["id"]
    firm = pilots.add_pilot(
        db, boss, pilot_type="企业", name=FIRM, region="银川市西夏区", approved_on="2024-06-01"
    )["pilot"]["id"]
    community = pilots.add_pilot(
        db, boss, pilot_type="社区", name=COMMUNITY, region="石嘴山市", approved_on="2024-06-01"
    )["pilot"]["id"]
    tasks = [
        pilot_plans.add_pilot_task(
            db, boss, park, title="建设分布式光伏", content="到2025年建成光伏50兆瓦。"
        )["id"],
        pilot_plans.add_pilot_task(
            db, boss, park, title="开展节能诊断", content="每年对重点企业开展节能诊断。"
        )["id"],
    ]
    users.add_user(db, boss, "银川发改委", "city_drc", PASSWORD, region="银川市")
    users.add_user(db, boss, "石嘴山发改委", "city_drc", PASSWORD, region="石嘴山市")
    users.add_user(db, boss, "园区账户", "pilot_body", PASSWORD, pilot=park)
    users.add_user(db, boss, "企业账户", "pilot_body", PASSWORD, pilot=FIRM)
    users.add_user(db, boss, "路人", "reporter", PASSWORD, unit="银川市·市发展改革委")
    return PilotWorld(
        db=db,
        park=park,
        firm=firm,
        community=community,
        park_tasks=tasks,
        coordinator=boss,
        yinchuan=sign_in("银川发改委"),
        shizuishan=sign_in("石嘴山发改委"),
        park_body=sign_in("园区账户"),
        firm_body=sign_in("企业账户"),
        stranger=sign_in("路人"),
    )
