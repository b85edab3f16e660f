"""Storing an import: one transaction, no duplicates, units and aliases; and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.db import Database
from tracker.errors import ImportFailed, NotFound
from tracker.importing.regions import region_from_name
from tracker.models import AuditRecord, Plan, Task, TaskUnit, Unit
from tracker.services import plans, units
from tracker.services.actor import SYSTEM, Actor

from conftest import PLAN_CITY, PLAN_NO_BREAKDOWN, PLAN_TABLE


def count(db: Database, model: type) -> int:
    with db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_commit_stores_everything_once(db: Database) -> None:
    parsed = plans.preview_import(db, PLAN_CITY)
    assert count(db, Task) == 0  # the preview writes nothing
    result = plans.commit_import(db, parsed, SYSTEM)
    assert result.created
    assert count(db, Task) == 11
    again = plans.commit_import(db, plans.preview_import(db, PLAN_CITY), SYSTEM)
    assert again == plans.CommitResult(result.plan_id, created=False)
    assert count(db, Plan) == 1 and count(db, Task) == 11
    with db.reader() as session:
        audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "import")).all()
        assert len(audit) == 1 and audit[0].object_id == result.plan_id
        # one record per real unit: 市发展改革委 leads many tasks but exists once
        assert session.scalar(select(func.count()).where(Unit.name == "市发展改革委")) == 1


def test_tasks_roundtrip_and_unit_filter(db: Database) -> None:
    parsed = plans.preview_import(db, PLAN_TABLE)
    plan_id = plans.commit_import(db, parsed, SYSTEM).plan_id
    stored = plans.list_tasks(db, SYSTEM, plan_id=plan_id)
    assert [t["code"] for t in stored] == [t.code for t in parsed.tasks]
    assert [t["lead_units"] for t in stored] == [t.lead_units for t in parsed.tasks]
    assert [t["cooperating_units"] for t in stored] == [t.cooperating_units for t in parsed.tasks]
    led = plans.list_tasks(db, SYSTEM, unit="市生态环境局")  # leads 7-2, cooperates elsewhere
    assert {t["code"] for t in led} == {"1", "2", "7-1", "7-2", "8", "12"}
    with pytest.raises(NotFound, match="没有名为“不存在的局”的单位"):
        plans.list_tasks(db, SYSTEM, unit="不存在的局")


def test_reporter_sees_only_own_unit_tasks(db: Database) -> None:
    plans.commit_import(db, plans.preview_import(db, PLAN_CITY), SYSTEM)
    with db.reader() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.name == "市市场监管局")).one()
        expected = session.scalar(
            select(func.count()).select_from(TaskUnit).where(TaskUnit.unit_id == unit_id)
        )
    reporter = Actor(name="市场监管局填报员", role="reporter", unit_id=unit_id)
    seen = plans.list_tasks(db, reporter)
    assert len(seen) == expected == 3
    assert [t["code"] for t in seen] == ["（一）3", "（二）1", "（二）2"]
    assert all("市市场监管局" in t["lead_units"] + t["cooperating_units"] for t in seen)


def test_bad_file_writes_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed):
        plans.preview_import(db, PLAN_NO_BREAKDOWN)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFailed, match=r"broken\.docx"):
        plans.preview_import(db, bad)
    assert count(db, Plan) == 0 and count(db, Unit) == 0


def test_reporter_may_not_import(db: Database) -> None:
    parsed = plans.preview_import(db, PLAN_CITY)
    with pytest.raises(Exception, match="无权导入实施方案"):
        plans.commit_import(db, parsed, Actor(name="填报员", role="reporter", unit_id=1))
    assert count(db, Plan) == 0


def test_alias_is_used_by_later_imports_and_merge(db: Database, tmp_path: Path) -> None:
    plans.commit_import(db, plans.preview_import(db, PLAN_CITY), SYSTEM)
    units.add_alias(db, SYSTEM, "市发改局", "市发展改革委")
    doc = tmp_path / "small.txt"
    doc.write_text(
        "临川市能源领域碳达峰实施方案\n（一）能源行动\n1.发展水电。内容。（市发改局牵头，市水务局等按职责分工负责）\n",
        encoding="utf-8",
    )
    parsed = plans.preview_import(db, doc)
    assert parsed.tasks[0].lead_units == ["市发展改革委"]
    plans.commit_import(db, parsed, SYSTEM)
    # 市水务局 and 市水利局 are the same office here: merge them
    before = len(plans.list_tasks(db, SYSTEM, unit="市水利局"))
    units.merge_units(db, SYSTEM, "市水务局", "市水利局")
    assert len(plans.list_tasks(db, SYSTEM, unit="市水利局")) == before + 1
    assert len(plans.list_tasks(db, SYSTEM, unit="市水务局")) == before + 1  # now an alias
    names = {u["name"] for u in units.list_units(db)}
    assert "市水务局" not in names
    # aliases of a merged unit move with it
    units.add_alias(db, SYSTEM, "市发改办", "市发展改革委")
    units.merge_units(db, SYSTEM, "市发展改革委", "市水利局")  # (an odd merge, but allowed)
    merged = next(u for u in units.list_units(db) if u["name"] == "市水利局")
    assert {"市水务局", "市发改局", "市发改办", "市发展改革委"} <= set(merged["aliases"])


# ---------------------------------------------------------------- CLI


def test_cli_import_json_dry_run_then_commit(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_USER", raising=False)
    assert main(["--db", db_url, "import", str(PLAN_TABLE), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"plan", "tasks", "warnings", "revision_of", "diff"}
    assert out["revision_of"] is None and out["diff"] is None  # a new plan
    assert out["plan"]["region"]["name"] == "云岭市"
    assert len(out["tasks"]) == 15
    first = out["tasks"][0]
    assert {
        "area",
        "code",
        "title",
        "content",
        "lead_units",
        "cooperating_units",
        "targets",
    } <= set(first)
    assert all({"year", "text"} <= set(t) for task in out["tasks"] for t in task["targets"])
    assert all({"where", "message"} == set(w) for w in out["warnings"])
    assert main(["--db", db_url, "tasks", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tasks"] == []  # the dry run stored nothing

    assert main(["--db", db_url, "import", str(PLAN_TABLE)]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main(["--db", db_url, "tasks", "--unit", "市委宣传部", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["tasks"]
    assert listed and all("id" in t for t in listed)
    assert [t["code"] for t in listed] == ["9", "11"]


def test_cli_bad_input_exits_non_zero(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--db", db_url, "import", str(PLAN_NO_BREAKDOWN)]) != 0
    err = capsys.readouterr().err
    assert PLAN_NO_BREAKDOWN.name in err and "没有找到任务分工" in err
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert main(["--db", db_url, "import", str(empty)]) != 0
    assert "empty.xlsx" in capsys.readouterr().err
    assert main(["--db", db_url, "plans", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["plans"] == []


def test_import_creates_the_plans_periods(db: Database) -> None:
    from tracker.services import periods

    parsed = plans.preview_import(db, PLAN_CITY)
    assert (parsed.start_year, parsed.horizon_year) == (2024, 2030)  # 2024年5月8日
    plan_id = plans.commit_import(db, parsed, SYSTEM).plan_id
    codes = [p["code"] for p in periods.list_periods(db, SYSTEM, plan_id)["periods"]]
    assert codes[0] == "2024H1"
    assert codes[-1] == "2030H2"
    assert len(codes) == 14


def test_canonical_units_for_typed_lists(db: Database) -> None:
    assert plans.canonical_task_units(db, "市发改委", "工信局、自然资源局，工信局") == (
        ["市发展改革委"],
        ["市工业和信息化局", "市自然资源局"],
    )
    # typed in both lists: kept in both, for the editor to say so
    assert plans.canonical_task_units(db, "市发改委", "工信局、市发展改革委") == (
        ["市发展改革委"],
        ["市工业和信息化局", "市发展改革委"],
    )
    parsed = plans.preview_import(db, PLAN_CITY)
    plans.commit_import(db, parsed, SYSTEM)
    units.add_alias(db, SYSTEM, "市发改局", "市发展改革委")
    assert plans.canonical_task_units(db, "市发改局", "/", parsed.region) == (["市发展改革委"], [])
    # the alias is 临川市's: a plan of another city reads 市发改局 as written
    other = region_from_name("银川市")
    assert plans.canonical_task_units(db, "市发改局", "/", other) == (["市发展改革局"], [])
