"""The progress commands of the CLI: `tracker.cli.main([...])` with TRACKER_* variables, and two
OS processes saving the same report at once."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.db import Database

from factories import (
    HOUSING,
    MIIT,
    NDRC,
    PASSWORD,
    SamplePlan,
    make_plan,
    make_users,
    use_fast_hashing,
)

ROOT = Path(__file__).resolve().parent.parent
H1 = "2025H1"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def plan(db: Database, monkeypatch: pytest.MonkeyPatch) -> SamplePlan:
    """The sample plan with its users; no one signed in yet."""
    for name in ("TRACKER_USER", "TRACKER_PASSWORD", "TRACKER_NEW_PASSWORD", "TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)
    sample = make_plan(db)
    make_users(db)
    return sample


class Cli:
    """Runs ``tracker --db URL …`` in-process as a given user; returns (exit code, out, err)."""

    def __init__(
        self, url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ):
        self.url = url
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: object, user: str | None = "协调员甲") -> tuple[int, str, str]:
        if user is not None:  # None: the environment is left as the test set it
            self.monkeypatch.setenv("TRACKER_USER", user)
            self.monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
        self.capsys.readouterr()
        code = main(["--db", self.url, *map(str, args)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: object, user: str | None = "协调员甲") -> dict[str, object]:
        code, out, err = self(*args, "--json", user=user)
        assert code == 0, err
        data = json.loads(out)
        assert isinstance(data, dict)
        return data


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(db_url, capsys, monkeypatch)


def test_first_user_add_needs_no_sign_in_and_later_ones_do(
    db: Database, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TRACKER_USER", "TRACKER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    make_plan(db)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no password prompt
    code, _, err = cli("user", "add", "管理员", "--role", "coordinator", user=None)
    assert code == 5
    assert "TRACKER_NEW_PASSWORD" in err

    monkeypatch.setenv("TRACKER_NEW_PASSWORD", PASSWORD)
    code, out, _ = cli("user", "add", "管理员", "--role", "coordinator", user=None)
    assert (code, out.strip()) == (0, "已添加用户“管理员”（协调员），编号 1。")

    code, _, err = cli("user", "add", "张三", "--role", "reporter", "--unit", MIIT, user=None)
    assert code == 5
    assert "请登录" in err and "提示：用 --user 用户名 或环境变量 TRACKER_USER 指明用户" in err

    monkeypatch.setenv("TRACKER_USER", "管理员")
    monkeypatch.setenv("TRACKER_PASSWORD", "wrong-password")
    code, _, err = cli("user", "add", "张三", "--role", "reporter", "--unit", MIIT, user=None)
    assert (code, err.strip()) == (5, "错误：用户名或密码错误。")

    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "reporter-password")
    code, out, _ = cli("user", "add", "张三", "--role", "reporter", "--unit", MIIT, user=None)
    assert code == 0
    assert "填报员，单位：市工信局" in out
    listed = cli.json("user", "list", user="管理员")["users"]
    assert [(u["name"], u["role"], u["unit"]) for u in listed] == [  # type: ignore[union-attr]
        ("管理员", "coordinator", None),
        ("张三", "reporter", MIIT),
    ]
    # Every other command now needs a sign-in too.
    monkeypatch.delenv("TRACKER_USER")
    code, _, err = cli("period", "list", user=None)
    assert code == 5 and "请登录" in err


def test_report_workflow_through_the_cli(plan: SamplePlan, cli: Cli, tmp_path: Path) -> None:
    target = plan.target_ids[plan.task1][0]
    evidence = tmp_path / "装机统计.xlsx"
    evidence.write_bytes(b"PK\x03\x04 statistics")

    code, out, err = cli(
        "report",
        "set",
        "--task",
        plan.task1,
        "--period",
        H1,
        "--status",
        "序时推进",
        "--progress",
        "新增光伏120万千瓦",
        "--results",
        "装机提高",
        "--problems",
        "消纳不足",
        "--next",
        "建设配套电网",
        "--percent",
        "45",
        "--actual",
        f"{target}=320",
        "--evidence",
        evidence,
        user="发改委填报员",
    )
    assert code == 0, err
    assert out.strip() == f"已保存：任务 {plan.task1}，市发改委，2025年上半年（草稿，版本 1）。"

    shown = cli.json("report", "show", "--task", plan.task1, "--period", H1, "--unit", NDRC)
    [entry] = shown["units"]  # type: ignore[misc]
    report = entry["report"]
    assert (report["status"], report["percent"], report["version"]) == ("序时推进", 45.0, 1)
    assert report["actuals"][0]["value"] == 320.0
    assert report["evidence"][0]["name"] == "装机统计.xlsx"

    code, out, _ = cli("report", "show", "--task", plan.task1, "--period", H1)
    assert code == 0
    assert "[牵头] 市发改委" in out and "[配合] 市工信局" in out and "未填报" in out
    assert "工作进展：新增光伏120万千瓦" in out

    code, out, _ = cli(
        "report", "submit", "--task", plan.task1, "--period", H1, user="发改委填报员"
    )
    assert (code, "已报送") == (0, out[:3])
    code, out, _ = cli(
        "report",
        "return",
        "--task",
        plan.task1,
        "--period",
        H1,
        "--unit",
        NDRC,
        "--reason",
        "请注明数据来源",
    )
    assert code == 0 and "已退回（理由：请注明数据来源）" in out
    code, _, _ = cli(
        "report",
        "set",
        "--task",
        plan.task1,
        "--period",
        H1,
        "--results",
        "装机提高（统计局数据）",
        user="发改委填报员",
    )
    assert code == 0
    cli("report", "submit", "--task", plan.task1, "--period", H1, user="发改委填报员")
    code, out, _ = cli("report", "approve", "--task", plan.task1, "--period", H1, "--unit", NDRC)
    assert code == 0 and "已审核通过" in out and "版本 6" in out

    trail = cli.json("audit", "--task", plan.task1)["audit"]
    states = [(r["before"], r["after"]) for r in trail if r["field"] == "state"]  # type: ignore[union-attr, index]
    assert states == [
        ("草稿", "已报送"),
        ("已报送", "已退回"),
        ("已退回", "草稿"),
        ("草稿", "已报送"),
        ("已报送", "已审核"),
    ]
    code, out, _ = cli("audit", "--task", plan.task1)
    assert code == 0
    assert f"协调员甲  审核通过  填报 1（任务 {plan.task1}）：流程状态 已报送 → 已审核" in out


def test_consolidate_and_instruction(plan: SamplePlan, cli: Cli) -> None:
    cli(
        "report",
        "set",
        "--task",
        plan.task1,
        "--period",
        H1,
        "--status",
        "序时推进",
        "--progress",
        "牵头单位进展",
        user="发改委填报员",
    )
    cli(
        "report",
        "set",
        "--task",
        plan.task1,
        "--period",
        H1,
        "--status",
        "序时推进",
        "--progress",
        "配合单位进展",
        user="工信局填报员",
    )
    cli("report", "submit", "--task", plan.task1, "--period", H1, user="工信局填报员")
    code, out, _ = cli(
        "report", "consolidate", "--task", plan.task1, "--period", H1, user="发改委填报员"
    )
    assert code == 0
    assert "已汇总配合单位（市工信局）的填报：任务" in out
    assert "尚未报送的配合单位：市自然资源局" in out
    report = cli.json("report", "show", "--task", plan.task1, "--period", H1, "--unit", NDRC)
    assert report["units"][0]["report"]["progress"] == "牵头单位进展\n【市工信局】配合单位进展"  # type: ignore[index]

    code, out, _ = cli("instruction", "add", "--task", plan.task1, "--text", "请加快进度")
    assert code == 0 and "已对任务" in out
    code, _, err = cli(
        "instruction", "add", "--task", plan.task1, "--text", "x", user="发改委填报员"
    )
    assert code == 5 and "仅协调员" in err
    code, out, _ = cli("report", "show", "--task", plan.task1, "--period", H1, user="工信局填报员")
    assert "批示/督办意见（协调员甲" in out and "请加快进度" in out


def test_periods_through_the_cli(plan: SamplePlan, cli: Cli) -> None:
    code, out, _ = cli("period", "list")
    assert code == 0
    assert "2025H1  2025年上半年  截止 2025-07-10  开放  已报送 0/6" in out
    assert "2025H2  2025年全年    截止 2026-01-10" in out
    code, out, _ = cli(
        "period", "set-due", "--plan", plan.plan_id, "--period", H1, "--date", "2025-07-15"
    )
    assert code == 0 and "截止日期为 2025-07-15" in out
    code, out, _ = cli("period", "lock", "--plan", plan.plan_id, "--period", H1)
    assert code == 0 and "已锁定报告期 2025H1" in out

    code, _, err = cli(
        "report",
        "set",
        "--task",
        plan.task3,
        "--period",
        H1,
        "--status",
        "已完成",
        user="住建局填报员",
    )
    assert code == 6 and "报告期 2025H1（2025年上半年）已锁定" in err

    code, _, err = cli("period", "reopen", "--period", H1, "--reason", "补报", user="住建局填报员")
    assert code == 5
    code, out, _ = cli("period", "reopen", "--period", H1, "--reason", "住建局申请补报")
    assert code == 0 and "理由：住建局申请补报" in out
    code, _, _ = cli(
        "report",
        "set",
        "--task",
        plan.task3,
        "--period",
        H1,
        "--status",
        "已完成",
        user="住建局填报员",
    )
    assert code == 0
    periods = cli.json("period", "list", "--plan", plan.plan_id)["periods"]
    assert periods[0]["due_date"] == "2025-07-15"  # type: ignore[index]
    assert periods[0]["report_counts"] == {"draft": 1}  # type: ignore[index]


def test_remind_and_summary_through_the_cli(plan: SamplePlan, cli: Cli) -> None:
    cli(
        "report",
        "set",
        "--task",
        plan.task3,
        "--period",
        H1,
        "--status",
        "已完成",
        user="住建局填报员",
    )
    cli(
        "report",
        "submit",
        "--task",
        plan.task3,
        "--period",
        H1,
        "--today",
        "2025-07-01",
        user="住建局填报员",
    )
    data = cli.json("remind", "--period", H1, "--today", "2025-07-05")
    assert [t["task_id"] for t in data["tasks"]] == [plan.task1, plan.task2]  # type: ignore[union-attr, index]
    assert {t["light"] for t in data["tasks"]} == {"yellow"}  # type: ignore[union-attr, index]
    code, out, _ = cli("remind", "--period", "2025年上半年", "--today", "2025-07-20")
    assert code == 0
    assert "已逾期 10 天" in out
    assert (
        f"●红 任务 {plan.task1} [1] 大力发展新能源（逾期 10 天，任务状态：未报送）："
        "市发改委（牵头，未填报）" in out
    )
    assert "应报送 6 份，已报送 1 份" in out

    summary = cli.json("summary", "--period", H1)
    assert summary["by_status"]["已完成"] == 1  # type: ignore[index]
    code, out, _ = cli("summary", "--period", H1)
    assert code == 0
    assert "按任务状态：已完成 1，序时推进 0" in out
    assert "已完成率 33.3%" in out
    assert "按牵头单位：" in out and "市住建局（牵头 1 项，逾期 0 项）：已完成 1" in out
    assert "目标完成情况：" in out and "尚无报送的实际值" in out


@pytest.mark.parametrize(
    ("args", "user", "code", "message"),
    [
        (("--task", 9999, "--status", "已完成"), "协调员甲", 3, "没有编号为 9999 的任务"),
        (("--status", "差不多"), "发改委填报员", 4, "状态“差不多”不在可选范围内"),
        (("--status", "已完成", "--percent", "101"), "发改委填报员", 4, "完成百分比 101 超出范围"),
        (
            ("--status", "已完成", "--actual", "TARGET=abc"),
            "发改委填报员",
            4,
            "实际值“abc”不是数字",
        ),
        (
            ("--status", "已完成", "--evidence", "/nonexistent/证明.pdf"),
            "发改委填报员",
            4,
            "佐证材料文件不存在：/nonexistent/证明.pdf",
        ),
        (
            ("--status", "已完成", "--unit", "市不存在局"),
            "协调员甲",
            3,
            "没有名为“市不存在局”的单位",
        ),
        (("--status", "已完成"), "住建局填报员", 5, "无权查看或填报任务"),
        (("--status", "已完成"), "协调员甲", 4, "请指明填报单位"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_code(
    plan: SamplePlan,
    cli: Cli,
    args: tuple[object, ...],
    user: str,
    code: int,
    message: str,
) -> None:
    target = plan.target_ids[plan.task1][0]
    full = ["report", "set", "--period", H1]
    if "--task" not in args:
        full += ["--task", str(plan.task1)]
    full += [str(a).replace("TARGET", str(target)) for a in args]
    before = cli.json("audit", "--limit", 0)["audit"]
    got, out, err = cli(*full, user=user)
    assert (got, out) == (code, "")
    assert err.startswith("错误：") and message in err
    assert cli.json("audit", "--limit", 0)["audit"] == before  # nothing changed


def test_malformed_arguments_are_refused_by_the_parser(plan: SamplePlan, cli: Cli) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("report", "set", "--task", plan.task1, "--period", H1, "--actual", "320")
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        cli("period", "set-due", "--period", H1, "--date", "7月10日")


def test_expect_version_refuses_a_stale_save(plan: SamplePlan, cli: Cli) -> None:
    key = ("--task", plan.task1, "--period", H1)
    cli("report", "set", *key, "--status", "序时推进", user="发改委填报员")
    code, _, _ = cli(
        "report", "set", *key, "--unit", NDRC, "--progress", "协调员修改", "--expect-version", 1
    )
    assert code == 0
    code, out, err = cli(
        "report",
        "set",
        *key,
        "--progress",
        "填报员修改",
        "--expect-version",
        1,
        user="发改委填报员",
    )
    assert (code, out) == (7, "")
    assert "已被“协调员甲”于" in err and "当前版本 2，您读取的是版本 1" in err
    code, _, _ = cli("report", "set", *key, "--progress", "在最新版本上修改", user="发改委填报员")
    assert code == 0


# ---------------------------------------------------------------- two OS processes


def test_two_processes_saving_the_same_report_one_is_refused(
    plan: SamplePlan, db_url: str, cli: Cli
) -> None:
    key = ["--task", str(plan.task1), "--period", H1]
    cli("report", "set", *key, "--status", "序时推进", "--progress", "初稿", user="发改委填报员")
    writers = [("发改委填报员", None), ("协调员甲", NDRC), ("发改委填报员", None)]
    processes = []
    for number, (user, unit) in enumerate(writers):
        env = {
            **os.environ,
            "TRACKER_USER": user,
            "TRACKER_PASSWORD": PASSWORD,
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
        }
        args = [
            sys.executable,
            "-m",
            "tracker.cli",
            "--db",
            db_url,
            "report",
            "set",
            *key,
            "--progress",
            f"第{number}个进程的修改",
            "--expect-version",
            "1",
        ]
        if unit:
            args += ["--unit", unit]
        processes.append(
            subprocess.Popen(
                args,
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
        )
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 7, 7], results
    [(_, winner_out, _)] = [r for r in results if r[0] == 0]
    assert "版本 2" in winner_out
    winner = next(user for (user, _), r in zip(writers, results, strict=True) if r[0] == 0)
    for code, _, err in results:
        if code == 7:
            assert f"已被“{winner}”于" in err and "当前版本 2，您读取的是版本 1" in err
    final = cli.json("report", "show", *key, "--unit", NDRC)
    assert final["units"][0]["report"]["version"] == 2  # type: ignore[index]


def test_reporter_sees_only_its_tasks_in_the_task_list(plan: SamplePlan, cli: Cli) -> None:
    code, out, _ = cli("tasks", "--json", user="住建局填报员")
    assert code == 0
    assert [t["id"] for t in json.loads(out)["tasks"]] == [plan.task3]
    assert HOUSING in out


# ---------------------------------------------------------------- versions


def test_a_save_without_expect_version_says_whose_version_it_changed(
    plan: SamplePlan, cli: Cli
) -> None:
    task = plan.task1
    code, out, err = cli(
        *("report", "set", "--task", task, "--period", H1, "--status", "序时推进"),
        *("--progress", "发改委的进展"),
        user="发改委填报员",
    )
    assert code == 0 and "版本 1" in out and err == ""
    # the coordinator corrects the text without saying which version they read
    code, out, err = cli(
        *("report", "set", "--task", task, "--period", H1, "--unit", NDRC),
        *("--progress", "协调员改过的进展"),
    )
    assert code == 0 and "版本 2" in out
    assert "未给出 --expect-version，本次修改以当前版本 1 为准" in err
    assert "“发改委填报员”" in err
    # the reporter still holds version 1: with it, the save is refused and nothing changes
    code, _, err = cli(
        *("report", "set", "--task", task, "--period", H1, "--progress", "覆盖？"),
        *("--expect-version", 1),
        user="发改委填报员",
    )
    assert code == 7
    assert "已被“协调员甲”" in err and "当前版本 2，您读取的是版本 1" in err
    shown = cli.json("report", "show", "--task", task, "--period", H1, "--unit", NDRC)
    report = shown["units"][0]["report"]  # type: ignore[index]
    assert (report["progress"], report["version"]) == ("协调员改过的进展", 2)
    # with the version just shown, it saves, and says nothing more
    code, _, err = cli(
        *("report", "submit", "--task", task, "--period", H1, "--expect-version", 2),
        user="发改委填报员",
    )
    assert (code, err) == (0, "")
    data = cli.json("report", "approve", "--task", task, "--period", H1, "--unit", NDRC)
    assert data["report"]["based_on"]["version"] == 3  # type: ignore[index]
    assert data["report"]["version_checked"] is False  # type: ignore[index]


@pytest.mark.parametrize("command", ["set", "submit", "approve", "return", "consolidate"])
def test_every_writing_report_command_explains_its_version_check(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["report", command, "--help"])
    text = capsys.readouterr().out
    assert "--expect-version" in text
    assert "同一个事务中读取当前版本" in text
