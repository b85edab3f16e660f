"""试点建设进展情况报告 (.docx): the official layout, the seven sections, the project table,
figures equal to the DRC's overview and to task_state, user text kept as written, the
rights of each account, progress and cancel, and the CLI command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from tracker.cli import main
from tracker.db import Database
from tracker.errors import InvalidInput, PermissionDenied
from tracker.outputs import docx_layout
from tracker.outputs.common import ExportCancelled
from tracker.outputs.pilot_report import export_pilot_report, money
from tracker.services import (
    experience,
    pilot_overview,
    pilot_plans,
    pilot_review,
    projects,
    reports,
    task_state,
)

from factories import PASSWORD, use_fast_hashing
from pilot_world import PARK, PilotWorld, make_pilot_world

TODAY = dt.date(2025, 7, 20)
H1 = "2025H1"
TRICKY = "=SUM(A1)<b>&amp;\x07 不是公式\n第二段：✅ 全角标点，。"
SECTIONS = [
    "一、总体进展",
    "二、重点任务推进情况",
    "三、重大项目建设情况",
    "四、政策机制创新",
    "五、经验做法与典型案例",
    "六、存在的问题",
    "七、下一步工作计划",
]


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)
    for name in ("TRACKER_USER", "TRACKER_PASSWORD", "TRACKER_DB"):
        monkeypatch.delenv(name, raising=False)


def _report_task(world: PilotWorld, task_id: int, unit: Any, status: str, **texts: str) -> None:
    saved = reports.save_report(
        world.db, world.coordinator, task_id, H1, unit, status=status, expect_version=0, **texts
    )
    reports.submit_report(
        world.db, world.coordinator, task_id, H1, unit, expect_version=saved["version"], today=TODAY
    )


def _fill(world: PilotWorld) -> int:
    """The park's half year: three tasks (one reported with tricky text, one not reported,
    one led by two units that disagree), two projects, four experience records and the
    body's texts. Returns the two-lead task's id."""
    first, _second = world.park_tasks
    lead = reports.task_reports(world.db, world.coordinator, first, H1)["units"][0]["unit_id"]
    _report_task(world, first, lead, "序时推进", progress=TRICKY, next_steps="年底前完成二期并网。")
    shared = pilot_plans.add_pilot_task(
        world.db, world.coordinator, world.park, title="共建充电网络", lead="绿谷园区、市发展改革委"
    )
    for unit, status in zip(shared["lead_units"], ("已完成", "进度滞后"), strict=True):
        _report_task(world, shared["id"], unit, status, progress="充电桩建设推进中。")
    body = world.park_body
    projects.add_project(
        world.db, body, world.park,
        fields={"name": "=1+2 储能<电站>", "owner": "绿谷能源", "total_investment": "1000.5"},
        investments={2025: ("600", "250")}, today=TODAY,
    )  # fmt: skip
    built = projects.add_project(
        world.db, body, world.park,
        fields={"name": "屋顶光伏", "owner": "园区管委会", "total_investment": "2000"},
        stage="开工", stage_dates={"开工": "2025-03-01"},
        investments={2024: ("800", "800"), 2025: ("700", "300"), 2026: ("500", None)},
        today=TODAY,
    )["project"]  # fmt: skip
    projects.set_progress_note(
        world.db, body, built["id"], H1, "已完成支架安装。", expect_version=0
    )
    add = experience.add_experience
    add(world.db, body, world.park, title="整园推进", summary="统一规划。", period=H1, chosen=True)
    add(world.db, body, world.park, title="绿电直供", kind="典型案例", chosen=True)
    add(world.db, body, world.park, title="未选入的做法", period=H1)
    add(world.db, body, world.park, title="上期的案例", period="2024H2", chosen=True)
    pilot_review.save_pilot_report(
        world.db, body, world.park, H1, expect_version=0, today=TODAY,
        overall="本期试点建设有序推进。", innovation="建立月调度机制。",
        problems="专业人才不足。", next_steps="加快项目建设。",
    )  # fmt: skip
    return int(shared["id"])


@pytest.fixture
def world(db: Database) -> PilotWorld:
    return make_pilot_world(db)


def _export(world: PilotWorld, tmp_path: Path, actor: Any = None, **options: Any) -> Any:
    path = tmp_path / "试点报告.docx"
    export_pilot_report(
        world.db, actor or world.park_body, world.park, path, period=H1, today=TODAY, **options
    )
    return docx.Document(str(path))


def _texts(document: Any, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _section(document: Any, heading: str) -> list[str]:
    """The body text (style Normal) under a first-level heading, up to the next one."""
    found: list[str] = []
    inside = False
    for paragraph in document.paragraphs:
        if paragraph.style.name == "公文一级标题":
            inside = paragraph.text == heading
        elif inside and paragraph.text and paragraph.style.name in ("Normal", "表格表头"):
            found.append(paragraph.text)
    return found


def test_the_report_has_the_seven_sections_in_the_official_layout(
    world: PilotWorld, tmp_path: Path
) -> None:
    _fill(world)
    document = _export(world, tmp_path)
    assert _texts(document, "公文一级标题") == SECTIONS
    assert "".join(_texts(document, "公文标题")).replace("\n", "") == (
        f"{PARK}2025年上半年碳达峰试点建设进展情况报告"
    )
    section = document.sections[0]
    sizes = (section.page_width, section.top_margin, section.left_margin)
    assert [round(size.mm) for size in sizes] == [210, 37, 28]
    east_asia = {
        name: document.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for name in ("公文标题", "公文一级标题", "公文二级标题", "Normal")
    }
    assert east_asia == {
        "公文标题": "方正小标宋简体",
        "公文一级标题": "黑体",
        "公文二级标题": "楷体",
        "Normal": "仿宋_GB2312",
    }
    plain = [p.text for p in document.paragraphs if p.style.name == "公文顶格"]
    assert "银川市发展改革委：" in plain  # the supervising DRC, named with its city
    # signed by the pilot body; its short name is shorter than the date, so (GB/T 9704) the
    # date stands two characters in from the right and the name starts two after the date
    signed = [p for p in document.paragraphs if p.style.name == "公文落款"]
    assert [p.text for p in signed] == [PARK, "2025年7月20日"]
    pitch = 15.75  # one body character: 28 of them fill the 156 mm line
    assert signed[1].paragraph_format.right_indent.pt == pytest.approx(2 * pitch)
    date_width = 3 + 7 / 2 + docx_layout.DATE_SLACK_CHARS  # 年月日, seven digits, the gaps
    right = signed[0].paragraph_format.right_indent.pt  # stored in twips: 1/20 pt
    assert right == pytest.approx((date_width - len(PARK)) * pitch, abs=0.05)
    assert _section(document, "四、政策机制创新") == ["建立月调度机制。"]


def test_the_figures_equal_the_overview_and_task_state(world: PilotWorld, tmp_path: Path) -> None:
    shared = _fill(world)
    document = _export(world, tmp_path)
    entry = pilot_overview.overview(world.db, world.coordinator, H1, pilot=world.park, today=TODAY)[
        "pilots"
    ][0]
    plan_id = entry["plan_id"]
    states = task_state.task_states(world.db, world.coordinator, H1, plan_id=plan_id)
    assert states[shared] == "进度滞后"  # two leads: the less advanced state
    counted = {s: list(states.values()).count(s) for s in set(states.values())}
    assert {s: n for s, n in entry["tasks"]["by_state"].items() if n} == counted
    overall = " ".join(_section(document, "一、总体进展"))
    assert "试点实施方案共明确重点任务3项" in overall
    assert "序时推进1项、进度滞后1项、未报送1项" in overall
    assert "完成率（已完成任务占比）为0.0%" in overall
    figures = entry["projects"]
    assert (figures["total_investment"], figures["year_planned"]) == (
        Decimal("3000.5"),
        Decimal("1300"),
    )
    assert "重大项目2个，其中谋划1个、开工1个；总投资3000.5万元" in overall
    assert "2025年计划投资1300万元、已完成550万元，累计完成投资1350万元" in overall

    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "建设阶段",
        "序号",
        "项目名称",
        "项目业主",
        "总投资",
        "2025年计划投资",
        "2025年完成投资",
        "累计完成投资",
    ]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0] for r in rows] == ["谋划", "开工", "合计"]
    assert rows[0][2] == "=1+2 储能<电站>"
    assert rows[1][2] == "屋顶光伏（2025-03-01开工）"
    assert rows[1][4:] == ["2000", "700", "300", "1100"]
    total = [money(figures[k]) for k in ("total_investment", "year_planned", "year_completed")]
    assert rows[2][4:] == [*total, money(figures["completed_to_date"])]
    assert "2.屋顶光伏：已完成支架安装。" in _section(document, "三、重大项目建设情况")


def test_sections_carry_the_tasks_experience_and_problems(
    world: PilotWorld, tmp_path: Path
) -> None:
    _fill(world)
    document = _export(world, tmp_path)
    tasks = _section(document, "二、重点任务推进情况")
    # user text kept as written: no formula, markup or control character survives as such
    assert tasks[0] == "1.建设分布式光伏（序时推进）。=SUM(A1)<b>&amp; 不是公式"
    assert tasks[1] == "第二段：✅ 全角标点，。"
    assert tasks[2] == "2.开展节能诊断（未报送）：本期尚未报送进展。"
    assert tasks[3].startswith("3.共建充电网络（进度滞后）。")
    headings = _texts(document, "公文二级标题")
    assert headings == ["（一）绿电直供（典型案例）", "（二）整园推进（经验做法）"]
    assert _section(document, "五、经验做法与典型案例")[0] == "本期选入经验做法1项、典型案例1项。"
    problems = _section(document, "六、存在的问题")
    assert problems[0] == "专业人才不足。"
    assert "1.共建充电网络：进度滞后。" in problems
    assert "以下1项任务本期尚未报送进展：开展节能诊断。" in problems
    steps = _section(document, "七、下一步工作计划")
    assert steps == [
        "加快项目建设。",
        "各项重点任务的下步安排：",
        "1.建设分布式光伏：年底前完成二期并网。",
    ]


def test_a_pilot_without_plan_projects_or_texts_still_reads_well(
    world: PilotWorld, tmp_path: Path
) -> None:
    path = tmp_path / "社区.docx"
    result = export_pilot_report(
        world.db, world.shizuishan, world.community, path, period=H1, today=TODAY
    )
    assert result.counts == {"tasks": 0, "projects": 0, "experience": 0}
    document = docx.Document(str(path))
    assert _texts(document, "公文一级标题") == SECTIONS
    assert _section(document, "二、重点任务推进情况") == [
        "试点实施方案尚未明确重点任务，或本报告期不在方案的报告期之内。"
    ]
    assert _section(document, "四、政策机制创新") == ["本期未填写。"]
    assert document.tables == []


def test_who_may_export_which_pilots_report(world: PilotWorld, tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    for allowed in (world.park_body, world.yinchuan, world.coordinator):
        export_pilot_report(world.db, allowed, world.park, target, period=H1, today=TODAY)
        target.unlink()
    for refused in (world.firm_body, world.shizuishan, world.stranger):
        with pytest.raises(PermissionDenied):
            export_pilot_report(world.db, refused, world.park, target, period=H1, today=TODAY)
        assert not target.exists()


def test_bad_output_and_cancel_leave_no_file(world: PilotWorld, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"应保存为 \.docx 文件"):
        export_pilot_report(world.db, world.coordinator, world.park, tmp_path / "a.xlsx", period=H1)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "out"
    out.mkdir()
    target = out / "b.docx"
    with pytest.raises(ExportCancelled):
        export_pilot_report(
            world.db, world.coordinator, world.park, target, period=H1,
            progress=lambda done, total: seen.append((done, total)),
            cancelled=lambda: len(seen) >= 4,
        )  # fmt: skip
    assert list(out.iterdir()) == []  # neither the report nor a temporary file
    assert seen[0] == (0, 10) and len(seen) == 4


def test_the_cli_exports_the_report(
    world: PilotWorld,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fill(world)
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    target = tmp_path / "报告.docx"
    base = ["--db", db_url, "--user", "园区账户", "export", "pilot-report"]
    code = main([*base, "--pilot", PARK, "--period", "2025年上半年", "-o", str(target)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert (
        out.strip()
        == f"已导出试点建设进展情况报告：{target}（3 项任务、2 个重大项目、2 条经验做法）"
    )
    assert _texts(docx.Document(str(target)), "公文一级标题") == SECTIONS
    refused = ["--db", db_url, "--user", "企业账户", "export", "pilot-report"]
    code = main([*refused, "--pilot", PARK, "--period", H1, "-o", str(tmp_path / "x.docx")])
    out, err = capsys.readouterr()
    assert code == PermissionDenied.exit_code and "无权查看" in err
    assert not (tmp_path / "x.docx").exists()
