"""One database for a whole province: the plans of two cities and of their region side by
side (SQLite and PostgreSQL) — units per region, labels where names are shared, a reporter's
tasks, aliases per region; the real seeds 001 (银川), 004 (广元) and 000 (自治区) too; and two
imports creating the same new unit at once (PostgreSQL)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tracker.cli import main
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.importing.regions import region_from_name
from tracker.services import plans, reports, units, users, worklist
from tracker.services.actor import SYSTEM, Actor
from tracker.services.plans import CommitResult

from conftest import IN_CI, PG_URL
from factories import use_fast_hashing

FIXTURES = Path(__file__).parent / "fixtures" / "regions"
SHIZUISHAN = FIXTURES / "石嘴山市碳达峰实施方案.txt"
WUZHONG = FIXTURES / "吴忠市碳达峰实施方案.txt"
NINGXIA = FIXTURES / "宁夏回族自治区碳达峰实施方案.txt"
PASSWORD = "region-test-password"


def _import(db: Database, path: Path) -> CommitResult:
    return plans.commit_import(db, plans.preview_import(db, path), SYSTEM)


def _units_by_region(db: Database) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for unit in units.list_units(db):
        found.setdefault(unit["region"], set()).add(unit["name"])
    return found


def test_two_cities_and_their_region_in_one_database(db: Database) -> None:
    for path in (SHIZUISHAN, WUZHONG, NINGXIA):
        assert _import(db, path).created
    assert _units_by_region(db) == {
        "石嘴山市": {
            "市发展改革委",
            "市自然资源局",
            "市住房城乡建设局",
            "市工业和信息化局",
            "市生态环境局",
            "各县（区）人民政府",
        },
        "吴忠市": {
            "市发展改革委",
            "市自然资源局",
            "市交通运输局",
            "市农业农村局",
            "各县（市、区）人民政府",
        },
        # names that carry their owner are one unit for the whole province
        "宁夏回族自治区": {
            "自治区发展改革委",
            "自治区工业和信息化厅",
            "自治区统计局",
            "国网宁夏电力公司",
            "国网石嘴山供电公司",
            "宁东管委会",
            "五市人民政府",
        },
    }
    listed = {p["title"]: p for p in plans.list_plans(db, SYSTEM)}
    assert listed["石嘴山市碳达峰实施方案"]["region"] == "石嘴山市"
    assert listed["石嘴山市碳达峰实施方案"]["province"] == "宁夏回族自治区"
    assert listed["宁夏回族自治区碳达峰实施方案"]["region_level"] == "省级"


def test_shared_names_are_labelled_with_their_region(db: Database) -> None:
    for path in (SHIZUISHAN, WUZHONG, NINGXIA):
        _import(db, path)
    labels = {u["label"] for u in units.list_units(db)}
    assert {"石嘴山市·市发展改革委", "吴忠市·市发展改革委", "石嘴山市·市自然资源局"} <= labels
    assert "市交通运输局" in labels and "自治区发展改革委" in labels  # no one else has these
    tasks = plans.list_tasks(db, SYSTEM)
    first = next(t for t in tasks if t["title"] == "壮大光伏和风电产业")
    assert first["lead_units"] == ["石嘴山市·市发展改革委"]
    assert first["cooperating_units"] == ["石嘴山市·市自然资源局", "国网石嘴山供电公司"]
    # a name used in two regions must be given with its region
    with pytest.raises(
        InvalidInput,
        match=r"名为“市发展改革委”的单位有 2 个：吴忠市·市发展改革委、石嘴山市·市发展改革委",
    ):
        plans.list_tasks(db, SYSTEM, unit="市发展改革委")
    mine = plans.list_tasks(db, SYSTEM, unit="吴忠市·市发展改革委")
    assert sorted(t["title"] for t in mine) == ["发展绿色交通", "建设抽水蓄能和储能项目"]


def test_a_reporter_sees_exactly_the_tasks_of_their_unit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fast_hashing(monkeypatch)
    for path in (SHIZUISHAN, WUZHONG, NINGXIA):
        _import(db, path)
    users.add_user(db, None, "协调员", "coordinator", PASSWORD)
    coordinator = users.authenticate(db, "协调员", PASSWORD)
    users.add_user(
        db, coordinator, "石嘴山发改", "reporter", PASSWORD, unit="石嘴山市·市发展改革委"
    )
    users.add_user(db, coordinator, "自治区发改", "reporter", PASSWORD, unit="自治区发展改革委")
    with pytest.raises(InvalidInput, match="请写明地区"):
        users.add_user(db, coordinator, "发改", "reporter", PASSWORD, unit="市发展改革委")

    listed = {u["name"]: u["unit"] for u in users.list_users(db, coordinator)}
    assert listed["石嘴山发改"] == "石嘴山市·市发展改革委"
    assert listed["自治区发改"] == "自治区发展改革委"
    city = users.authenticate(db, "石嘴山发改", PASSWORD)
    assert city.unit_name == "石嘴山市·市发展改革委"
    seen = plans.list_tasks(db, city)
    assert sorted(t["title"] for t in seen) == ["压减散煤消费", "壮大光伏和风电产业"]
    region = users.authenticate(db, "自治区发改", PASSWORD)
    seen = plans.list_tasks(db, region)
    # the regional plan's three tasks and the city task that names 自治区发展改革委
    assert Counter(t["plan_id"] for t in seen) == Counter(
        {_plan_id(db, "宁夏回族自治区碳达峰实施方案"): 3, _plan_id(db, "石嘴山市碳达峰实施方案"): 1}
    )


def test_review_queue_and_history_name_the_region_of_a_shared_unit_name(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fast_hashing(monkeypatch)
    for path in (SHIZUISHAN, WUZHONG):
        _import(db, path)
    users.add_user(db, None, "协调员", "coordinator", PASSWORD)
    coordinator = users.authenticate(db, "协调员", PASSWORD)
    unit = "石嘴山市·市发展改革委"
    users.add_user(db, coordinator, "石嘴山发改", "reporter", PASSWORD, unit=unit)
    city = users.authenticate(db, "石嘴山发改", PASSWORD)
    plan_id = _plan_id(db, "石嘴山市碳达峰实施方案")
    task = next(t for t in plans.list_tasks(db, city) if unit in t["lead_units"])
    period = worklist.plan_periods(db, coordinator, plan_id)[0]["id"]
    reports.save_report(db, city, task["id"], period, status="序时推进", expect_version=None)
    reports.submit_report(db, city, task["id"], period, expect_version=None)

    queue = worklist.review_queue(db, coordinator, plan_id, period)
    assert [r["unit"] for r in queue] == [unit]
    history = worklist.report_history(db, coordinator, task["id"])
    assert [r["unit"] for r in history] == [unit]


def _plan_id(db: Database, title: str) -> int:
    return next(p["id"] for p in plans.list_plans(db, SYSTEM) if p["title"] == title)


def test_an_alias_in_one_city_does_not_touch_the_other(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_USER", raising=False)
    for path in (SHIZUISHAN, WUZHONG, NINGXIA):
        assert main(["--db", db_url, "import", str(path)]) == 0
    assert main(["--db", db_url, "unit", "alias", "市发改局", "市发展改革委"]) != 0
    assert "请写明地区" in capsys.readouterr().err
    assert main(["--db", db_url, "unit", "alias", "市发改局", "石嘴山市·市发展改革委"]) == 0
    capsys.readouterr()

    note = "（一）能源\n1.建设氢能项目。推进绿氢制备。（市发改局牵头，市工信局等按职责分工负责）\n"
    for city in ("石嘴山市", "吴忠市"):
        doc = tmp_path / f"{city}.txt"
        doc.write_text(f"{city}氢能产业碳达峰行动方案\n{note}", encoding="utf-8")
        assert main(["--db", db_url, "import", str(doc), "--dry-run", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["plan"]["region"]["name"] == city
        lead = out["tasks"][0]["lead_units"]
        assert lead == (["市发展改革委"] if city == "石嘴山市" else ["市发展改革局"])
    assert main(["--db", db_url, "unit", "list", "--region", "吴忠市", "--json"]) == 0
    wuzhong = json.loads(capsys.readouterr().out)["units"]
    assert all(u["aliases"] == [] for u in wuzhong)


def test_a_region_named_by_hand_and_an_unknown_region(db: Database, tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text(
        "示例县碳达峰实施方案\n（一）能源\n1.推广屋顶光伏。建设分布式光伏。"
        "（责任单位：县发展改革局、自治区发展改革委）\n",
        encoding="utf-8",
    )
    parsed = plans.preview_import(db, doc)
    assert parsed.region is not None and parsed.region.province is None  # the text names none
    assert "无法确定所属省份" in (parsed.region.note or "")
    # it still works: the county is its own top, its units stay in it
    unknown = plans.commit_import(db, parsed, SYSTEM)
    assert _units_by_region(db) == {"示例县": {"县发展改革局", "自治区发展改革委"}}
    # named by hand, with its province: the province's units go there
    other = tmp_path / "other.txt"
    other.write_text(doc.read_text(encoding="utf-8").replace("示例县", "样板县"), encoding="utf-8")
    parsed = plans.preview_import(db, other, region="样板县", province="宁夏")
    assert parsed.region == region_from_name("样板县", province="宁夏回族自治区")
    assert plans.commit_import(db, parsed, SYSTEM).plan_id != unknown.plan_id
    assert _units_by_region(db)["宁夏回族自治区"] == {"自治区发展改革委"}
    assert _units_by_region(db)["样板县"] == {"县发展改革局"}


@pytest.mark.seeds
def test_the_real_seeds_in_one_database(db: Database, seeds: Path) -> None:
    paths = {
        "银川市": seeds / "001_69c9d6620e20abd3.txt",
        "广元市": seeds / "004_03d5bdb1a4f7da91.txt",
        "宁夏回族自治区": seeds / "000_b7ee931a2cb0ef57.txt",
    }
    names: dict[str, set[str]] = {}
    for region, path in paths.items():
        parsed = plans.preview_import(db, path)
        assert parsed.region is not None and parsed.region.name == region
        names[region] = {n for t in parsed.tasks for n in (*t.lead_units, *t.cooperating_units)}
        plans.commit_import(db, parsed, SYSTEM)
    shared = names["银川市"] & names["广元市"]
    assert len(shared) == 18 and "市发展改革委" in shared  # one database used to merge these
    listed = units.list_units(db)
    for name in shared:
        holders = {u["region"] for u in listed if u["name"] == name}
        assert holders == {"银川市", "广元市"}, name
        assert {u["label"] for u in listed if u["name"] == name} == {
            f"银川市·{name}",
            f"广元市·{name}",
        }
    by_region = _units_by_region(db)
    assert "人民银行银川中心支行" in by_region["宁夏回族自治区"]
    assert "国网宁夏电力公司" in by_region["宁夏回族自治区"]
    assert "自治区发展改革委" in by_region["宁夏回族自治区"]
    assert "人民银行广元市分行" in by_region["四川省"]
    assert "市发展改革委" not in by_region["宁夏回族自治区"]
    # a reporter of 银川's 市发展改革委 sees 银川's tasks only
    yinchuan = next(u for u in listed if u["label"] == "银川市·市发展改革委")
    reporter = Actor(name="银川发改", role="reporter", unit_id=yinchuan["id"])
    seen = plans.list_tasks(db, reporter)
    yinchuan_plan = _plan_id(db, "银川市碳达峰实施方案")
    assert seen and {t["plan_id"] for t in seen} == {yinchuan_plan}
    assert len(seen) == yinchuan["task_count"]


# ---------------------------------------------------------------- concurrent imports


@pytest.mark.postgres
@pytest.mark.skipif(
    not PG_URL and not IN_CI, reason="TEST_PG_URL is not set (the race needs PostgreSQL)"
)
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_concurrent_imports_creating_the_same_unit_do_not_fail(db_url: str, tmp_path: Path) -> None:
    """Another import (of another city of the province) holds a new province-wide unit,
    not yet committed, when ours wants to create it: ours waits, then uses that unit
    (before the fix: a raw IntegrityError). SQLite has no such race: its writers take the
    database lock in turn."""
    db = Database.open(db_url)
    try:
        _import(db, WUZHONG)  # the regions 吴忠市 and 宁夏回族自治区 exist
        with db.reader() as session:
            region_id = session.execute(
                text("SELECT id FROM regions WHERE name = '宁夏回族自治区'")
            ).scalar_one()
        doc = tmp_path / "hydrogen.txt"
        doc.write_text(
            "吴忠市氢能产业碳达峰行动方案\n（一）能源\n1.建设氢能项目。推进绿氢制备。"
            "（宁夏氢能集团牵头，市发展改革委等按职责分工负责）\n",
            encoding="utf-8",
        )
        parsed = plans.preview_import(db, doc)
        other = create_engine(db_url)
        outcome: dict[str, object] = {}
        with other.connect() as conn:
            trans = conn.begin()
            conn.execute(
                text(
                    "INSERT INTO units (region_id, name, created_at)"
                    " VALUES (:r, '宁夏氢能集团', now())"
                ),
                {"r": region_id},
            )

            def commit() -> None:
                try:
                    outcome["result"] = plans.commit_import(db, parsed, SYSTEM)
                except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
                    outcome["error"] = exc

            worker = threading.Thread(target=commit)
            worker.start()
            worker.join(timeout=1.0)
            assert worker.is_alive(), "the import must wait for the other transaction"
            trans.commit()
            worker.join(timeout=30)
        other.dispose()
        assert "error" not in outcome, outcome.get("error")
        result = outcome["result"]
        assert isinstance(result, CommitResult) and result.created
        hydrogen = [u for u in units.list_units(db) if u["name"] == "宁夏氢能集团"]
        assert len(hydrogen) == 1 and hydrogen[0]["task_count"] == 1
    finally:
        db.close()


def test_cli_region_options(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_USER", raising=False)
    doc = tmp_path / "plan.txt"
    doc.write_text(
        "碳达峰重点任务分工\n（一）能源\n1.推广屋顶光伏。建设分布式光伏。（责任单位：县发展改革局）\n",
        encoding="utf-8",
    )
    assert main(["--db", db_url, "import", str(doc), "--dry-run"]) == 0
    assert "发文地区：未识别（请用 --region 指明）" in capsys.readouterr().out
    assert main(["--db", db_url, "import", str(doc)]) == 4
    err = capsys.readouterr().err
    assert "无法确定" in err and "--region" in err
    assert main(["--db", db_url, "import", str(doc), "--province", "宁夏"]) == 4
    assert "--province 只能与 --region 一起使用" in capsys.readouterr().err
    assert (
        main(["--db", db_url, "import", str(doc), "--region", "银川市", "--province", "四川"]) == 4
    )
    assert "地区“银川市”属于“宁夏回族自治区”，不是“四川”" in capsys.readouterr().err
    assert (
        main(["--db", db_url, "import", str(doc), "--region", "样板县", "--province", "宁夏"]) == 0
    )
    out = capsys.readouterr().out
    assert "发文地区：样板县（县级，宁夏回族自治区）· 新地区，导入时登记" in out and "已导入" in out
    assert main(["--db", db_url, "regions", "--json"]) == 0
    found = {r["name"]: r for r in json.loads(capsys.readouterr().out)["regions"]}
    assert found["样板县"]["province"] == "宁夏回族自治区" and found["样板县"]["plan_count"] == 1
