"""The pilots of the demo database: the scheme's 16 pilots (invented bodies, the real quota
per type: 1 城市, 3 园区, 3 乡村, 2 社区, 2 公共机构, 5 企业) in one city, each with a plan
of a few tasks, key projects at every stage, experience records, and half-year reports in
every review state — accepted, waiting at the region, waiting at the city, returned, a
draft, and some not written yet — with evaluations (two praised, two ordered to correct).

Everything is written through the services, so versions, the audit log and 催办 are what
real use gives. :func:`add_demo_pilots` is called by the demo database builder
(``tracker.demo``) with the city it uses; the wording is ``resources/sample/pilot_demo.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker import config
from tracker.db import Database
from tracker.services import (
    experience,
    pilot_plans,
    pilot_review,
    pilots,
    projects,
    reports,
    users,
)
from tracker.services.actor import ROLE_CITY_DRC, ROLE_PILOT_BODY, Actor

DEMO_PILOTS = config.RESOURCES / "sample" / "pilot_demo.json"
# The pilot whose body has an account (by position in pilot_demo.json: the first park).
BODY_ACCOUNT_PILOT = 1


@functools.cache
def texts() -> dict[str, Any]:
    """The wording of the demo pilots (resources/sample/pilot_demo.json)."""
    data: dict[str, Any] = json.loads(DEMO_PILOTS.read_text(encoding="utf-8"))
    return data


@dataclass
class DemoPilots:
    """What :func:`add_demo_pilots` made."""

    period: str  # the half year the reports and evaluations are for
    pilot_ids: list[int] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # user name → what it is


def last_due_period(today: dt.date) -> str:
    """The latest half year whose report was due by ``today`` (H1 by 7月10日, the annual
    report by 1月10日 of the next year)."""
    if today >= dt.date(today.year, 7, 10):
        return f"{today.year}H1"
    if today >= dt.date(today.year, 1, 10):
        return f"{today.year - 1}H2"
    return f"{today.year - 1}H1"


def add_demo_pilots(
    db: Database,
    actor: Actor,
    *,
    city: str,
    province: str | None = None,
    today: dt.date | None = None,
    password: str | None = None,
    cost: users.ScryptParams | None = None,
    step: Callable[[], None] | None = None,
) -> DemoPilots:
    """Add the demo pilots in ``city`` (a region name such as 示例市; ``province`` for a
    city the program does not know), acting as ``actor`` (a coordinator, the regional DRC).
    With ``password``, also a city DRC account for ``city`` and a pilot body account for
    the first park, both with that password (hashed at ``cost``, see
    :func:`tracker.services.users.add_user`). ``step`` is called after each pilot (progress)."""
    today = today or dt.date.today()
    data = texts()
    made = DemoPilots(period=last_due_period(today))
    for spec in data["pilots"]:
        added = pilots.add_pilot(
            db,
            actor,
            pilot_type=spec["type"],
            name=spec["name"].format(city=city),
            region=city,
            province=province,
            approved_on=spec["approved"],
        )
        pilot_id = added["pilot"]["id"]
        made.pilot_ids.append(pilot_id)
        task_ids = [
            pilot_plans.add_pilot_task(db, actor, pilot_id, title=title, content=content)["id"]
            for title, content in data["tasks"][spec["type"]]
        ]
        _task_reports(db, actor, task_ids, made.period, today)
        if step is not None:
            step()
    _projects(db, actor, made, today)
    _experience(db, actor, made)
    _reviews(db, actor, made, today)
    _evaluations(db, actor, made, today)
    if password is not None:
        made.accounts = _accounts(db, actor, made, city, password, cost)
    return made


def _on_time(due: str, today: dt.date) -> dt.date:
    """A day the demo's reports were sent: a few days before they were due (or today)."""
    return min(today, dt.date.fromisoformat(due) - dt.timedelta(days=3))


def _task_reports(
    db: Database, actor: Actor, task_ids: list[int], period: str, today: dt.date
) -> None:
    """The pilot body's (lead's) reports on its tasks for the period, submitted on time
    but for a few (a task whose id is a multiple of 5 was reported late)."""
    statuses = texts()["statuses"]
    for index, task_id in enumerate(task_ids):
        task = reports.task_reports(db, actor, task_id, period)
        lead = task["units"][0]["unit_id"]
        status = statuses[(task_id + index) % len(statuses)]
        saved = reports.save_report(
            db,
            actor,
            task_id,
            period,
            lead,
            status=status,
            progress=f"{task['task']['title']}：本期按计划推进，阶段性工作已完成。",
            expect_version=0,
        )
        sent = today if task_id % 5 == 0 else _on_time(task["period"]["due_date"], today)
        reports.submit_report(
            db, actor, task_id, period, lead, expect_version=saved["version"], today=sent
        )


