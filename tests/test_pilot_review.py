"""The pilots' half-year reports: the two-level review and its rights, evaluations, the
correction orders in 催办, and experience records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from tracker.models import AuditRecord, PilotReport
from tracker.services import experience, monitoring, pilot_review, pilots

from factories import use_fast_hashing
from pilot_world import PARK, PilotWorld, make_pilot_world

H1 = "2025H1"
BEFORE_DUE = dt.date(2025, 7, 1)
AFTER_DUE = dt.date(2025, 7, 20)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


def _write(world: PilotWorld, **texts: str) -> dict[str, object]:
    values = {"overall": "园区光伏装机达到30兆瓦。", **texts}
    return pilot_review.save_pilot_report(
        world.db, world.park_body, world.park, H1, expect_version=None, **values
    )


def test_the_report_goes_through_the_city_to_the_region(world: PilotWorld) -> None:
    db = world.db
    draft = _write(world, problems="储能配套不足。")
    assert (draft["state"], draft["state_label"], draft["version"]) == ("draft", "草稿", 1)
    assert draft["due_date"] == "2025-07-10"  # the plan's period
    sent = pilot_review.submit_pilot_report(
        db, world.park_body, world.park, H1, expect_version=1, today=BEFORE_DUE
    )
    assert (sent["state_label"], sent["submitted_by"], sent["late"]) == (
        "已报送，待市级审核",
        "园区账户",
        False,
    )
    with pytest.raises(InvalidInput, match="只有市级已审核的报告可以由自治区审核"):
        pilot_review.accept_pilot_report(db, world.coordinator, world.park, H1, expect_version=None)
    city = pilot_review.approve_pilot_report(db, world.yinchuan, world.park, H1, expect_version=2)
    assert (city["state_label"], city["city_approved_by"]) == (
        "市级已审核，待自治区审核",
        "银川发改委",
    )
    done = pilot_review.accept_pilot_report(db, world.coordinator, world.park, H1, expect_version=3)
    assert (done["state"], done["accepted_by"]) == ("accepted", "协调员甲")
    actions = [h["action"] for h in done["history"] if h["field"] == "state"]
    assert actions == [
        "submit_pilot_report",
        "city_approve_pilot_report",
        "accept_pilot_report",
    ]
    with pytest.raises(InvalidInput, match="不能再修改"):
        _write(world, overall="改写")


def test_returns_at_both_levels_go_back_to_the_body_and_through_the_city_again(
    world: PilotWorld,
) -> None:
    db = world.db
    _write(world)
    pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    with pytest.raises(InvalidInput, match="退回必须说明理由"):
        pilot_review.return_pilot_report(
            db, world.yinchuan, world.park, H1, reason=" ", expect_version=None
        )
    back = pilot_review.return_pilot_report(
        db, world.yinchuan, world.park, H1, reason="数据口径不一致", expect_version=None
    )
    assert (back["state_label"], back["return_level_label"], back["return_reason"]) == (
        "已退回",
        "地级市发展改革委",
        "数据口径不一致",
    )
    edited = _write(world, overall="按统计口径修正后的进展。")
    assert edited["state"] == "draft"
    pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    pilot_review.approve_pilot_report(db, world.yinchuan, world.park, H1, expect_version=None)
    region = pilot_review.return_pilot_report(
        db, world.coordinator, world.park, H1, reason="请补充项目投资", expect_version=None
    )
    assert (region["return_level"], region["returned_by"]) == ("region", "协调员甲")
    _write(world, overall="补充了投资。")
    resent = pilot_review.submit_pilot_report(
        db, world.park_body, world.park, H1, expect_version=None
    )
    assert resent["state"] == "submitted"  # through the city again
    with pytest.raises(InvalidInput, match="只有市级已审核"):
        pilot_review.accept_pilot_report(db, world.coordinator, world.park, H1, expect_version=None)


def test_who_may_do_what_in_the_review(world: PilotWorld) -> None:
    db = world.db
    with pytest.raises(PermissionDenied):
        pilot_review.save_pilot_report(
            db, world.yinchuan, world.park, H1, expect_version=None, overall="代写"
        )
    with pytest.raises(PermissionDenied):
        pilot_review.save_pilot_report(
            db, world.firm_body, world.park, H1, expect_version=None, overall="代写"
        )
    _write(world)
    with pytest.raises(InvalidInput, match="只有已报送、待市级审核的报告"):
        pilot_review.approve_pilot_report(db, world.yinchuan, world.park, H1, expect_version=None)
    pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    for not_allowed in (world.park_body, world.firm_body, world.stranger, world.shizuishan):
        with pytest.raises(PermissionDenied):
            pilot_review.approve_pilot_report(db, not_allowed, world.park, H1, expect_version=None)
    with pytest.raises(PermissionDenied):
        pilot_review.accept_pilot_report(db, world.yinchuan, world.park, H1, expect_version=None)
    pilot_review.approve_pilot_report(db, world.yinchuan, world.park, H1, expect_version=None)
    accepted = pilot_review.accept_pilot_report(
        db, world.coordinator, world.park, H1, expect_version=None
    )
    with pytest.raises(InvalidInput, match="您不能退回"):
        pilot_review.return_pilot_report(
            db, world.yinchuan, world.park, H1, reason="晚了", expect_version=None
        )
    assert accepted["state"] == "accepted"
    with pytest.raises(PermissionDenied):
        pilot_review.get_pilot_report(db, world.shizuishan, world.park, H1)
    assert pilot_review.get_pilot_report(db, world.yinchuan, world.park, H1)["state"] == "accepted"


def test_submission_checks(world: PilotWorld) -> None:
    db = world.db
    with pytest.raises(NotFound, match="还没有填写"):
        pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    pilot_review.save_pilot_report(
        db, world.park_body, world.park, H1, expect_version=0, problems="只写了问题"
    )
    with pytest.raises(InvalidInput, match="还没有填写“总体进展”"):
        pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    with pytest.raises(ConflictError):
        pilot_review.save_pilot_report(
            db, world.park_body, world.park, H1, expect_version=0, overall="并发"
        )
    _write(world)
    late = pilot_review.submit_pilot_report(
        db, world.park_body, world.park, H1, expect_version=None, today=AFTER_DUE
    )
    assert late["late"] is True
    with db.reader() as session:
        stored = session.scalars(select(PilotReport)).one()
        assert stored.late and stored.state == "submitted"
        assert (
            session.scalar(
                select(AuditRecord.after).where(
                    AuditRecord.object_type == "pilot_report", AuditRecord.field == "late"
                )
            )
            == "是（截止 2025-07-10，报送 2025-07-20）"
        )


def test_evaluations_and_correction_orders_in_the_reminders(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    with pytest.raises(InvalidInput, match="须给出整改期限"):
        pilot_review.evaluate_pilot(db, boss, world.park, H1, "进度滞后", expect_version=None)
    with pytest.raises(InvalidInput, match="评估为正常时不要给出整改期限"):
        pilot_review.evaluate_pilot(
            db, boss, world.park, H1, "正常", deadline="2025-09-30", expect_version=None
        )
    with pytest.raises(PermissionDenied):
        pilot_review.evaluate_pilot(db, world.yinchuan, world.park, H1, "正常", expect_version=None)
    lagging = pilot_review.evaluate_pilot(
        db,
        boss,
        world.park,
        H1,
        "进度滞后",
        deadline="2025-09-30",
        comment="光伏项目未开工",
        expect_version=None,
        today=AFTER_DUE,
    )
    assert (lagging["verdict_label"], lagging["action"], lagging["days_left"]) == (
        "进度滞后",
        "限期整改",
        72,
    )
    praised = pilot_review.evaluate_pilot(
        db, boss, world.firm, H1, "成效突出", expect_version=0, today=AFTER_DUE
    )
    assert praised["action"] == "通报表扬"

    reminders = monitoring.remind(db, world.yinchuan, H1, today=AFTER_DUE)["pilots"]
    assert [(r["pilot"], r["days_left"], r["light"]) for r in reminders["rectifications"]] == [
        (PARK, 72, "green")
    ]
    # the pilots that owe their report, red once overdue; none for the other city
    assert {r["pilot"] for r in reminders["reports"]} == {PARK, "银川某化工公司"}
    assert {r["light"] for r in reminders["reports"]} == {"red"}
    assert (
        monitoring.remind(db, world.shizuishan, H1, today=AFTER_DUE)["pilots"]["rectifications"]
        == []
    )
    done = pilot_review.mark_rectified(
        db, boss, world.park, H1, note="项目已开工", expect_version=None, today=AFTER_DUE
    )
    assert done["rectified_on"] == AFTER_DUE.isoformat()
    after = pilot_review.pilot_reminders(db, boss, H1, today=AFTER_DUE)
    assert after["rectifications"] == []
    with pytest.raises(InvalidInput, match="已于 2025-07-20 确认整改完成"):
        pilot_review.mark_rectified(db, boss, world.park, H1, expect_version=None, today=AFTER_DUE)


def test_final_evaluation_needs_a_completed_pilot(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    with pytest.raises(InvalidInput, match="尚未完成建设"):
        pilot_review.evaluate_pilot(db, boss, world.park, "FINAL", "成效突出", expect_version=None)
    pilots.update_pilot(db, boss, world.park, expect_version=None, status="已完成")
    final = pilot_review.evaluate_pilot(
        db, boss, world.park, "成效评价", "成效突出", expect_version=None
    )
    assert final["period"] == "FINAL"
    assert [e["period"] for e in pilot_review.list_evaluations(db, world.park_body)] == ["FINAL"]


def test_reviews_waiting_for_each_level(world: PilotWorld) -> None:
    db = world.db
    _write(world)
    pilot_review.submit_pilot_report(db, world.park_body, world.park, H1, expect_version=None)
    city = pilot_review.pilot_reminders(db, world.yinchuan, H1, today=BEFORE_DUE)
    assert [r["pilot"] for r in city["reviews"]] == [PARK]
    assert pilot_review.pilot_reminders(db, world.park_body, H1, today=BEFORE_DUE)["reviews"] == []
    assert pilot_review.pilot_reminders(db, world.stranger, H1)["reports"] == []


# ---------------------------------------------------------------- experience records


def test_experience_records_chosen_by_the_body_promoted_by_the_region(world: PilotWorld) -> None:
    db = world.db
    first = experience.add_experience(
        db,
        world.park_body,
        world.park,
        title="屋顶光伏“整园推进”模式",
        summary="统一规划、分户建设。",
        period="2025H1",
        tags="光伏、园区，模式",
        kind="典型案例",
    )
    assert (first["kind_label"], first["tags"], first["chosen"]) == (
        "典型案例",
        ["光伏", "园区", "模式"],
        False,
    )
    experience.add_experience(db, world.firm_body, world.firm, title="余热回收经验")
    chosen = experience.update_experience(
        db, world.park_body, first["id"], chosen=True, expect_version=first["version"]
    )
    assert chosen["chosen"] and chosen["version"] == first["version"] + 1
    with pytest.raises(ConflictError):
        experience.update_experience(
            db, world.park_body, first["id"], title="改名", expect_version=first["version"]
        )
    with pytest.raises(PermissionDenied):
        experience.promote_experience(db, world.park_body, first["id"], expect_version=None)
    with pytest.raises(PermissionDenied):
        experience.update_experience(
            db, world.firm_body, first["id"], chosen=False, expect_version=None
        )
    promoted = experience.promote_experience(
        db, world.coordinator, first["id"], expect_version=None
    )
    assert (promoted["promoted"], promoted["promoted_by"]) == (True, "协调员甲")
    assert [r["title"] for r in experience.list_experience(db, world.park_body)] == [
        "屋顶光伏“整园推进”模式"
    ]
    assert len(experience.list_experience(db, world.yinchuan)) == 2
    assert [
        r["title"] for r in experience.list_experience(db, world.coordinator, promoted=True)
    ] == ["屋顶光伏“整园推进”模式"]
    assert [r["title"] for r in experience.list_experience(db, world.coordinator, tag="园区")] == [
        "屋顶光伏“整园推进”模式"
    ]
    assert experience.list_experience(db, world.shizuishan) == []
    with pytest.raises(InvalidInput, match="“标题”不能为空"):
        experience.add_experience(db, world.park_body, world.park, title="")
    with pytest.raises(InvalidInput, match="经验类别“心得”无效"):
        experience.add_experience(db, world.park_body, world.park, title="某", kind="心得")


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (dt.date(2025, 6, 30), "2024H2"),  # the annual report of 2024 is the latest
        (dt.date(2025, 7, 1), "2025H1"),  # H1 has ended: its report is being written
        (dt.date(2025, 12, 31), "2025H1"),
        (dt.date(2026, 1, 5), "2025H2"),
    ],
)
def test_the_period_a_pilot_view_opens_on(today: dt.date, latest: str) -> None:
    assert pilot_review.latest_ended_period(today) == latest


def test_the_periods_a_pilot_may_report_on() -> None:
    assert pilot_review.periods_since(2024, dt.date(2025, 3, 1)) == ["2024H1", "2024H2", "2025H1"]
    assert pilot_review.periods_since(2026, dt.date(2025, 8, 1)) == ["2025H1", "2025H2"]


def test_the_overview_lights_owed_reports_and_open_correction_orders(world: PilotWorld) -> None:
    from tracker.services import pilot_overview

    pilot_review.evaluate_pilot(
        world.db, world.coordinator, world.park, "2025H1", "进度滞后",
        deadline=dt.date(2025, 8, 1), expect_version=0, today=dt.date(2025, 7, 20),
    )  # fmt: skip
    pilot_review.save_pilot_report(
        world.db, world.firm_body, world.firm, "2025H1", expect_version=0, overall="已推进。"
    )
    pilot_review.submit_pilot_report(
        world.db, world.firm_body, world.firm, "2025H1", expect_version=None
    )

    def lights(today: dt.date) -> dict[str, tuple[str | None, str | None]]:
        data = pilot_overview.overview(world.db, world.coordinator, "2025H1", today=today)
        return {
            e["name"]: (e["report"]["light"], (e["evaluation"] or {}).get("light"))
            for e in data["pilots"]
        }

    early = lights(dt.date(2025, 6, 1))  # due 7月10日: more than a week ahead
    assert early[PARK] == ("green", "green")  # the correction order: 61 days to go
    assert early["银川某化工公司"] == (None, None)  # sent: nothing owed
    assert lights(dt.date(2025, 7, 5))[PARK][0] == "yellow"
    late = lights(dt.date(2025, 7, 28))
    assert late[PARK] == ("red", "yellow") and late["石嘴山某社区"] == ("red", None)
