"""Revisions (修订版): matching the tasks of a new version to the stored plan, the diff in the
preview (``tracker import --dry-run``), and updating the plan in place — reports kept,
dropped tasks archived with their reports, every change audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.db import Database
from tracker.errors import ConflictError, InvalidInput, PlanArchived
from tracker.models import ProgressReport, Task
from tracker.services import history, plan_lifecycle, plans, reports
from tracker.services.actor import SYSTEM
from tracker.services.plans import Expectation
from tracker.services.revisions import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    TaskSnapshot,
    compute_diff,
    match_tasks,
)

FIXTURES = Path(__file__).parent / "fixtures" / "regions"
V1 = (FIXTURES / "石嘴山市碳达峰实施方案.txt").read_text(encoding="utf-8")

# Version 2: task （一）1 reworded (and a unit added), task （二）1 dropped (（二）2 becomes
# （二）1), a new task （二）2 added at the end; task （一）2 unchanged.
V2 = (
    V1.replace(
        "推动风电项目分批建设，到2025年全市新能源装机规模达到300万千瓦。"
        "（责任单位：市发展改革委、市自然资源局、国网石嘴山供电公司）",
        "推动风电项目分批建设，配套建设储能设施，到2025年全市新能源装机规模达到350万千瓦。"
        "（责任单位：市发展改革委、市自然资源局、市生态环境局、国网石嘴山供电公司）",
    )
    .replace(
        "1.推动冶金和建材行业节能改造。对电石、铁合金企业开展能效诊断，淘汰落后产能。"
        "（责任单位：市工业和信息化局、市生态环境局）\n\n",
        "",
    )
    .replace("2.培育循环经济园区。", "1.培育循环经济园区。")
    .rstrip("\n")
    + "\n\n2.开展碳排放统计核算。建立重点企业碳排放台账，按年度发布核算结果。"
    "（责任单位：市统计局、市生态环境局）\n"
)


def _snap(code: str, title: str, content: str, lead: tuple[str, ...] = ("甲",)) -> TaskSnapshot:
    return TaskSnapshot(code, "（一）", "能源", title, content, lead, ())


# ---------------------------------------------------------------- matching (no database)


def test_matching_same_code_renumbered_reworded_dropped_added() -> None:
    old = [
        _snap("1", "发展光伏", "建设屋顶光伏电站，推广分布式光伏。"),
        _snap("2", "压减散煤", "实施燃煤锅炉替代。"),
        _snap("3", "节能改造", "对重点企业开展能效诊断，淘汰落后产能。"),
        _snap("4", "循环园区", "推进园区循环化改造和固废综合利用。"),
    ]
    new = [
        _snap("1", "发展光伏", "建设屋顶光伏电站，推广分布式光伏，配套储能。"),  # reworded
        _snap("2", "压减散煤", "实施燃煤锅炉替代。", ("乙",)),  # units changed
        _snap("3", "循环园区", "推进园区循环化改造和固废综合利用。"),  # renumbered 4 → 3
        _snap("4", "碳排放统计", "建立重点企业碳排放台账。"),  # new
    ]
    assert {n: o for n, (o, _) in match_tasks(old, new).items()} == {0: 0, 1: 1, 2: 3}
    diff = compute_diff(old, new)
    kinds = [(c.kind, (c.new or c.old).code) for c in diff.changes]  # type: ignore[union-attr]
    assert kinds == [
        (CHANGED, "1"),
        (CHANGED, "2"),
        (REMOVED, "3"),  # where it stood: after task 2, before the old task 4
        (CHANGED, "3"),
        (ADDED, "4"),
    ]
    assert diff.changes[0].fields == ("content",) and diff.changes[0].reworded
    assert diff.changes[1].fields == ("lead_units",) and diff.changes[1].units_changed
    assert diff.changes[3].fields == ("code",)
    assert diff.counts == {
        "added": 1,
        "removed": 1,
        "reworded": 1,
        "units_changed": 1,
        "other": 1,
        "unchanged": 0,
    }
    assert (
        diff.summary()
        == "新增 1 项、撤销 1 项、改写 1 项、单位变动 1 项、编号或领域变动 1 项、未变 0 项"
    )


def test_swapped_codes_follow_the_text_not_the_number() -> None:
    old = [
        _snap("1", "甲措施", "推进光伏发电项目建设。"),
        _snap("2", "乙措施", "开展建筑节能改造。"),
    ]
    new = [
        _snap("1", "乙措施", "开展建筑节能改造。"),
        _snap("2", "甲措施", "推进光伏发电项目建设。"),
    ]
    assert {n: o for n, (o, _) in match_tasks(old, new).items()} == {0: 1, 1: 0}


def test_a_rewritten_task_under_its_code_and_title_is_the_same_task() -> None:
    old = [_snap("5", "推进氢能产业", "开展制氢示范。")]
    new = [_snap("5", "推进氢能产业", "建设绿氢制储输用一体化项目，到2025年产能达到1万吨。")]
    assert match_tasks(old, new) == {0: (0, pytest.approx(match_tasks(old, new)[0][1]))}


def test_an_unrelated_task_under_a_reused_code_is_not_matched() -> None:
    old = [_snap("5", "推进氢能产业", "开展制氢示范。")]
    new = [_snap("5", "完善统计制度", "建立能源消费统计监测体系，按季度发布。")]
    diff = compute_diff(old, new)
    assert [c.kind for c in diff.changes] == [ADDED, REMOVED] or [c.kind for c in diff.changes] == [
        REMOVED,
        ADDED,
    ]
    assert compute_diff(old, old).empty
    assert [c.kind for c in compute_diff(old, old).changes] == [UNCHANGED]


# ---------------------------------------------------------------- the flow on a database


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tasks_by_title(db: Database, **kwargs: object) -> dict[str, dict[str, object]]:
    return {t["title"]: t for t in plans.list_tasks(db, SYSTEM, **kwargs)}  # type: ignore[arg-type]


def test_the_revision_flow_on_a_plan_with_reports(db: Database, tmp_path: Path) -> None:
    first = plans.commit_import(
        db, plans.preview_import(db, _write(tmp_path, "v1.txt", V1)), SYSTEM
    )
    v1 = _tasks_by_title(db)
    ids = {title: int(t["id"]) for title, t in v1.items()}  # type: ignore[call-overload]
    for title in ("壮大光伏和风电产业", "推动冶金和建材行业节能改造", "培育循环经济园区"):
        unit = str(v1[title]["lead_units"][0])  # type: ignore[index]
        reports.save_report(
            db,
            SYSTEM,
            ids[title],
            "2025H1",
            unit,
            status="序时推进",
            progress=f"{title}进展",
            expect_version=None,
        )

    preview = plans.preview_import(db, _write(tmp_path, "v2.txt", V2))
    base = plans.find_revision_base(db, preview)
    assert base is not None and (base.plan_id, base.revision) == (first.plan_id, 1)
    shown = base.diff(preview)
    assert shown.counts["added"] == 1 and shown.counts["removed"] == 1
    result = plans.commit_import(db, preview, SYSTEM, expect=Expectation.of(base))
    assert result.revised and not result.created
    assert (result.plan_id, result.revision) == (first.plan_id, 2)

    v2 = _tasks_by_title(db)
    assert list(v2) == [
        "壮大光伏和风电产业",
        "压减散煤消费",
        "培育循环经济园区",
        "开展碳排放统计核算",
    ]
    # matched tasks keep their ids, reports and history
    for title in ("壮大光伏和风电产业", "压减散煤消费", "培育循环经济园区"):
        assert v2[title]["id"] == ids[title]
    assert v2["培育循环经济园区"]["code"] == "（二）1"
    assert "350万千瓦" in str(v2["壮大光伏和风电产业"]["content"])
    assert "市生态环境局" in v2["壮大光伏和风电产业"]["cooperating_units"]  # type: ignore[operator]
    assert v2["壮大光伏和风电产业"]["targets"][0]["value"] == 350  # type: ignore[index]
    assert v2["壮大光伏和风电产业"]["version"] == 2 and v2["压减散煤消费"]["version"] == 1
    kept = reports.get_report(db, SYSTEM, ids["壮大光伏和风电产业"], "2025H1", "市发展改革委")
    assert kept is not None and kept["progress"] == "壮大光伏和风电产业进展"
    # the dropped task is archived with its report, not deleted
    dropped = ids["推动冶金和建材行业节能改造"]
    every = _tasks_by_title(db, plan_id=first.plan_id, include_archived=True)
    assert every["推动冶金和建材行业节能改造"]["archived"] is True
    assert every["推动冶金和建材行业节能改造"]["archived_in_revision"] == 2
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ProgressReport)) == 3
        assert session.get(Task, dropped) is not None
    report = reports.get_report(db, SYSTEM, dropped, "2025H1", "市工业和信息化局")
    assert report is not None and report["progress"] == "推动冶金和建材行业节能改造进展"
    with pytest.raises(PlanArchived, match="第 2 版中撤销并归档"):
        reports.save_report(
            db, SYSTEM, dropped, "2025H1", "市工业和信息化局", progress="再改", expect_version=None
        )

    audit = history.list_audit(db, SYSTEM)
    by_action: dict[str, list[dict[str, object]]] = {}
    for record in audit:
        by_action.setdefault(str(record["action"]), []).append(record)
    assert {(r["task_id"], r["field"]) for r in by_action["revise_task"]} == {
        (ids["壮大光伏和风电产业"], "content"),
        (ids["壮大光伏和风电产业"], "cooperating_units"),
        (ids["培育循环经济园区"], "code"),
    }
    assert [r["task_id"] for r in by_action["archive_task"]] == [dropped]
    assert [r["task_id"] for r in by_action["add_task"]] == [v2["开展碳排放统计核算"]["id"]]
    assert len(by_action["revise_plan"]) == 1
    history_rows = plans.plan_sources(db, first.plan_id)
    assert [(s["revision"], s["source"]) for s in history_rows] == [(1, "v1.txt"), (2, "v2.txt")]
    assert history_rows[1]["summary"] == result.diff.summary()  # type: ignore[union-attr]
    # the same file again: nothing changes; the first version again: known, not reverted
    again = plans.commit_import(db, plans.preview_import(db, tmp_path / "v2.txt"), SYSTEM)
    assert (again.created, again.revised, again.revision) == (False, False, 2)
    old = plans.commit_import(db, plans.preview_import(db, tmp_path / "v1.txt"), SYSTEM)
    assert (old.created, old.revised, old.revision) == (False, False, 1)
    assert len(plans.list_plans(db, SYSTEM)) == 1


def test_a_unit_with_reports_taken_off_a_task_is_pointed_out(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans.commit_import(db, plans.preview_import(db, _write(tmp_path, "v1.txt", V1)), SYSTEM)
    task = next(t for t in plans.list_tasks(db, SYSTEM) if t["title"] == "压减散煤消费")
    reports.save_report(
        db, SYSTEM, task["id"], "2025H1", "市住房城乡建设局", status="序时推进", expect_version=None
    )
    v3 = V1.replace(
        "市发展改革委、市住房城乡建设局、自治区发展改革委", "市发展改革委、自治区发展改革委"
    )
    preview = plans.prepare_import(db, _write(tmp_path, "v3.txt", v3))
    diff = preview.diff()
    assert diff is not None
    change = next(c for c in diff.changes if c.kind == CHANGED)
    assert change.reported_units_dropped == ("市住房城乡建设局",)
    result = plans.commit_import(db, preview.parsed, SYSTEM)
    assert result.revised
    kept = reports.get_report(db, SYSTEM, task["id"], "2025H1", "市住房城乡建设局")
    assert kept is not None and kept["role_label"] == "已移出（修订版）"
    listed = reports.task_reports(db, SYSTEM, task["id"], "2025H1")
    assert [(u["unit"], u["role"]) for u in listed["units"]] == [
        ("市发展改革委", "lead"),
        ("自治区发展改革委", "cooperating"),
        ("市住房城乡建设局", "former"),
    ]
    with pytest.raises(InvalidInput, match="不是任务"):  # readable, no longer writable
        reports.save_report(
            db, SYSTEM, task["id"], "2025H1", "市住房城乡建设局", progress="改", expect_version=None
        )


def test_a_revision_checks_what_the_preview_showed(db: Database, tmp_path: Path) -> None:
    v1 = plans.preview_import(db, _write(tmp_path, "v1.txt", V1))
    expect_new = Expectation.of(plans.find_revision_base(db, v1))
    plans.commit_import(db, v1, SYSTEM)
    # another coordinator committed the same title in between: ours was a "new plan" preview
    other = plans.preview_import(db, _write(tmp_path, "other.txt", V1 + "\n"))
    with pytest.raises(ConflictError, match="刚被他人导入"):
        plans.commit_import(db, other, SYSTEM, expect=expect_new)
    v2 = plans.preview_import(db, _write(tmp_path, "v2.txt", V2))
    seen = Expectation.of(plans.find_revision_base(db, v2))
    plans.commit_import(db, plans.preview_import(db, tmp_path / "other.txt"), SYSTEM)  # rev 2
    with pytest.raises(ConflictError, match="已被他人更新"):
        plans.commit_import(db, v2, SYSTEM, expect=seen)
    # an archived plan takes no revision
    plan_id = plans.list_plans(db, SYSTEM)[0]["id"]
    plan_lifecycle.archive_plan(db, SYSTEM, plan_id)
    with pytest.raises(PlanArchived, match="已归档，不能导入其修订版"):
        plans.commit_import(db, v2, SYSTEM)


def test_cli_dry_run_prints_the_diff_and_the_import_says_what_it_did(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_USER", raising=False)
    assert main(["--db", db_url, "import", str(_write(tmp_path, "v1.txt", V1))]) == 0
    capsys.readouterr()
    v2 = _write(tmp_path, "v2.txt", V2)
    assert main(["--db", db_url, "import", str(v2), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "修订版：与已导入的“石嘴山市碳达峰实施方案”（编号 1，第 1 版）相比" in out
    assert "+ 新增 [（二）2] 开展碳排放统计核算" in out
    assert "- 撤销 [（二）1] 推动冶金和建材行业节能改造（已有填报 0 份，将归档保留）" in out
    assert "~ 变动 [（一）1] 壮大光伏和风电产业（相似度 92%）" in out
    assert (
        "配合单位：市自然资源局、国网石嘴山供电公司 → 市自然资源局、市生态环境局、国网石嘴山供电公司"
        in out
    )
    assert "序号：（二）2 → （二）1" in out
    assert "（预览，未写入数据库；导入后将就地更新该方案" in out
    assert main(["--db", db_url, "import", str(v2), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["revision_of"] == {"plan_id": 1, "title": "石嘴山市碳达峰实施方案", "revision": 1}
    assert data["diff"]["counts"]["removed"] == 1
    assert main(["--db", db_url, "import", str(v2)]) == 0
    out = capsys.readouterr().out
    assert "已将方案 1 更新为第 2 版：新增 1 项、撤销 1 项、改写 1 项、单位变动 1 项" in out
    assert main(["--db", db_url, "plan", "history", "1"]) == 0
    out = capsys.readouterr().out
    assert "第 1 版  v1.txt" in out and "第 2 版  v2.txt" in out
    assert main(["--db", db_url, "tasks", "--plan", "1", "--all"]) == 0
    assert "（第 2 版撤销，已归档）" in capsys.readouterr().out