def _projects(db: Database, actor: Actor, made: DemoPilots, today: dt.date) -> None:
    for spec in texts()["projects"]:
        added = projects.add_project(
            db,
            actor,
            made.pilot_ids[spec["pilot"]],
            fields={
                "name": spec["name"],
                "owner": spec["owner"],
                "location": spec["location"],
                "total_investment": spec["total"],
                "expected_reduction": spec["reduction"],
            },
            stage=spec["stage"],
            stage_dates=spec.get("dates"),
            investments={int(y): (p, c) for y, (p, c) in spec.get("years", {}).items()},
            today=today,
        )
        project_id = added["project"]["id"]
        made.project_ids.append(project_id)
        projects.set_progress_note(
            db,
            actor,
            project_id,
            made.period,
            f"{spec['name']}目前处于{spec['stage']}阶段，本期工作按计划推进。",
            expect_version=0,
        )


def _experience(db: Database, actor: Actor, made: DemoPilots) -> None:
    for spec in texts()["experience"]:
        record = experience.add_experience(
            db,
            actor,
            made.pilot_ids[spec["pilot"]],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["text"],
            period=made.period,
            tags=spec["tags"],
            kind=spec["kind"],
            chosen=spec["chosen"],
        )
        if spec["promoted"]:
            experience.promote_experience(db, actor, record["id"], expect_version=record["version"])


def _reviews(db: Database, actor: Actor, made: DemoPilots, today: dt.date) -> None:
    """Half-year reports in every state of the review (the others are not written)."""
    review, report = texts()["review"], texts()["report"]
    steps = {
        "draft": 0,
        "submitted": 1,
        "city_approved": 2,
        "accepted": 3,
        "returned": 1,  # the city sends it back
    }
    for state, indexes in review.items():
        if state not in steps:
            continue
        for index in indexes:
            pilot_id, period = made.pilot_ids[index], made.period
            pilot_review.save_pilot_report(
                db, actor, pilot_id, period, expect_version=0, today=today, **report
            )
            due = pilot_review.get_pilot_report(db, actor, pilot_id, period)["due_date"]
            if steps[state] >= 1:  # sent on time, reviewed since
                pilot_review.submit_pilot_report(
                    db, actor, pilot_id, period, expect_version=None, today=_on_time(due, today)
                )
            if steps[state] >= 2:
                pilot_review.approve_pilot_report(
                    db, actor, pilot_id, period, expect_version=None, today=today
                )
            if steps[state] >= 3:
                pilot_review.accept_pilot_report(
                    db, actor, pilot_id, period, expect_version=None, today=today
                )
            if state == "returned":
                pilot_review.return_pilot_report(
                    db,
                    actor,
                    pilot_id,
                    period,
                    reason=review["return_reason"],
                    expect_version=None,
                    today=today,
                )


def _evaluations(db: Database, actor: Actor, made: DemoPilots, today: dt.date) -> None:
    spec = texts()["evaluations"]
    for index in spec["outstanding"]:
        pilot_review.evaluate_pilot(
            db,
            actor,
            made.pilot_ids[index],
            made.period,
            "成效突出",
            comment=spec["comment_outstanding"],
            expect_version=0,
            today=today,
        )
    for index, days in zip(spec["lagging"], spec["lagging_days"], strict=True):
        pilot_review.evaluate_pilot(
            db,
            actor,
            made.pilot_ids[index],
            made.period,
            "进度滞后",
            comment=spec["comment_lagging"],
            deadline=today + dt.timedelta(days=days),
            expect_version=0,
            today=today,
        )


def account_names(city: str) -> dict[str, str]:
    """The demo's pilot accounts when its city is ``city``: user name → role and binding."""
    data = texts()
    body_of = data["pilots"][BODY_ACCOUNT_PILOT]["name"].format(city=city)
    return {
        data["city_drc_account"].format(city=city): f"地级市发展改革委，{city}",
        data["pilot_body_account"]: f"试点主体，{body_of}",
    }


def _accounts(
    db: Database,
    actor: Actor,
    made: DemoPilots,
    city: str,
    password: str,
    cost: users.ScryptParams | None,
) -> dict[str, str]:
    city_account, body_account = list(account_names(city))
    users.add_user(db, actor, city_account, ROLE_CITY_DRC, password, region=city, cost=cost)
    body_pilot = made.pilot_ids[BODY_ACCOUNT_PILOT]
    users.add_user(db, actor, body_account, ROLE_PILOT_BODY, password, pilot=body_pilot, cost=cost)
    return account_names(city)
