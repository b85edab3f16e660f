"""The sample plan (our own writing) and the demo database built from it: what it shows,
that it stays in its own file, and that it never goes into a working database."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker import config, demo, pilot_demo
from tracker.cli import main
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.importing.importer import parse_plan
from tracker.models import AuditRecord, Instruction, User
from tracker.services import monitoring, periods, pilot_review, pilots, plans, task_state, users

from conftest import FIXTURES, SEEDS
from factories import make_plan

TODAY = dt.date(2026, 11, 29)  # 2024H1 … 2026H1 are past their due dates, 2026H2 is open


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database built for the whole module (it takes a few seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    demo.open_demo(path, today=TODAY).close()
    return path


@pytest.fixture
def demo_db(built: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "demo.sqlite3"
    shutil.copyfile(built, copy)
    db = Database.open(str(copy))
    try:
        yield db
    finally:
        db.close()


# ---------------------------------------------------------------- the sample plan


def test_the_sample_plan_imports_cleanly_in_several_forms() -> None:
    plan = parse_plan(config.SAMPLE_PLAN)
    assert plan.title == "示例市碳达峰实施方案"
    assert (plan.method, plan.kind, plan.start_year, plan.horizon_year) == (
        "annotations",
        "city",
        2024,
        2030,
    )
    assert 30 <= len(plan.tasks) <= 50
    assert plan.warnings == []
    assert len({t.area_title for t in plan.tasks}) == 11
    text = config.SAMPLE_PLAN.read_text(encoding="utf-8")
    forms = {
        "责任单位：": "（责任单位：",
        "牵头": "牵头，",
        "按照职责分工分别负责": "按照职责分工分别负责",
        "牵头单位/参加单位": "（牵头单位：",
        "负责单位：": "（负责单位：",
        "blanket note": "以下均须各区县人民政府负责，不再列出",
    }
    assert {name: marker in text for name, marker in forms.items()} == dict.fromkeys(forms, True)
    sub_items = [t for t in plan.tasks if t.code.endswith(("（1）", "（2）"))]
    assert [t.title for t in sub_items] == ["推动重点行业节能降碳"] * 2
    assert sum(len(t.targets) for t in plan.tasks) >= 15
    blanket = [t for t in plan.tasks if "各区县人民政府" in t.cooperating_units]
    assert blanket and blanket[0].code == "（八）2"  # the note applies from the next task on


def _own_phrases(path: Path) -> set[str]:
    """The phrases of one of our documents worth comparing: 12 characters or more, not a unit
    list (（A牵头，B等按职责分工负责） is how every plan writes it), not a table row, not one
    of the standard action names (能源绿色低碳转型行动 …)."""
    text = path.read_text(encoding="utf-8")
    title = text.strip().splitlines()[0].strip()  # a plan's title names its region, no more
    phrases = {p.strip() for p in re.split(r"[。；，：\n（）]", text)} - {title}
    return {
        p
        for p in phrases
        if len(p) >= 12
        and "\t" not in p
        and not re.search(r"牵头|负责|行动$", p)
        and not all(re.match(r"市|省|县|各|国网|人民银行", u) for u in p.split("、"))
    }


@pytest.mark.seeds
@pytest.mark.parametrize(
    "path",
    [config.SAMPLE_PLAN, *sorted(FIXTURES.rglob("*.txt"))],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_our_plans_are_not_copied_from_a_real_one(path: Path) -> None:
    ours = _own_phrases(path)
    assert len(ours) >= 5
    for seed in sorted(SEEDS.glob("*.txt")):
        real = seed.read_text(encoding="utf-8")
        assert sorted(p for p in ours if p in real) == [], seed.name


# ---------------------------------------------------------------- the demo database


def test_the_demo_has_a_plan_accounts_and_reports_in_every_state(demo_db: Database) -> None:
    assert demo.is_demo(demo_db)
    coordinator = demo.sign_in(demo_db)
    assert (coordinator.name, coordinator.is_coordinator) == ("示例协调员", True)
    listed = [p for p in plans.list_plans(demo_db, coordinator) if p["kind"] != "pilot"]
    assert [p["title"] for p in listed] == ["示例市碳达峰实施方案"]
    assert demo.sample_plan(demo_db, coordinator) == listed[0]
    assert users.authenticate(demo_db, "交通局填报员", demo.password()).unit_name == "市交通运输局"
    plan_id = listed[0]["id"]
    plan_periods = periods.list_periods(demo_db, coordinator, plan_id)["periods"]
    by_code = {p["code"]: p for p in plan_periods}
    # every lead unit reported (a task with two leads has two reports), so no task of a
    # locked period is 未报送
    leads = sum(
        len(t["lead_units"]) for t in plans.list_tasks(demo_db, coordinator, plan_id=plan_id)
    )
    assert leads > listed[0]["task_count"]
    for code in ("2025H1", "2025H2"):
        assert by_code[code]["locked"] is True
        assert by_code[code]["report_counts"] == {"approved": leads}
        states = task_state.task_states(demo_db, coordinator, code, plan_id=plan_id)
        assert task_state.NOT_SUBMITTED not in states.values()
    recent = by_code["2026H1"]["report_counts"]
    assert not by_code["2026H1"]["locked"]
    assert set(recent) == {"approved", "submitted", "returned"}
    assert by_code["2026H2"]["report_counts"].keys() == {"draft", "submitted"}
    assert by_code["2024H1"]["report_counts"] == {}
    assert demo.latest_past_period(demo_db, coordinator, TODAY) == "2026H1"


def test_the_demo_reminders_show_a_late_unit_and_late_submissions(demo_db: Database) -> None:
    coordinator = demo.sign_in(demo_db)
    data = monitoring.remind(demo_db, coordinator, "2026H1", today=TODAY)
    assert data["late_reports"] > 0
    missing = Counter(
        m["state_label"] for t in data["tasks"] for m in t["missing"] if m["unit"] == "市交通运输局"
    )
    assert missing["未填报"] >= 3 and set(missing) == {"未填报"}
    assert {t["light"] for t in data["tasks"]} == {"red"}
    summary = monitoring.summary(demo_db, coordinator, "2026H1")
    assert sum(1 for n in summary["by_status"].values() if n) >= 5  # varied statuses


def test_the_demo_has_the_schemes_pilots_in_its_city(demo_db: Database) -> None:
    coordinator = demo.sign_in(demo_db)
    quotas = {
        q["type_label"]: (q["count"], q["quota"]) for q in pilots.quota_status(demo_db, coordinator)
    }
    assert quotas == {
        "城市": (1, 1),
        "园区": (3, 3),
        "乡村": (3, 3),
        "社区": (2, 2),
        "公共机构": (2, 2),
        "企业": (5, 5),
    }
    listed = pilots.list_pilots(demo_db, coordinator)
    assert {p["region"] for p in listed} == {"示例市"}
    assert all(p["plan_id"] is not None for p in listed)
    # the sample plan's city has no province: the pilots' supervisor is its own DRC
    assert {p["supervisor"] for p in listed} == {"市发展改革委"}
    states = Counter(
        r["state"]
        for r in pilot_review.list_pilot_reports(demo_db, coordinator, "2026H1", today=TODAY)
    )
    assert set(states) == {"none", "draft", "submitted", "city_approved", "accepted", "returned"}
    # the pilot accounts: the city DRC sees the 16 pilots, the pilot body only its own
    city = users.authenticate(demo_db, "示例市发展改革委", demo.password())
    body = users.authenticate(demo_db, "绿谷园区填报员", demo.password())
    assert (city.is_city_drc, body.is_pilot_body) == (True, True)
    assert len(pilots.list_pilots(demo_db, city)) == 16
    assert [p["name"] for p in pilots.list_pilots(demo_db, body)] == ["示例市绿谷工业园区"]
    names = set(pilot_demo.account_names("示例市"))
    assert names == {"示例市发展改革委", "绿谷园区填报员"}


def test_the_demo_was_written_through_the_services(demo_db: Database) -> None:
    with demo_db.reader() as session:
        actions = Counter(session.scalars(select(AuditRecord.action)))
        assert session.scalar(select(func.count()).select_from(Instruction)) >= 1
        assert session.scalar(select(func.count()).select_from(User)) == 8  # 2 pilot accounts
    assert actions["import"] == 1
    assert actions["lock_period"] == 2
    assert actions["return_report"] >= 2  # the state and the reason of each returned report
    assert actions["submit_report"] > 50 and actions["approve_report"] > 50


def test_the_demo_is_refused_in_a_database_with_plans_or_accounts(db: Database) -> None:
    make_plan(db)
    with pytest.raises(InvalidInput, match="示例数据只能生成在空数据库中"):
        demo.build_demo(db, today=TODAY)
    assert not demo.is_demo(db)
    assert len(plans.list_plans(db, users.local_actor())) == 1


def test_open_demo_never_overwrites_another_database(tmp_path: Path) -> None:
    work = tmp_path / "tracker.sqlite3"
    db = Database.open(str(work))
    make_plan(db)
    db.close()
    before = work.read_bytes()
    with pytest.raises(InvalidInput, match="不是示例数据库，不会被改动"):
        demo.open_demo(work, rebuild=True, today=TODAY)
    assert work.read_bytes() == before


def test_a_failed_build_leaves_no_half_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "build_demo", broken)
    path = tmp_path / "demo.sqlite3"
    with pytest.raises(RuntimeError):
        demo.open_demo(path, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_rebuild_replaces_the_demo(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(built, path)
    db = Database.open(str(path))
    coordinator = demo.sign_in(db)
    users.add_user(db, coordinator, "新来的人", "coordinator", "new-person-1")
    db.close()
    db = demo.open_demo(path, rebuild=True, today=TODAY)
    try:
        names = {u["name"] for u in users.list_users(db, demo.sign_in(db))}
        assert "新来的人" not in names and "示例协调员" in names
    finally:
        db.close()


def test_the_demo_builds_in_an_empty_database_of_any_backend(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        info = demo.build_demo(db, today=TODAY)
        assert info.reports > 100 and set(info.periods) == {"2025H1", "2025H2", "2026H1", "2026H2"}
        assert demo.is_demo(db)
    finally:
        db.close()


# ---------------------------------------------------------------- the CLI


def test_cli_demo_builds_once_and_refuses_a_working_database(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "示例.sqlite3"
    shutil.copyfile(built, path)  # as if built before: the CLI finds it
    assert main(["demo", "--db", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["built"], out["database"], out["password"]) == (False, str(path), demo.password())
    assert out["plan"]["title"] == "示例市碳达峰实施方案"
    assert out["pilots"] == 16 and set(out["accounts"]["pilots"]) == {
        "示例市发展改革委",
        "绿谷园区填报员",
    }
    assert main(["demo", "--db", str(path)]) == 0
    text = capsys.readouterr().out
    assert "已有示例数据库" in text and "密码均为 shili-2024" in text and "--rebuild" in text
    assert (
        "碳达峰试点：16 个（示例市" in text
        and "绿谷园区填报员（试点主体，示例市绿谷工业园区）" in text
    )

    work = tmp_path / "work.sqlite3"
    db = Database.open(str(work))
    make_plan(db)
    db.close()
    assert main(["demo", "--db", str(work)]) == 4
    assert "不是示例数据库" in capsys.readouterr().err


def test_the_working_database_is_never_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert config.demo_db_path() != config.default_db_path()
    assert config.demo_db_path().parent == config.default_db_path().parent
