"""Pilots (试点): adding and changing them, the quota per type, the pilot accounts and who
sees what, and the pilot's plan (imported with no units named, or entered by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.db import Database
from tracker.errors import (
    AuthenticationFailed,
    ConflictError,
    ImportFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from tracker.importing.importer import parse_plan
from tracker.models import AuditRecord, Pilot, Plan, Unit
from tracker.services import pilot_plans, pilots, plans, reports, users
from tracker.services.actor import SYSTEM

from factories import PASSWORD, use_fast_hashing
from pilot_world import FIRM, PARK, PilotWorld, make_pilot_world

FIXTURE = Path(__file__).parent / "fixtures" / "pilots" / "示例园区碳达峰试点实施方案.txt"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


def _count(db: Database, model: type) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------- adding and changing


def test_a_pilot_gets_its_body_as_a_unit_and_its_citys_drc_as_supervisor(db: Database) -> None:
    added = pilots.add_pilot(
        db, SYSTEM, pilot_type="enterprise", name="某某化工有限公司", region="银川市西夏区"
    )
    pilot = added["pilot"]
    assert (pilot["type_label"], pilot["region"], pilot["status_label"]) == (
        "企业",
        "银川市西夏区",
        "建设中",
    )
    assert pilot["supervisor"] == "市发展改革委" and added["warnings"] == []
    with db.reader() as session:
        body = session.get(Unit, pilot["body_unit_id"])
        boss = session.get(Unit, pilot["supervisor_unit_id"])
        assert body is not None and boss is not None
        assert (body.name, body.region.name) == ("某某化工有限公司", "银川市西夏区")
        assert (boss.name, boss.region.name) == ("市发展改革委", "银川市")


def test_ningdong_needs_its_supervisor_named(db: Database) -> None:
    with pytest.raises(InvalidInput, match="无法为地区“宁东能源化工基地”确定主管") as refused:
        pilots.add_pilot(db, SYSTEM, pilot_type="园区", name="某化工园", region="宁东能源化工基地")
    assert refused.value.hint == "用 --supervisor 指明。"
    assert _count(db, Pilot) == 0
    added = pilots.add_pilot(
        db,
        SYSTEM,
        pilot_type="园区",
        name="某化工园",
        region="宁东能源化工基地",
        supervisor="宁东经发局",
    )
    assert added["pilot"]["supervisor"] == "宁东经发局"
    with pytest.raises(NotFound, match="没有地区“石嘴山市”"):
        pilots.add_pilot(
            db,
            SYSTEM,
            pilot_type="园区",
            name="另一园区",
            region="银川市",
            supervisor="石嘴山市·市发改委",
        )
    pilots.add_pilot(db, SYSTEM, pilot_type="社区", name="某社区", region="石嘴山市")
    with pytest.raises(InvalidInput, match="不在试点所在地区"):
        pilots.add_pilot(
            db,
            SYSTEM,
            pilot_type="园区",
            name="另一园区",
            region="银川市",
            supervisor="石嘴山市·市发展改革委",
        )


def test_bad_input_is_refused_and_nothing_is_stored(db: Database) -> None:
    pilots.add_pilot(db, SYSTEM, pilot_type="城市", name="某县", region="银川市")
    before = (_count(db, Pilot), _count(db, AuditRecord), _count(db, Unit))
    with pytest.raises(
        InvalidInput, match="试点类型“工厂”无效：应为 城市、园区、乡村、社区、公共机构、企业"
    ):
        pilots.add_pilot(db, SYSTEM, pilot_type="工厂", name="某厂", region="银川市")
    with pytest.raises(InvalidInput, match="已有名为“某县”的试点"):
        pilots.add_pilot(db, SYSTEM, pilot_type="乡村", name="某县", region="银川市")
    with pytest.raises(InvalidInput, match="不能为空"):
        pilots.add_pilot(db, SYSTEM, pilot_type="乡村", name="  ", region="银川市")
    with pytest.raises(InvalidInput, match="日期“2024-13-01”无效"):
        pilots.add_pilot(
            db, SYSTEM, pilot_type="乡村", name="某村", region="银川市", approved_on="2024-13-01"
        )
    assert (_count(db, Pilot), _count(db, AuditRecord), _count(db, Unit)) == before


def test_more_pilots_than_the_quota_is_a_warning_not_a_refusal(db: Database) -> None:
    for name in ("甲园区", "乙园区", "丙园区"):
        assert (
            pilots.add_pilot(db, SYSTEM, pilot_type="园区", name=name, region="银川市")["warnings"]
            == []
        )
    fourth = pilots.add_pilot(db, SYSTEM, pilot_type="园区", name="丁园区", region="银川市")
    assert fourth["pilot"]["id"] and fourth["warnings"] == [
        "园区试点现有 4 个（不含已撤销的），超过试点建设方案的定额 3 个。"
        "仅作提示，已照常保存；如定额有调整，可用 tracker pilot quota 修改。"
    ]
    status = {
        q["type_label"]: (q["count"], q["quota"], q["over"])
        for q in pilots.quota_status(db, SYSTEM)
    }
    assert status["园区"] == (4, 3, True) and status["企业"] == (0, 5, False)
    # a revoked pilot does not count; a quota raised by a coordinator stands, audited
    changed = pilots.update_pilot(db, SYSTEM, "丁园区", expect_version=1, status="已撤销")
    assert changed["warnings"] == []
    assert pilots.set_quota(db, SYSTEM, "park", 4)["quota"] == 4
    again = pilots.update_pilot(db, SYSTEM, "丁园区", expect_version=2, status="建设中")
    assert again["warnings"] == []
    with db.reader() as session:
        entry = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "set_pilot_quota")
        ).one()
        assert (entry.field, entry.before, entry.after) == ("park", "3", "4")


def test_the_quota_is_kept_in_range_and_only_a_coordinator_sets_it(world: PilotWorld) -> None:
    with pytest.raises(InvalidInput, match="超出范围"):
        pilots.set_quota(world.db, world.coordinator, "社区", -1)
    with pytest.raises(PermissionDenied):
        pilots.set_quota(world.db, world.yinchuan, "社区", 3)


def test_changing_a_pilot_is_versioned_audited_and_renames_its_body(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    read = pilots.get_pilot(db, boss, world.park)["version"]
    changed = pilots.update_pilot(
        db, boss, world.park, expect_version=read, name="绿谷低碳园区", approved_on="2024-07-01"
    )["pilot"]
    assert (changed["name"], changed["body_unit"]) == ("绿谷低碳园区", "绿谷低碳园区")
    assert changed["version"] == read + 1
    with pytest.raises(ConflictError, match=f"当前版本 {read + 1}，您读取的是版本 {read}"):
        pilots.update_pilot(db, boss, world.park, expect_version=read, status="已完成")
    with pytest.raises(PermissionDenied):
        pilots.update_pilot(db, world.park_body, world.park, expect_version=None, status="已完成")
    with db.reader() as session:
        fields = set(
            session.scalars(select(AuditRecord.field).where(AuditRecord.action == "edit_pilot"))
        )
    assert fields == {"name", "approved_on"}


# ---------------------------------------------------------------- accounts and rights


def test_pilot_accounts_are_bound_and_listed(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    with pytest.raises(InvalidInput, match="必须绑定一个试点"):
        users.add_user(db, boss, "无主", "pilot_body", PASSWORD)
    with pytest.raises(InvalidInput, match="必须绑定一个地区"):
        users.add_user(db, boss, "无地区", "city_drc", PASSWORD)
    with pytest.raises(NotFound, match="没有地区“某某市”"):
        users.add_user(db, boss, "无地区", "city_drc", PASSWORD, region="某某市")
    with pytest.raises(InvalidInput, match="只有试点主体"):
        users.add_user(db, boss, "填报员乙", "reporter", PASSWORD, unit=PARK, pilot=world.park)
    with pytest.raises(InvalidInput, match="角色“boss”无效"):
        users.add_user(db, boss, "某人", "boss", PASSWORD)
    listed = {u["name"]: u for u in users.list_users(db, boss)}
    assert (listed["园区账户"]["role_label"], listed["园区账户"]["pilot"]) == ("试点主体", PARK)
    assert (listed["银川发改委"]["role_label"], listed["银川发改委"]["region"]) == (
        "地级市发展改革委",
        "银川市",
    )
    assert world.firm_body.pilot_id == world.firm and world.firm_body.unit_name == FIRM


def _audited(db: Database, action: str) -> list[tuple[str | None, str | None, str | None]]:
    with db.reader() as session:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
        return [(r.field, r.before, r.after) for r in rows]


def test_a_disabled_pilot_account_cannot_sign_in(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    for name in ("园区账户", "银川发改委"):
        row = users.set_disabled(db, boss, name, True)
        assert (row["disabled"], row["state_label"]) == (True, "已停用")
        with pytest.raises(AuthenticationFailed, match="已停用"):
            users.authenticate(db, name, PASSWORD)
        users.set_disabled(db, boss, name, False)
        assert users.authenticate(db, name, PASSWORD).name == name


def test_user_set_moves_a_pilot_account_or_says_what_is_missing(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    # a pilot body moves to another pilot: its unit follows (the new pilot's body)
    row = users.update_user(db, boss, "园区账户", pilot=FIRM)
    assert (row["role"], row["pilot"], row["unit"], row["region"]) == (
        "pilot_body",
        FIRM,
        FIRM,
        None,
    )
    moved = users.authenticate(db, "园区账户", PASSWORD)
    assert (moved.pilot_id, moved.unit_name) == (world.firm, FIRM)
    # a city DRC moves to another region
    row = users.update_user(db, boss, "银川发改委", region="石嘴山市")
    assert (row["region"], row["unit"]) == ("石嘴山市", None)
    assert [
        p["name"] for p in pilots.list_pilots(db, users.authenticate(db, "银川发改委", PASSWORD))
    ] == ["石嘴山某社区"]
    # bindings that do not fit the role, or a new role without its binding, are refused
    refusals = [
        ({"unit": "银川市·市发展改革委"}, "园区账户", "只绑定试点"),
        ({"region": "银川市"}, "园区账户", "只绑定试点"),
        ({"pilot": PARK}, "银川发改委", "只绑定地区"),
        ({"pilot": PARK}, "路人", "只有试点主体"),
        ({"role": "pilot_body"}, "路人", "须指明试点"),
        ({"role": "city_drc"}, "园区账户", "须指明地区"),
        ({"role": "reporter"}, "银川发改委", "须指明单位"),
        ({"role": "coordinator", "region": "银川市"}, "银川发改委", "只有试点主体"),
    ]
    before = _audited(db, "set_user")
    for changes, name, message in refusals:
        with pytest.raises(InvalidInput, match=message):
            users.update_user(db, boss, name, **changes)  # type: ignore[arg-type]
    assert _audited(db, "set_user") == before
    with pytest.raises(NotFound, match="没有试点“不存在”"):
        users.update_user(db, boss, "路人", role="pilot_body", pilot="不存在")
    # a reporter becomes a pilot body, a city DRC a coordinator: the old binding goes
    row = users.update_user(db, boss, "路人", role="pilot_body", pilot=PARK)
    assert (row["role_label"], row["pilot"], row["unit"]) == ("试点主体", PARK, PARK)
    row = users.update_user(db, boss, "银川发改委", role="coordinator")
    assert (row["role"], row["region"], row["unit"]) == ("coordinator", None, None)
    assert _audited(db, "set_user")[len(before) :] == [
        ("role", "填报员", "试点主体"),
        ("unit", "银川市·市发展改革委", PARK),
        ("pilot", None, PARK),
        ("role", "地级市发展改革委", "协调员"),
        ("region", "石嘴山市", None),
    ]


def test_the_last_coordinator_cannot_become_a_pilot_account(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    with pytest.raises(InvalidInput, match="最后一个在用的协调员，不能改为地级市发展改革委"):
        users.update_user(db, boss, "协调员甲", role="city_drc", region="银川市")
    with pytest.raises(InvalidInput, match="最后一个在用的协调员，不能改为试点主体"):
        users.update_user(db, boss, "协调员甲", role="pilot_body", pilot=PARK)
    assert users.authenticate(db, "协调员甲", PASSWORD).is_coordinator


def test_each_account_sees_its_own_pilots(world: PilotWorld) -> None:
    db = world.db

    def names(actor: object) -> list[str]:
        return sorted(p["name"] for p in pilots.list_pilots(db, actor))  # type: ignore[arg-type]

    assert names(world.coordinator) == sorted([PARK, FIRM, "石嘴山某社区"])
    assert names(world.yinchuan) == sorted([PARK, FIRM])  # the district's too
    assert names(world.shizuishan) == ["石嘴山某社区"]
    assert names(world.park_body) == [PARK]
    with pytest.raises(PermissionDenied):
        pilots.list_pilots(db, world.stranger)
    with pytest.raises(PermissionDenied, match="无权查看"):
        pilots.get_pilot(db, world.park_body, world.firm)
    with pytest.raises(PermissionDenied, match="无权查看"):
        pilots.get_pilot(db, world.shizuishan, world.park)
    assert pilots.get_pilot(db, world.yinchuan, world.firm)["name"] == FIRM


def test_pilot_plan_tasks_are_reported_by_the_body_and_read_by_its_city(world: PilotWorld) -> None:
    db = world.db
    task = world.park_tasks[0]
    # the park body leads its tasks: it sees them and reports like a unit's reporter
    assert [t["id"] for t in plans.list_tasks(db, world.park_body)] == world.park_tasks
    saved = reports.save_report(
        db, world.park_body, task, "2025H1", status="序时推进", expect_version=0
    )
    assert saved["unit"] == PARK
    # its city DRC reads them, but writes nothing; other accounts do not see them
    assert [t["id"] for t in plans.list_tasks(db, world.yinchuan)] == world.park_tasks
    assert reports.task_reports(db, world.yinchuan, task, "2025H1")["units"][0]["report"]
    with pytest.raises(PermissionDenied):
        reports.save_report(
            db,
            world.yinchuan,
            task,
            "2025H1",
            unit=PARK,
            status="已完成",
            expect_version=saved["version"],
        )
    for outsider in (world.shizuishan, world.firm_body, world.stranger):
        assert plans.list_tasks(db, outsider) == []
        with pytest.raises(PermissionDenied):
            reports.task_reports(db, outsider, task, "2025H1")


# ---------------------------------------------------------------- the pilot's plan


def test_a_plan_without_units_is_imported_with_the_pilot_body_leading(world: PilotWorld) -> None:
    db = world.db
    preview = pilot_plans.prepare_pilot_plan(db, world.firm_body, world.firm, FIXTURE)
    parsed = preview.parsed
    assert parsed.kind == "pilot" and parsed.region is not None
    assert parsed.region.name == "银川市西夏区"
    assert [t.code for t in parsed.tasks] == [
        "（一）1", "（一）2", "（二）1", "（二）2", "二（三）", "三（一）", "三（二）"
    ]  # fmt: skip
    assert "（1）建设余热发电装置；（2）向周边企业集中供热" in parsed.tasks[3].content
    assert all(t.lead_units == [f"银川市西夏区·{FIRM}"] for t in parsed.tasks)
    assert parsed.tasks[0].targets[0].value == 50
    assert "均由试点主体牵头" in parsed.warnings[0].message
    result = pilot_plans.commit_pilot_plan(
        db, world.firm_body, world.firm, parsed, expect=plans.Expectation.of(preview.base)
    )
    assert result.created
    pilot = pilots.get_pilot(db, world.firm_body, world.firm)
    assert (pilot["plan_id"], pilot["plan_title"]) == (
        result.plan_id,
        "示例市绿谷工业园区碳达峰试点实施方案",
    )
    tasks = plans.list_tasks(db, world.firm_body)
    assert len(tasks) == 7 and all(t["lead_units"] == [FIRM] for t in tasks)
    with db.reader() as session:
        plan = session.get(Plan, result.plan_id)
        assert plan is not None and (plan.kind, plan.region.name) == ("pilot", "银川市西夏区")
        assert len(plan.periods) > 0
    # the same file again is not stored twice
    again = pilot_plans.prepare_pilot_plan(db, world.firm_body, world.firm, FIXTURE)
    assert not pilot_plans.commit_pilot_plan(db, world.firm_body, world.firm, again.parsed).created


def test_the_real_pilot_scheme_read_by_its_numbering(seeds: Path) -> None:
    """Seed 002 names no units anywhere: read as a pilot's plan, its numbered sections are
    the tasks, and the chapter of 指导思想 and 主要目标 holds none; read as an ordinary plan
    it is refused, pointing to the pilot import."""
    source = seeds / "002_024ce7f457ff4c1b.txt"
    parsed = parse_plan(source, pilot=True)
    assert (parsed.kind, parsed.method, len(parsed.tasks)) == ("pilot", "outline", 16)
    assert list(dict.fromkeys(t.area_title for t in parsed.tasks)) == [
        "建设内容",
        "建设类型",
        "组织实施",
    ]
    assert [t.title for t in parsed.tasks if t.area_title == "建设类型"] == [
        "城市试点", "园区试点", "乡村试点", "社区试点", "公共机构试点", "企业试点"
    ]  # fmt: skip
    assert all(t.lead_units == [] for t in parsed.tasks)
    with pytest.raises(ImportFailed, match="请作为该试点的方案导入") as refused:
        parse_plan(source)
    assert refused.value.hint is not None and "tracker pilot import-plan" in refused.value.hint


def test_a_pilot_keeps_one_plan_and_outsiders_cannot_import_it(
    world: PilotWorld, tmp_path: Path
) -> None:
    db = world.db
    with pytest.raises(PermissionDenied):
        pilot_plans.prepare_pilot_plan(db, world.park_body, world.firm, FIXTURE)
    with pytest.raises(PermissionDenied):
        pilot_plans.prepare_pilot_plan(db, world.yinchuan, world.firm, FIXTURE)
    # the park has a plan entered by hand: a file with another title is refused, whole
    preview = pilot_plans.prepare_pilot_plan(db, world.park_body, world.park, FIXTURE)
    plans_before = _count(db, Plan)
    with pytest.raises(InvalidInput, match="已有试点实施方案《绿谷园区碳达峰试点实施方案》"):
        pilot_plans.commit_pilot_plan(db, world.park_body, world.park, preview.parsed)
    assert _count(db, Plan) == plans_before
    empty = tmp_path / "空方案.txt"
    empty.write_text("某某试点实施方案\n\n为推进试点建设，制定本方案。\n", encoding="utf-8")
    with pytest.raises(Exception, match="没有找到任务"):
        pilot_plans.prepare_pilot_plan(db, world.firm_body, world.firm, empty)


def test_tasks_entered_by_hand_make_the_plan_and_name_their_units(world: PilotWorld) -> None:
    db, boss = world.db, world.coordinator
    first = pilot_plans.add_pilot_task(
        db, world.firm_body, FIRM, title="余热回收", area="节能降碳", deadline="2026年底"
    )
    assert (first["code"], first["area"], first["lead_units"], first["deadline"]) == (
        "1",
        "节能降碳",
        [FIRM],
        "2026年底",
    )
    second = pilot_plans.add_pilot_task(
        db, boss, FIRM, title="统计核算", lead="市统计局", cooperating="市发改委、工信局"
    )
    assert second["code"] == "2" and second["area"] == "重点任务"
    assert second["lead_units"] == ["市统计局"]
    assert second["cooperating_units"] == ["银川市·市发展改革委", "市工业和信息化局"]
    assert pilot_plans.pilot_plan(db, boss, FIRM) is not None
    with pytest.raises(InvalidInput, match="“任务名称”不能为空"):
        pilot_plans.add_pilot_task(db, boss, FIRM, title=" ")
    with pytest.raises(PermissionDenied):
        pilot_plans.add_pilot_task(db, world.yinchuan, FIRM, title="某任务")


def test_a_revoked_pilot_is_read_only(world: PilotWorld) -> None:
    db = world.db
    pilots.update_pilot(db, world.coordinator, world.park, expect_version=None, status="已撤销")
    with pytest.raises(InvalidInput, match="已撤销，只能查看"):
        pilot_plans.add_pilot_task(db, world.park_body, world.park, title="新任务")
    assert pilots.get_pilot(db, world.park_body, world.park)["status_label"] == "已撤销"
