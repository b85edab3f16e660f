"""The pilot commands of the CLI: `tracker.cli.main([...])` signed in through TRACKER_*
variables; bad input gives a Chinese message, a non-zero exit, and an unchanged database."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.db import Database
from tracker.models import AuditRecord

from factories import PASSWORD, use_fast_hashing
from pilot_world import PARK, PilotWorld, make_pilot_world

FIXTURE = Path(__file__).parent / "fixtures" / "pilots" / "示例园区碳达峰试点实施方案.txt"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)
    for name in ("TRACKER_USER", "TRACKER_PASSWORD", "TRACKER_NEW_PASSWORD", "TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


class Run:
    """``tracker --db URL …`` in-process as a user; returns (exit code, stdout, stderr)."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch):
        self.url, self.capsys, self.mp = url, capsys, mp

    def __call__(self, *args: object, user: str = "协调员甲") -> tuple[int, str, str]:
        self.mp.setenv("TRACKER_USER", user)
        self.mp.setenv("TRACKER_PASSWORD", PASSWORD)
        self.capsys.readouterr()
        code = main(["--db", self.url, *map(str, args)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: object, user: str = "协调员甲") -> dict[str, object]:
        code, out, err = self(*args, "--json", user=user)
        assert code == 0, err
        data = json.loads(out)
        assert isinstance(data, dict)
        return data


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(db_url, capsys, monkeypatch)


def _audits(db: Database) -> int:
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


def test_pilot_add_list_set_and_quota(world: PilotWorld, run: Run) -> None:
    code, out, err = run("pilot", "add", "--type", "社区", "--name", "新社区", "--region", "银川市")
    assert code == 0 and "已添加社区试点“新社区”" in out and err == ""
    code, out, err = run(
        "pilot", "add", "--type", "社区", "--name", "又一社区", "--region", "银川市"
    )
    assert code == 0 and "提示：社区试点现有 3 个" in err
    before = _audits(world.db)
    code, _out, err = run("pilot", "add", "--type", "工厂", "--name", "某厂", "--region", "银川市")
    assert code == 4 and "试点类型“工厂”无效" in err and _audits(world.db) == before
    listed = run.json("pilot", "list", "--type", "社区")
    assert [p["name"] for p in listed["pilots"]] == ["石嘴山某社区", "新社区", "又一社区"]  # type: ignore[index]
    code, _out, err = run("pilot", "set", PARK, "--status", "已完成", "--expect-version", "1")
    assert code == 7 and "您读取的是版本 1" in err
    code, out, _err = run("pilot", "set", PARK, "--status", "已完成")
    assert code == 0 and "已修改试点“绿谷园区”" in out
    code, out, _err = run("pilot", "quota", "社区", "4")
    assert code == 0 and "社区" in out and "定额 4，现有 3" in out
    code, _out, err = run("pilot", "quota", "社区", "4", user="银川发改委")
    assert code == 5


def test_pilot_accounts_from_the_cli(
    world: PilotWorld, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", PASSWORD)
    code, out, _err = run("user", "add", "吴忠发改委", "--role", "city_drc", "--region", "银川市")
    assert code == 0 and "地区：银川市" in out
    code, _out, err = run("user", "add", "无主账户", "--role", "pilot_body")
    assert code == 4 and "必须绑定一个试点" in err
    code, out, _err = run("user", "list")
    assert "园区账户  试点主体（绿谷园区）" in out
    assert "银川发改委  地级市发展改革委（银川市）" in out
    code, out, _err = run("user", "disable", "园区账户")
    assert code == 0 and "试点：绿谷园区" in out and "已停用" in out
    code, out, _err = run("user", "list")
    assert "园区账户  试点主体（绿谷园区）  已停用" in out
    code, _out, err = run("pilot", "list", user="园区账户")
    assert code != 0 and "已停用" in err
    audits = _audits(world.db)
    code, _out, err = run("user", "set", "路人", "--role", "pilot_body")
    assert code == 4 and "须指明试点。" in err and "提示：用 --pilot 编号或名称 指明。" in err
    assert _audits(world.db) == audits
    listed = run.json("pilot", "list", user="吴忠发改委")
    assert len(listed["pilots"]) == 2  # type: ignore[arg-type]
    code, out, _err = run("user", "set", "吴忠发改委", "--region", "石嘴山市")
    assert code == 0 and "地区：石嘴山市" in out
    listed = run.json("pilot", "list", user="吴忠发改委")
    assert [p["name"] for p in listed["pilots"]] == ["石嘴山某社区"]  # type: ignore[attr-defined]


def test_projects_from_the_cli(world: PilotWorld, run: Run, tmp_path: Path) -> None:
    before = _audits(world.db)
    code, _out, err = run("project", "add", "--pilot", PARK, "--name", "光伏", "--total", "-1")
    assert code == 4 and "“总投资”不能为负数" in err and _audits(world.db) == before
    added = run.json(
        "project", "add", "--pilot", PARK, "--name", "光伏", "--total", "800",
        "--year", "2025=900/100", "--task", world.park_tasks[0], user="园区账户",
    )  # fmt: skip
    project = added["project"]
    assert added["warnings"] and project["code"] == "1"  # type: ignore[index]
    pid = str(project["id"])  # type: ignore[index]
    code, _out, err = run("project", "stage", pid, "投产", "--date", "2025-05-01")
    assert code == 4 and "跳过了开工" in err
    code, out, _err = run(
        "project", "stage", pid, "投产", "--date", "2025-05-01", "--stage-date", "开工=2025-01-10"
    )
    assert code == 0 and "投产（开工 2025-01-10，投产 2025-05-01）" in out
    code, _out, err = run("project", "stage", pid, "开工")
    assert code == 4 and "须说明理由" in err
    code, out, _err = run("project", "stage", pid, "开工", "--reason", "设备返修")
    assert code == 0 and "投产 → 开工（协调员甲，理由：设备返修）" in out
    code, out, _err = run("project", "note", pid, "--period", "2025H1", "--text", "返修中")
    assert code == 0 and "2025H1 进展：返修中" in out
    code, out, _err = run("project", "list", "--pilot", PARK, user="银川发改委")
    assert "共 1 个项目" in out
    code, _out, err = run("project", "set", pid, "--owner", "某公司", user="银川发改委")
    assert code == 5


def test_project_list_out_and_back(world: PilotWorld, run: Run, tmp_path: Path) -> None:
    run("project", "add", "--pilot", PARK, "--name", "光伏", "--total", "800")
    sheet = tmp_path / "项目.xlsx"
    code, out, _err = run("project", "export", "--pilot", PARK, "-o", sheet, user="园区账户")
    assert code == 0 and "已导出 1 个项目" in out
    code, out, _err = run("project", "import", sheet, user="园区账户")
    assert code == 0 and "无变化 1" in out
    book = openpyxl.load_workbook(sheet)
    book["重大项目"]["C4"] = "别的试点"
    book.save(sheet)
    code, _out, err = run("project", "import", sheet, user="园区账户")
    assert code == 4
    assert "第 4 行 C 列（试点）：是锁定列，不能修改（导出时为“绿谷园区”，现为“别的试点”）" in err


def test_experience_from_the_cli(world: PilotWorld, run: Run) -> None:
    added = run.json(
        "experience", "add", "--pilot", PARK, "--title", "整园推进", "--tag", "光伏",
        "--period", "2025H1", user="园区账户",
    )  # fmt: skip
    rid = str(added["experience"]["id"])  # type: ignore[index]
    code, out, _err = run("experience", "choose", rid, user="园区账户")
    assert code == 0 and "入报告：是" in out
    code, _out, err = run("experience", "promote", rid, user="园区账户")
    assert code == 5 and "无权推广经验做法" in err
    code, out, _err = run("experience", "promote", rid)
    assert code == 0 and "推广：是" in out
    code, out, _err = run("experience", "list", "--promoted", user="银川发改委")
    assert "整园推进（光伏）【入报告】【推广】" in out


def test_the_review_and_evaluation_from_the_cli(
    world: PilotWorld, run: Run, tmp_path: Path
) -> None:
    code, _out, err = run("pilot", "submit", PARK, "--period", "2025H1", user="园区账户")
    assert code == 3 and "还没有填写" in err
    code, out, _err = run(
        "pilot", "report", PARK, "--period", "2025H1", "--overall", "进展顺利", user="园区账户"
    )
    assert code == 0 and "草稿" in out and "总体进展：进展顺利" in out
    assert run("pilot", "submit", PARK, "--period", "2025H1", user="园区账户")[0] == 0
    code, _out, err = run("pilot", "approve", PARK, "--period", "2025H1", user="石嘴山发改委")
    assert code == 5
    code, out, _err = run("pilot", "approve", PARK, "--period", "2025H1", user="银川发改委")
    assert code == 0 and "市级已审核，待自治区审核" in out
    code, out, _err = run("pilot", "approve", PARK, "--period", "2025H1")
    assert code == 0 and "自治区已审核" in out
    code, out, _err = run("pilot", "return", PARK, "--period", "2025H1", "--reason", "补充数据")
    assert code == 0 and "已退回" in out
    code, _out, err = run("pilot", "evaluate", PARK, "--period", "2025H1", "--verdict", "进度滞后")
    assert code == 4 and "须给出整改期限" in err
    code, out, _err = run(
        "pilot", "evaluate", PARK, "--period", "2025H1", "--verdict", "进度滞后",
        "--deadline", "2099-12-31",
    )  # fmt: skip
    assert code == 0 and "限 2099-12-31 前整改" in out
    code, out, _err = run("remind", "--period", "2025H1", user="银川发改委")
    assert "试点（2025H1）" in out and "绿谷园区：2025H1 评估进度滞后，限 2099-12-31 前整改" in out
    code, out, _err = run("pilot", "rectify", PARK, "--period", "2025H1", "--note", "已整改")
    assert code == 0 and "已确认整改完成" in out
    target = tmp_path / "总览.xlsx"
    code, out, _err = run("export", "pilot-overview", "--period", "2025H1", "-o", target)
    assert code == 0 and target.exists() and "已导出 3 个试点的总览（2025H1）" in out
    code, _out, err = run("export", "pilot-overview", "-o", target, user="路人")
    assert code == 5


def test_import_a_pilot_plan_from_the_cli(world: PilotWorld, run: Run) -> None:
    code, out, _err = run(
        "pilot", "import-plan", "银川某化工公司", FIXTURE, "--dry-run", user="企业账户"
    )
    assert code == 0 and "7 项任务（预览，未导入）" in out and "均由试点主体牵头" in out
    code, out, _err = run("pilot", "import-plan", "银川某化工公司", FIXTURE, user="企业账户")
    assert code == 0 and "新建" in out
    code, out, _err = run("tasks", user="企业账户")
    assert "建设分布式光伏" in out
    code, out, _err = run(
        "pilot", "add-task", "石嘴山某社区", "--title", "垃圾分类", "--coop", "市城市管理局"
    )
    assert code == 0 and "牵头：石嘴山某社区" in out
