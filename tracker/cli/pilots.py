"""Pilot commands (试点): ``pilot``, ``project``, ``experience``, ``export pilot-overview`` and
``export pilot-report``.

Registered into ``tracker`` by :func:`register`. Every command signs in, calls one service
and prints plain Chinese text, or one JSON object with ``--json``. Warnings (a quota
exceeded, planned investment above the total) go to stderr and do not change the exit code.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker.cli.common import (
    add_common,
    done,
    export_progress,
    pad,
    parse_date,
    print_json,
    resolve_actor,
)
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.services import (
    experience,
    pilot_plans,
    pilot_review,
    pilots,
    plans,
    projects,
)
from tracker.services.inputs import amount_text

# ---------------------------------------------------------------- helpers


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"提示：{warning}", file=sys.stderr)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"“{text}”格式不对：应为 名称=值，如 开工=2025-03-01")
    return key.strip(), value.strip()


def _year_investment(text: str) -> tuple[int, tuple[str, str]]:
    """``2025=600/250.5`` (planned/completed), ``2025=600``, ``2025=/250``, ``2025=``."""
    year, value = _pair(text)
    if not year.isdigit():
        raise argparse.ArgumentTypeError(f"“{text}”中的年份“{year}”不是数字")
    planned, _, completed = value.partition("/")
    return int(year), (planned.strip(), completed.strip())


def _money(value: Decimal | None) -> str:
    return amount_text(value) or "—"


def _expect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="您读取时的版本号；如他人已修改（版本不同）则拒绝保存",
    )


def _pilot_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pilot", metavar="PILOT", help="试点：编号或试点主体名称")


def _period(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument("--period", required=required, metavar="P", help="报告期，如 2025H1")


# ---------------------------------------------------------------- pilot


def _print_pilot(p: dict[str, Any]) -> None:
    plan = f"《{p['plan_title']}》" if p["plan_title"] else "尚无实施方案"
    counts = (
        f"；任务 {p['task_count']} 项，项目 {p['project_count']} 个，经验 {p['experience_count']} 条"
        if "task_count" in p
        else ""
    )
    print(
        f"{p['id']:>4}  {pad(p['type_label'], 9)}{p['name']}（{p['region']}，主管：{p['supervisor']}，"
        f"{p['status_label']}，版本 {p['version']}）{plan}{counts}"
    )


def _cmd_pilot_add(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    result = pilots.add_pilot(
        db,
        actor,
        pilot_type=args.type,
        name=args.name,
        region=args.region,
        province=args.province,
        supervisor=args.supervisor,
        approved_on=args.approved,
        status=args.status,
    )
    _warn(result["warnings"])
    p = result["pilot"]
    return done(args, f"已添加{p['type_label']}试点“{p['name']}”，编号 {p['id']}。", result)


def _cmd_pilot_list(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    rows = pilots.list_pilots(db, actor, pilot_type=args.type, status=args.status)
    states: dict[int, dict[str, Any]] = {}
    if args.period:
        states = {r["pilot_id"]: r for r in pilot_review.list_pilot_reports(db, actor, args.period)}
    if args.json:
        for row in rows:
            if row["id"] in states:
                row["report"] = states[row["id"]]
        print_json({"pilots": rows, "quotas": pilots.quota_status(db, actor)})
        return 0
    for row in rows:
        _print_pilot(row)
        if row["id"] in states:
            report = states[row["id"]]
            late = "，逾期" if report["overdue"] or report["late"] else ""
            print(f"      {report['period']} 报告：{report['state_label']}{late}")
    print(f"共 {len(rows)} 个试点。")
    return 0


def _cmd_pilot_show(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    data = pilots.get_pilot(db, actor, args.pilot)
    data["projects"] = projects.list_projects(db, actor, pilot=args.pilot)
    data["experience"] = experience.list_experience(db, actor, pilot=args.pilot)
    data["evaluations"] = pilot_review.list_evaluations(db, actor, pilot=args.pilot)
    if args.json:
        print_json({"pilot": data})
        return 0
    _print_pilot(data)
    for project in data["projects"]:
        print(
            f"  项目 {project['id']} [{project['code']}] {project['name']}："
            f"{project['stage_label']}，总投资 {_money(project['total_investment'])} 万元"
        )
    for record in data["experience"]:
        marks = "".join(
            m
            for m, on in (("【入报告】", record["chosen"]), ("【推广】", record["promoted"]))
            if on
        )
        print(f"  {record['kind_label']} {record['id']}：{record['title']}{marks}")
    for evaluation in data["evaluations"]:
        print(
            f"  评估 {evaluation['period']}：{evaluation['verdict_label']} {evaluation['action']}"
        )
    return 0


def _cmd_pilot_set(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    result = pilots.update_pilot(
        db,
        actor,
        args.pilot,
        expect_version=args.expect_version,
        pilot_type=args.type,
        name=args.name,
        supervisor=args.supervisor,
        approved_on=args.approved,
        status=args.status,
    )
    _warn(result["warnings"])
    p = result["pilot"]
    return done(args, f"已修改试点“{p['name']}”（版本 {p['version']}）。", result)


def _cmd_pilot_quota(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    if args.type is not None:
        if args.quota is None:
            raise InvalidInput("请同时给出定额，如 tracker pilot quota 园区 4。")
        pilots.set_quota(db, actor, args.type, args.quota)
    rows = pilots.quota_status(db, actor)
    if args.json:
        print_json({"quotas": rows})
        return 0
    for row in rows:
        over = "（超出定额）" if row["over"] else ""
        print(f"  {pad(row['type_label'], 10)}定额 {row['quota']}，现有 {row['count']}{over}")
    return 0


def _cmd_pilot_import_plan(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    preview = pilot_plans.prepare_pilot_plan(db, actor, args.pilot, args.file)
    parsed = preview.parsed
    if args.dry_run:
        if args.json:
            print_json(parsed.to_json())
            return 0
        print(f"《{parsed.title}》：{len(parsed.tasks)} 项任务（预览，未导入）")
        for task in parsed.tasks:
            print(f"  [{task.code}] {task.title}（牵头：{'、'.join(task.lead_units)}）")
        for warning in parsed.warnings:
            print(f"  提示（{warning.where}）：{warning.message}")
        return 0
    result = pilot_plans.commit_pilot_plan(
        db, actor, args.pilot, parsed, expect=plans.Expectation.of(preview.base)
    )
    if result.created:
        what = "新建"
    elif result.revised:
        what = f"修订为第 {result.revision} 版"
    else:
        what = "已导入过，未重复导入"
    return done(
        args,
        f"试点实施方案《{parsed.title}》：{what}（方案编号 {result.plan_id}，{len(parsed.tasks)} 项任务）。",
        {"plan_id": result.plan_id, "created": result.created, "revised": result.revised},
    )


def _cmd_pilot_add_task(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    task = pilot_plans.add_pilot_task(
        db,
        actor,
        args.pilot,
        title=args.title,
        content=args.content or "",
        area=args.area,
        lead=args.lead or "",
        cooperating=args.coop or "",
        deadline=args.deadline,
    )
    leads = "、".join(task["lead_units"])
    return done(
        args,
        f"已添加任务 {task['id']} [{task['code']}] {task['title']}（牵头：{leads}）。",
        {"task": task},
    )


def _print_report(report: dict[str, Any]) -> None:
    late = "（逾期报送）" if report["late"] else ("（已逾期）" if report["overdue"] else "")
    print(
        f"{report['pilot']} {report['period']} 试点建设进展报告：{report['state_label']}{late}；"
        f"截止 {report['due_date']}；版本 {report['version']}"
    )
    if report["return_reason"]:
        print(
            f"  退回（{report['return_level_label']}，{report['returned_by']}）：{report['return_reason']}"
        )
    for section in report["sections"].values():
        if section["text"]:
            print(f"  {section['label']}：{section['text']}")
    for step, who, when in (
        ("报送", report["submitted_by"], report["submitted_at"]),
        ("市级审核", report["city_approved_by"], report["city_approved_at"]),
        ("自治区审核", report["accepted_by"], report["accepted_at"]),
    ):
        if who:
            print(f"  {step}：{who} {when}")


def _cmd_pilot_report(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    texts = {"overall": args.overall, "innovation": args.innovation, "problems": args.problems}
    texts["next_steps"] = args.next
    if any(v is not None for v in texts.values()):
        report = pilot_review.save_pilot_report(
            db, actor, args.pilot, args.period, expect_version=args.expect_version, **texts
        )
    else:
        report = pilot_review.get_pilot_report(db, actor, args.pilot, args.period)
    if args.json:
        print_json({"report": report})
        return 0
    _print_report(report)
    return 0


def _cmd_pilot_review(db: Database, args: argparse.Namespace) -> int:
    """submit | approve | accept | return."""
    actor = resolve_actor(db, args)
    key = (db, actor, args.pilot, args.period)
    command = args.pilot_command
    if command == "submit":
        report = pilot_review.submit_pilot_report(*key, expect_version=args.expect_version)
    elif command == "return":
        report = pilot_review.return_pilot_report(
            *key, reason=args.reason, expect_version=args.expect_version
        )
    elif command == "accept" or (command == "approve" and _waits_for_region(*key)):
        report = pilot_review.accept_pilot_report(*key, expect_version=args.expect_version)
    else:
        report = pilot_review.approve_pilot_report(*key, expect_version=args.expect_version)
    return done(
        args,
        f"{report['pilot']} {report['period']} 报告：{report['state_label']}。",
        {"report": report},
    )


def _waits_for_region(db: Database, actor: Any, pilot: str, period: str) -> bool:
    """A coordinator's ``approve`` of a report the city has approved is the region's."""
    if not actor.is_coordinator:
        return False
    state = pilot_review.get_pilot_report(db, actor, pilot, period)["state"]
    return bool(state == pilot_review.STATE_CITY_APPROVED)


def _cmd_pilot_evaluate(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    result = pilot_review.evaluate_pilot(
        db,
        actor,
        args.pilot,
        args.period,
        args.verdict,
        comment=args.comment or "",
        deadline=args.deadline,
        expect_version=args.expect_version,
    )
    until = f"，限 {result['deadline']} 前整改" if result["deadline"] else ""
    action = f"（{result['action']}）" if result["action"] else ""
    return done(args, f"已评估：{result['verdict_label']}{action}{until}。", {"evaluation": result})


def _cmd_pilot_rectify(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    result = pilot_review.mark_rectified(
        db,
        actor,
        args.pilot,
        args.period,
        note=args.note or "",
        on=args.date,
        expect_version=args.expect_version,
    )
    return done(args, f"已确认整改完成（{result['rectified_on']}）。", {"evaluation": result})


_PILOT_HANDLERS = {
    "add": _cmd_pilot_add,
    "list": _cmd_pilot_list,
    "show": _cmd_pilot_show,
    "set": _cmd_pilot_set,
    "quota": _cmd_pilot_quota,
    "import-plan": _cmd_pilot_import_plan,
    "add-task": _cmd_pilot_add_task,
    "report": _cmd_pilot_report,
    "submit": _cmd_pilot_review,
    "approve": _cmd_pilot_review,
    "accept": _cmd_pilot_review,
    "return": _cmd_pilot_review,
    "evaluate": _cmd_pilot_evaluate,
    "rectify": _cmd_pilot_rectify,
}


def _cmd_pilot(db: Database, args: argparse.Namespace) -> int:
    return _PILOT_HANDLERS[args.pilot_command](db, args)


# ---------------------------------------------------------------- project


def _project_fields(args: argparse.Namespace) -> dict[str, object]:
    names = {
        "name": "name",
        "owner": "owner",
        "location": "location",
        "total": "total_investment",
        "reduction": "expected_reduction",
        "planned_start": "planned_start",
        "planned_finish": "planned_finish",
    }
    return {
        field: getattr(args, arg) for arg, field in names.items() if getattr(args, arg) is not None
    }


def _print_project(project: dict[str, Any]) -> None:
    dates = "，".join(f"{k} {v}" for k, v in project["stage_dates"].items() if v)
    print(
        f"项目 {project['id']} [{project['code']}] {project['name']}（{project['pilot']}）：{project['stage_label']}"
        f"{'（' + dates + '）' if dates else ''}；总投资 {_money(project['total_investment'])} 万元，"
        f"预计减碳 {_money(project['expected_reduction'])} 万吨CO₂；版本 {project['version']}"
    )
    for investment in project["investments"]:
        print(
            f"  {investment['year']} 年：计划 {_money(investment['planned'])}，完成 {_money(investment['completed'])} 万元"
        )
    for task in project.get("tasks", []):
        print(f"  关联任务 {task['id']} [{task['code']}] {task['title']}")
    for note in project.get("notes", []):
        print(f"  {note['period']} 进展：{note['note']}")
    for step in project.get("history", []):
        reason = f"，理由：{step['reason']}" if step["reason"] else ""
        print(
            f"  {step['on']} {step['from'] or '列入'} → {step['to']}（{step['recorded_by']}{reason}）"
        )


def _cmd_project(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    command = args.project_command
    if command == "list":
        rows = projects.list_projects(
            db, actor, pilot=args.pilot, stage=args.stage, period=args.period
        )
        if args.json:
            print_json({"projects": rows})
            return 0
        for row in rows:
            _print_project(row)
        print(f"共 {len(rows)} 个项目。")
        return 0
    if command == "show":
        project = projects.get_project(db, actor, args.project)
        if args.json:
            print_json({"project": project})
        else:
            _print_project(project)
        return 0
    if command == "export":
        result = projects_io().export_projects(
            db, actor, args.pilot, args.output, period=args.period
        )
        return done(args, f"已导出 {result['projects']} 个项目到 {result['path']}。", result)
    if command == "import":
        result = projects_io().import_projects(db, actor, args.file)
        counts = "，".join(f"{k} {v}" for k, v in result["counts"].items()) or "没有项目"
        return done(
            args, f"已导入“{Path(args.file).name}”（{result['pilot']}）：{counts}。", result
        )
    return _cmd_project_write(db, actor, args)


def projects_io() -> Any:
    """The .xlsx module, imported when used (openpyxl is not needed to start)."""
    from tracker.outputs import projects as io

    return io


def _cmd_project_write(db: Database, actor: Any, args: argparse.Namespace) -> int:
    command = args.project_command
    if command == "add":
        result = projects.add_project(
            db,
            actor,
            args.pilot,
            fields=_project_fields(args),
            stage=args.stage,
            stage_dates=dict(args.stage_date or []),
            investments=dict(args.year or []),
            tasks=args.task or [],
        )
    elif command == "set":
        result = projects.update_project(
            db,
            actor,
            args.project,
            expect_version=args.expect_version,
            fields=_project_fields(args),
            stage_dates=dict(args.stage_date or []),
            investments=dict(args.year or []),
            add_tasks=args.add_task or [],
            remove_tasks=args.remove_task or [],
        )
    elif command == "stage":
        project = projects.change_stage(
            db,
            actor,
            args.project,
            args.stage,
            on=args.date,
            reason=args.reason,
            passed=dict(args.stage_date or []),
            expect_version=args.expect_version,
        )
        result = {"project": project, "warnings": []}
    else:  # note
        project = projects.set_progress_note(
            db, actor, args.project, args.period, args.text, expect_version=args.expect_version
        )
        result = {"project": project, "warnings": []}
    _warn(result["warnings"])
    if args.json:
        print_json(result)
    else:
        _print_project(result["project"])
    return 0


# ---------------------------------------------------------------- experience


def _cmd_experience_list(db: Database, actor: Any, args: argparse.Namespace) -> int:
    rows = experience.list_experience(
        db,
        actor,
        pilot=args.pilot,
        period=args.period,
        chosen=True if args.chosen else None,
        promoted=True if args.promoted else None,
        tag=args.tag,
    )
    if args.json:
        print_json({"experience": rows})
        return 0
    for row in rows:
        marks = "".join(
            m for m, on in (("【入报告】", row["chosen"]), ("【推广】", row["promoted"])) if on
        )
        tags = f"（{'、'.join(row['tags'])}）" if row["tags"] else ""
        print(f"{row['id']:>4}  {row['pilot']} · {row['kind_label']}：{row['title']}{tags}{marks}")
        if row["summary"]:
            print(f"      {row['summary']}")
    print(f"共 {len(rows)} 条。")
    return 0


def _cmd_experience(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    command = args.experience_command
    if command == "list":
        return _cmd_experience_list(db, actor, args)
    if command == "add":
        record = experience.add_experience(
            db,
            actor,
            args.pilot,
            title=args.title,
            summary=args.summary or "",
            body=_body(args),
            period=args.period,
            tags=args.tag,
            kind=args.kind,
            chosen=args.chosen,
        )
        return done(
            args,
            f"已添加{record['kind_label']} {record['id']}：{record['title']}。",
            {"experience": record},
        )
    if command == "promote":
        record = experience.promote_experience(
            db, actor, args.id, promoted=not args.off, expect_version=args.expect_version
        )
    elif command == "choose":
        record = experience.update_experience(
            db, actor, args.id, chosen=not args.off, expect_version=args.expect_version
        )
    else:  # set
        record = experience.update_experience(
            db,
            actor,
            args.id,
            expect_version=args.expect_version,
            title=args.title,
            summary=args.summary,
            body=_body(args) if (args.text is not None or args.text_file) else None,
            period=args.period,
            tags=args.tag,
            kind=args.kind,
        )
    marks = f"入报告：{'是' if record['chosen'] else '否'}，推广：{'是' if record['promoted'] else '否'}"
    return done(
        args,
        f"{record['kind_label']} {record['id']}（{record['title']}）：{marks}。",
        {"experience": record},
    )


def _body(args: argparse.Namespace) -> str:
    if args.text_file:
        try:
            return Path(args.text_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"无法读取正文文件“{args.text_file}”：{exc}") from None
    return str(args.text or "")


# ---------------------------------------------------------------- export pilot-overview


def _cmd_export_overview(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    from tracker.outputs.pilots_overview import export_overview

    result = export_overview(db, actor, args.output, period=args.period)
    return done(
        args,
        f"已导出 {result['pilots']} 个试点的总览（{result['period']}）到 {result['path']}。",
        result,
    )


def _cmd_export_pilot_report(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    from tracker.outputs.pilot_report import export_pilot_report

    result = export_pilot_report(
        db,
        actor,
        args.pilot,
        args.output,
        period=args.period,
        to=args.to,
        today=args.date,
        progress=export_progress(args),
    )
    counts = result.counts
    return done(
        args,
        f"已导出试点建设进展情况报告：{result.path}（{counts['tasks']} 项任务、"
        f"{counts['projects']} 个重大项目、{counts['experience']} 条经验做法）",
        {"path": str(result.path), **counts},
    )


# ---------------------------------------------------------------- 催办


def print_pilot_reminders(data: dict[str, Any]) -> None:
    """Print the pilot part of ``tracker remind`` (see
    :func:`tracker.services.pilot_review.pilot_reminders`)."""
    marks = {"red": "●红", "yellow": "●黄", "green": "●绿"}
    if not (data["reports"] or data["reviews"] or data["rectifications"]):
        return
    print(f"试点（{data['period']}）：")
    for report in data["reports"]:
        days = report["days_left"]
        when = f"剩 {days} 天" if days >= 0 else f"已逾期 {-days} 天"
        print(
            f"  {marks[report['light']]} {report['pilot']}：半年报告{report['state_label']}（截止 {report['due_date']}，{when}）"
        )
    for report in data["reviews"]:
        print(f"  待审核：{report['pilot']}（{report['state_label']}）")
    for order in data["rectifications"]:
        days = order["days_left"]
        when = f"剩 {days} 天" if days >= 0 else f"已逾期 {-days} 天"
        print(
            f"  {marks[order['light']]} {order['pilot']}：{order['period']} 评估进度滞后，"
            f"限 {order['deadline']} 前整改（{when}）"
        )


# ---------------------------------------------------------------- registration


def _register_pilot(sub: Any) -> None:
    p = sub.add_parser(
        "pilot", help="碳达峰试点：添加、查看、修改、实施方案、半年报告及其审核、评估"
    )
    psub = p.add_subparsers(dest="pilot_command", required=True, metavar="ACTION")
    q = psub.add_parser("add", help="添加试点（协调员）")
    q.add_argument("--type", required=True, help="试点类型：城市、园区、乡村、社区、公共机构、企业")
    q.add_argument("--name", required=True, help="试点主体名称")
    q.add_argument("--region", required=True, help="所在地区，如 银川市、宁东能源化工基地")
    q.add_argument("--province", help="新地区所属的省份")
    q.add_argument("--supervisor", help="主管的发展改革部门（默认：所在市的市发展改革委）")
    q.add_argument("--approved", metavar="DATE", help="批复日期 YYYY-MM-DD")
    q.add_argument("--status", help="建设状态：建设中（默认）、已完成、已撤销")
    add_common(q)
    q = psub.add_parser("list", help="列出试点")
    q.add_argument("--type", help="只列该类型")
    q.add_argument("--status", help="只列该状态")
    _period(q, required=False)
    add_common(q)
    q = psub.add_parser("show", help="一个试点：基本情况、项目、经验做法、评估")
    _pilot_arg(q)
    add_common(q)
    q = psub.add_parser("set", help="修改试点（协调员）")
    _pilot_arg(q)
    q.add_argument("--type")
    q.add_argument("--name")
    q.add_argument("--supervisor")
    q.add_argument("--approved", metavar="DATE", help="批复日期；空字符串清除")
    q.add_argument("--status")
    _expect(q)
    add_common(q)
    q = psub.add_parser("quota", help="各类试点的定额与现有数；给出 TYPE N 则修改定额（协调员）")
    q.add_argument("type", nargs="?", metavar="TYPE")
    q.add_argument("quota", nargs="?", metavar="N")
    add_common(q)
    q = psub.add_parser(
        "import-plan", help="导入试点实施方案（未写明责任单位的任务由试点主体牵头）"
    )
    _pilot_arg(q)
    q.add_argument("file", metavar="FILE")
    q.add_argument("--dry-run", action="store_true", help="只预览，不导入")
    add_common(q)
    q = psub.add_parser("add-task", help="在试点实施方案中逐项添加任务")
    _pilot_arg(q)
    q.add_argument("--title", required=True, help="任务名称")
    q.add_argument("--content", help="任务内容")
    q.add_argument("--area", help="任务类别（默认：重点任务）")
    q.add_argument("--lead", help="牵头单位（默认：试点主体）")
    q.add_argument("--coop", help="配合单位，多个用顿号分隔")
    q.add_argument("--deadline", help="完成时限")
    add_common(q)
    _register_review(psub)
    p.set_defaults(handler=_cmd_pilot)


def _register_review(psub: Any) -> None:
    q = psub.add_parser(
        "report",
        help="查看或填写试点半年报告（总体进展、政策机制创新、存在的问题、下一步工作计划）",
    )
    _pilot_arg(q)
    _period(q)
    q.add_argument("--overall", help="总体进展")
    q.add_argument("--innovation", help="政策机制创新")
    q.add_argument("--problems", help="存在的问题")
    q.add_argument("--next", help="下一步工作计划")
    _expect(q)
    add_common(q)
    for name, help_text in (
        ("submit", "报送半年报告（试点主体）"),
        (
            "approve",
            "审核通过：地级市发展改革委审核后报自治区；协调员对市级已审核的报告即为自治区审核",
        ),
        ("accept", "自治区审核通过（协调员）"),
        ("return", "退回半年报告（须说明理由）"),
    ):
        q = psub.add_parser(name, help=help_text)
        _pilot_arg(q)
        _period(q)
        if name == "return":
            q.add_argument("--reason", required=True, help="退回理由")
        _expect(q)
        add_common(q)
    q = psub.add_parser(
        "evaluate", help="评估试点（协调员）：成效突出、正常、进度滞后（须给整改期限）"
    )
    _pilot_arg(q)
    q.add_argument(
        "--period", required=True, metavar="P", help="报告期，如 2025H1；FINAL 为建成后的成效评价"
    )
    q.add_argument("--verdict", required=True, help="成效突出、正常、进度滞后")
    q.add_argument("--deadline", metavar="DATE", help="整改期限（进度滞后时必填）")
    q.add_argument("--comment", help="评估意见")
    _expect(q)
    add_common(q)
    q = psub.add_parser("rectify", help="确认限期整改已完成（协调员）")
    _pilot_arg(q)
    q.add_argument("--period", required=True, metavar="P")
    q.add_argument("--note", help="整改情况")
    q.add_argument("--date", metavar="DATE", help="整改完成日期（默认今天）")
    _expect(q)
    add_common(q)


def _project_options(q: argparse.ArgumentParser, *, adding: bool) -> None:
    q.add_argument("--name", required=adding, help="项目名称")
    q.add_argument("--owner", help="项目业主")
    q.add_argument("--location", help="建设地点")
    q.add_argument("--total", metavar="万元", help="总投资（万元）")
    q.add_argument("--reduction", metavar="万吨", help="预计减碳量（万吨CO₂）")
    q.add_argument("--planned-start", metavar="DATE", help="计划开工日期")
    q.add_argument("--planned-finish", metavar="DATE", help="计划建成日期")
    q.add_argument(
        "--year",
        action="append",
        type=_year_investment,
        metavar="YYYY=计划/完成",
        help="年度投资（万元），如 2025=600/250.5；可重复",
    )
    q.add_argument(
        "--stage-date",
        action="append",
        type=_pair,
        metavar="阶段=DATE",
        help="阶段日期，如 开工=2025-03-01；可重复" + ("" if adding else "（修正已到阶段的日期）"),
    )


def _register_project(sub: Any) -> None:
    p = sub.add_parser("project", help="重大项目：添加、修改、变更阶段、进展、列出、导入导出 .xlsx")
    psub = p.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    q = psub.add_parser("add", help="添加项目（试点主体或协调员）")
    q.add_argument("--pilot", required=True, help="试点：编号或名称")
    _project_options(q, adding=True)
    q.add_argument(
        "--stage", help="项目阶段（默认谋划）；之后的阶段须用 --stage-date 给出各阶段日期"
    )
    q.add_argument("--task", type=int, action="append", metavar="ID", help="关联任务编号；可重复")
    add_common(q)
    q = psub.add_parser("set", help="修改项目")
    q.add_argument("project", type=int, metavar="ID")
    _project_options(q, adding=False)
    q.add_argument("--add-task", type=int, action="append", metavar="ID")
    q.add_argument("--remove-task", type=int, action="append", metavar="ID")
    _expect(q)
    add_common(q)
    q = psub.add_parser(
        "stage",
        help="变更项目阶段：谋划 → 开工 → 投产 → 达效；退回须说明理由，跳级须给出所跳过阶段的日期",
    )
    q.add_argument("project", type=int, metavar="ID")
    q.add_argument("stage", metavar="STAGE")
    q.add_argument("--date", metavar="DATE", help="到达该阶段（或退回）的日期，默认今天")
    q.add_argument("--reason", help="退回的理由")
    q.add_argument(
        "--stage-date", action="append", type=_pair, metavar="阶段=DATE", help="所跳过阶段的日期"
    )
    _expect(q)
    add_common(q)
    q = psub.add_parser("note", help="填写项目某报告期的进展")
    q.add_argument("project", type=int, metavar="ID")
    _period(q)
    q.add_argument("--text", required=True)
    _expect(q)
    add_common(q)
    q = psub.add_parser("list", help="列出项目")
    q.add_argument("--pilot", help="只列该试点")
    q.add_argument("--stage", help="只列该阶段")
    _period(q, required=False)
    add_common(q)
    q = psub.add_parser("show", help="一个项目：投资、关联任务、各期进展、阶段记录")
    q.add_argument("project", type=int, metavar="ID")
    add_common(q)
    q = psub.add_parser("export", help="导出试点的重大项目表（.xlsx，填写后可导入）")
    q.add_argument("--pilot", required=True)
    _period(q, required=False)
    q.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    add_common(q)
    q = psub.add_parser("import", help="导入填写好的重大项目表（整个文件检查无误才导入）")
    q.add_argument("file", metavar="FILE.xlsx")
    add_common(q)
    p.set_defaults(handler=_cmd_project)


def _register_experience(sub: Any) -> None:
    p = sub.add_parser("experience", help="经验做法与典型案例")
    esub = p.add_subparsers(dest="experience_command", required=True, metavar="ACTION")
    for name in ("add", "set"):
        q = esub.add_parser(name, help="添加经验做法" if name == "add" else "修改经验做法")
        if name == "add":
            q.add_argument("--pilot", required=True)
        else:
            q.add_argument("id", type=int, metavar="ID")
            _expect(q)
        q.add_argument("--title", required=name == "add")
        q.add_argument("--summary")
        q.add_argument("--text", help="正文")
        q.add_argument("--text-file", metavar="FILE", help="正文取自文件（UTF-8）")
        q.add_argument("--period", metavar="P")
        q.add_argument("--tag", action="append", help="标签；可重复")
        q.add_argument("--kind", help="经验做法（默认）或 典型案例")
        if name == "add":
            q.add_argument("--chosen", action="store_true", help="选入半年报告")
        add_common(q)
    q = esub.add_parser("list", help="列出经验做法")
    q.add_argument("--pilot")
    q.add_argument("--period", metavar="P")
    q.add_argument("--tag")
    q.add_argument("--chosen", action="store_true", help="只列选入报告的")
    q.add_argument("--promoted", action="store_true", help="只列推广的")
    add_common(q)
    for name, help_text in (
        ("choose", "选入试点半年报告（--off 取消）"),
        ("promote", "标记推广（协调员；--off 取消）"),
    ):
        q = esub.add_parser(name, help=help_text)
        q.add_argument("id", type=int, metavar="ID")
        q.add_argument("--off", action="store_true")
        _expect(q)
        add_common(q)
    p.set_defaults(handler=_cmd_experience)


def _export_group(sub: Any) -> Any:
    """The sub-commands of ``tracker export``: the group another module registered, or a
    new one (register the outputs module before this one)."""
    existing = sub.choices.get("export")
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    p = sub.add_parser("export", help="导出文件")
    return p.add_subparsers(dest="export_command", required=True, metavar="WHAT")


def register(sub: Any) -> None:
    """Add the pilot commands to the ``tracker`` sub-parsers."""
    _register_pilot(sub)
    _register_project(sub)
    _register_experience(sub)
    q = _export_group(sub).add_parser(
        "pilot-overview", help="试点建设情况总览（.xlsx，A3 横向可直接打印）"
    )
    _period(q, required=False)
    q.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    add_common(q)
    q.set_defaults(handler=_cmd_export_overview)
    q = _export_group(sub).add_parser(
        "pilot-report", help="试点建设进展情况报告（.docx，公文格式）"
    )
    q.add_argument("--pilot", required=True, metavar="PILOT", help="试点编号或试点主体名称")
    _period(q)
    q.add_argument("--to", metavar="主送机关", help="主送机关（默认：试点的主管发展改革部门）")
    q.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="成文日期（默认今天）")
    q.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="保存到")
    add_common(q)
    q.set_defaults(handler=_cmd_export_pilot_report)
