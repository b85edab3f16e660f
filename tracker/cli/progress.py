"""Command-line commands for progress reporting: users, periods, reports, 催办, summary, audit.

Registered into ``tracker`` by :func:`register`. Every command signs in (``--user`` /
``TRACKER_USER`` with ``TRACKER_PASSWORD`` or a prompt), calls one service and prints plain
Chinese text, or one JSON object with ``--json``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tracker.cli.common import (
    add_common,
    done,
    one_line,
    pad,
    parse_date,
    print_json,
    resolve_actor,
)
from tracker.db import Database
from tracker.services import history, instructions, monitoring, periods, reports

# ---------------------------------------------------------------- helpers


def _actual(text: str) -> tuple[int, str]:
    target, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"“{text}”格式不对：应为 目标编号=数值，如 12=350")
    try:
        return int(target.strip()), value
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”中的目标编号“{target}”不是整数") from None


def _report_key(parser: argparse.ArgumentParser, *, unit_help: str) -> None:
    parser.add_argument("--task", type=int, required=True, metavar="ID", help="任务编号")
    parser.add_argument("--period", required=True, metavar="P", help="报告期，如 2025H1")
    parser.add_argument("--unit", metavar="UNIT", help=unit_help)


# What a writing command does with the report's version, in its --help.
_VERSION_NOTE = (
    "版本：每份填报有版本号（report show 中显示）。给出 --expect-version N 时，若填报已被他人改过"
    "（版本不是 N）则拒绝保存，什么也不改；新建时 N 为 0。不给出时，本命令在同一个事务中读取当前"
    "版本并在其上修改：不会与同时进行的修改相互覆盖，但不检查您此前看到的内容是否已被他人改过——"
    "若当前版本是他人保存的，命令会在标准错误上说明以哪个版本为准。"
)


def _expect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="您查看时的版本号（新建为 0）；填报已被他人修改则拒绝保存。"
        "不给出时在同一事务中读取并修改当前版本（见下文）",
    )
    parser.epilog = _VERSION_NOTE


def _print_report(report: dict[str, Any], indent: str = "  ") -> None:
    late = "（逾期报送）" if report["late"] else ""
    print(
        f"{indent}状态：{report['status'] or '—'}；流程：{report['state_label']}{late}；"
        f"版本 {report['version']}；最后修改：{report['updated_by']} {report['updated_at']}"
    )
    if report["return_reason"]:
        print(f"{indent}退回理由：{report['return_reason']}")
    for name, label in reports.TEXT_FIELDS.items():
        text = report[name]
        if text:
            body = text.replace("\n", "\n" + indent + "    ")
            print(f"{indent}{label}：{body}")
    if report["percent"] is not None:
        print(f"{indent}完成百分比：{report['percent']:g}%")
    for actual in report["actuals"]:
        print(
            f"{indent}目标 {actual['target_id']} {actual['indicator']}：实际 {actual['value']:g}"
            f"{actual['unit']}（目标 {actual['target_value']:g}{actual['unit']}）"
        )
    for ev in report["evidence"]:
        print(
            f"{indent}佐证材料 {ev['id']}：{ev['name']}（{ev['size']} 字节，"
            f"SHA-256 {ev['sha256'][:16]}…）"
        )


# ---------------------------------------------------------------- period


def _cmd_period(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    command = args.period_command
    if command == "list":
        data = periods.list_periods(db, actor, args.plan)
        if args.json:
            print_json(data)
            return 0
        print(
            f"实施方案 {data['plan_id']}：{data['plan_title']}（{data['cadence_label']}报告，"
            f"{data['start_year']}–{data['horizon_year']} 年）"
        )
        for p in data["periods"]:
            counts = p["report_counts"]
            reported = counts.get("submitted", 0) + counts.get("approved", 0)
            lock = f"已锁定（{p['locked_by']} {p['locked_at']}）" if p["locked"] else "开放"
            print(
                f"  {p['code']}  {pad(p['name'], 14)}截止 {p['due_date']}  {lock}  "
                f"已报送 {reported}/{p['expected_reports']}"
            )
        return 0
    if command == "lock":
        p = periods.lock_period(db, actor, args.plan, args.period)
        return done(args, f"已锁定报告期 {p['code']}（{p['name']}）。", {"period": p})
    if command == "reopen":
        p = periods.reopen_period(db, actor, args.plan, args.period, args.reason)
        return done(
            args, f"已重新开放报告期 {p['code']}（{p['name']}），理由：{args.reason}", {"period": p}
        )
    if command == "set-due":
        p = periods.set_due_date(db, actor, args.plan, args.period, args.date)
        return done(
            args, f"报告期 {p['code']}（{p['name']}）的截止日期为 {p['due_date']}。", {"period": p}
        )
    raise AssertionError(command)


# ---------------------------------------------------------------- report


def _cmd_report(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    command = args.report_command
    key = (args.task, args.period, args.unit)
    if command == "show":
        data = reports.task_reports(db, actor, *key)
        if args.json:
            print_json(data)
            return 0
        task, period = data["task"], data["period"]
        lock = "，已锁定" if period["locked"] else ""
        print(f"任务 {task['id']} [{task['code']}] {task['title']}（{task['area']}）")
        print(f"报告期：{period['name']}（截止 {period['due_date']}{lock}）")
        for target in task["targets"]:
            print(
                f"  目标 {target['id']}：{target['indicator']} {target['comparator']} "
                f"{target['value']:g}{target['unit']}（{target['year']}年）"
            )
        for ins in data["instructions"]:
            print(f"  批示/督办意见（{ins['created_by']} {ins['created_at']}）：{ins['text']}")
        for entry in data["units"]:
            print(f"[{entry['role_label']}] {entry['unit']}")
            if entry["report"] is None:
                print("  未填报")
            else:
                _print_report(entry["report"])
        return 0
    if command == "set":
        report = reports.save_report(
            db,
            actor,
            *key,
            status=args.status,
            progress=args.progress,
            results=args.results,
            problems=args.problems,
            next_steps=args.next,
            percent=args.percent,
            actuals=dict(args.actual or []),
            evidence=args.evidence or [],
            expect_version=args.expect_version,
        )
        return _report_done(args, "已保存", report)
    if command == "submit":
        report = reports.submit_report(
            db, actor, *key, expect_version=args.expect_version, today=args.today
        )
        late = "（逾期报送）" if report["late"] else ""
        return _report_done(args, f"已报送{late}", report)
    if command == "approve":
        report = reports.approve_report(db, actor, *key, expect_version=args.expect_version)
        return _report_done(args, "已审核通过", report)
    if command == "return":
        report = reports.return_report(
            db, actor, *key, reason=args.reason, expect_version=args.expect_version
        )
        return _report_done(args, f"已退回（理由：{args.reason}）", report)
    if command == "consolidate":
        report = reports.consolidate(db, actor, *key, expect_version=args.expect_version)
        merged = "、".join(report["merged"]) or "无"
        code = _report_done(args, f"已汇总配合单位（{merged}）的填报", report)
        if report["missing"] and not args.json:
            print(f"尚未报送的配合单位：{'、'.join(report['missing'])}")
        return code
    raise AssertionError(command)


def _report_done(args: argparse.Namespace, what: str, report: dict[str, Any]) -> int:
    _note_unchecked_base(args, report)
    if args.json:
        print_json({"report": report})
        return 0
    print(
        f"{what}：任务 {report['task_id']}，{report['unit']}，{report['period_name']}"
        f"（{report['state_label']}，版本 {report['version']}）。"
    )
    return 0


def _note_unchecked_base(args: argparse.Namespace, report: dict[str, Any]) -> None:
    """Without --expect-version the change went on top of the stored version; when another
    user saved that version, say so (stderr), so that nothing is overwritten silently."""
    base = report.get("based_on")
    if report.get("version_checked") or base is None:
        return
    if base["updated_by"] == report["updated_by"]:
        return  # on top of one's own last save
    print(
        f"注意：未给出 --expect-version，本次修改以当前版本 {base['version']} 为准"
        f"（该版本由“{base['updated_by']}”于 {base['updated_at']} 保存）。"
        "如需确认未覆盖他人的修改，请先用 report show 查看，再带 --expect-version 保存。",
        file=sys.stderr,
    )


# ---------------------------------------------------------------- remind / summary / audit


_LIGHT_MARKS = {"red": "●红", "yellow": "●黄", "green": "●绿"}


def _cmd_remind(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    data = monitoring.remind(db, actor, args.period, plan_id=args.plan, today=args.today)
    if args.json:
        print_json(data)
        return 0
    for p in data["periods"]:
        days = p["days_left"]
        when = f"剩 {days} 天" if days >= 0 else f"已逾期 {-days} 天"
        print(f"{p['plan_title']} — {p['name']}，截止 {p['due_date']}（{when}）")
    print(
        f"应报送 {data['expected_reports']} 份，已报送 {data['submitted_reports']} 份"
        f"（其中逾期 {data['late_reports']} 份）；有单位未报送的任务 {len(data['tasks'])} 项，"
        f"其中任务状态为未报送（牵头单位未报送）{data['unreported_tasks']} 项。"
    )
    for task in data["tasks"]:
        days = task["days_left"]
        when = f"剩 {days} 天" if days >= 0 else f"逾期 {-days} 天"
        missing = "、".join(
            f"{m['unit']}（{m['role_label']}，{m['state_label']}）" for m in task["missing"]
        )
        print(
            f"{_LIGHT_MARKS[task['light']]} 任务 {task['task_id']} [{task['code']}] {task['title']}"
            f"（{when}，任务状态：{task['state']}）：{missing}"
        )
    if data["units"]:
        print("按单位：")
        for unit in data["units"]:
            print(
                f"  {unit['unit']}：未报送 {unit['missing_tasks']} 项"
                f"（逾期 {unit['overdue_tasks']} 项）"
            )
    if "pilots" in data:
        from tracker.cli.pilots import print_pilot_reminders

        print_pilot_reminders(data["pilots"])
    return 0


def _cmd_summary(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    data = monitoring.summary(db, actor, args.period, plan_id=args.plan)
    if args.json:
        print_json(data)
        return 0
    names = "、".join(f"{p['plan_title']} — {p['name']}" for p in data["periods"])
    print(f"{names}：任务 {data['task_count']} 项")
    print(
        "按任务状态："
        + "，".join(f"{s} {n}" for s, n in data["by_status"].items())
        + f"；{data['completed_status']}率 {data['completion_rate']:.1%}"
    )
    rep = data["reports"]
    print(
        f"填报：应报送 {rep['expected']} 份，"
        + "，".join(f"{s} {n}" for s, n in rep["by_state"].items())
        + f"，逾期报送 {rep['late']} 份"
    )
    print("按重点领域：")
    for area in data["by_area"]:
        counts = "，".join(f"{s} {n}" for s, n in area["by_status"].items() if n)
        print(f"  {area['code']} {area['title']}（{area['task_count']} 项）：{counts}")
    print("按牵头单位：")
    for unit in data["by_lead_unit"]:
        counts = "，".join(f"{s} {n}" for s, n in unit["by_status"].items() if n)
        print(f"  {unit['unit']}（牵头 {unit['task_count']} 项，逾期 {unit['late']} 项）：{counts}")
    if data["targets"]:
        print("目标完成情况：")
        for t in data["targets"]:
            if t["actual"] is None:
                actual = "尚无报送的实际值"
            else:
                verdict = {True: "，已达到", False: "，未达到", None: ""}[t["met"]]
                actual = (
                    f"实际 {t['actual']:g}{t['unit']}"
                    f"（{t['actual_period']}，{t['actual_unit']}）{verdict}"
                )
            print(
                f"  目标 {t['target_id']}（任务 {t['task_id']}）{t['indicator']} {t['comparator']} "
                f"{t['target_value']:g}{t['unit']}（{t['year']}年）：{actual}"
            )
    return 0


def _cmd_audit(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    rows = history.list_audit(db, actor, task_id=args.task, limit=args.limit or None)
    if args.json:
        print_json({"audit": rows})
        return 0
    for r in rows:
        obj = r["object_label"] + (f" {r['object_id']}" if r["object_id"] is not None else "")
        task = (
            f"（任务 {r['task_id']}）"
            if r["task_id"] is not None and r["object_type"] != "task"
            else ""
        )
        before, after = one_line(r["before"]), one_line(r["after"])
        if r["field"]:
            change = f"：{r['field_label']} {before or '—'} → {after or '—'}"
        else:
            change = f"：{after}" if after else ""
        print(f"{r['at']}  {r['user']}  {r['action_label']}  {obj}{task}{change}")
    print(f"共 {len(rows)} 条记录。")
    return 0


def _cmd_instruction(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    row = instructions.add_instruction(db, actor, args.task, args.text)
    return done(
        args, f"已对任务 {args.task} 下达批示/督办意见（编号 {row['id']}）。", {"instruction": row}
    )


# ---------------------------------------------------------------- registration


def register(sub: Any) -> None:
    """Add the progress commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser("period", help="报告期：列出、锁定、重新开放、修改截止日期")
    psub = p.add_subparsers(dest="period_command", required=True, metavar="ACTION")
    q = psub.add_parser("list", help="列出报告期")
    q.add_argument("--plan", type=int, metavar="ID", help="实施方案编号（只有一个方案时可省略）")
    add_common(q)
    for name, text in (
        ("lock", "锁定报告期"),
        ("reopen", "重新开放已锁定的报告期"),
        ("set-due", "修改报告期的截止日期"),
    ):
        q = psub.add_parser(name, help=text)
        q.add_argument(
            "--plan", type=int, metavar="ID", help="实施方案编号（只有一个方案时可省略）"
        )
        q.add_argument("--period", required=True, metavar="P", help="报告期，如 2025H1")
        if name == "reopen":
            q.add_argument("--reason", required=True, help="重新开放的理由（记入审计日志）")
        if name == "set-due":
            q.add_argument("--date", required=True, type=parse_date, metavar="YYYY-MM-DD")
        add_common(q)
    p.set_defaults(handler=_cmd_period)

    p = sub.add_parser("report", help="进展填报与审核")
    rsub = p.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    q = rsub.add_parser("set", help="填写或修改一份填报")
    _report_key(q, unit_help="填报单位（填报员默认本单位；协调员须指明）")
    q.add_argument(
        "--status", metavar="S", help="状态：已完成、序时推进、进度滞后、未启动、长期推进…"
    )
    q.add_argument("--progress", metavar="T", help="工作进展")
    q.add_argument("--results", metavar="T", help="取得成效")
    q.add_argument("--problems", metavar="T", help="存在问题")
    q.add_argument("--next", metavar="T", help="下步计划")
    q.add_argument("--percent", metavar="N", help="完成百分比 0–100（空字符串清除）")
    q.add_argument(
        "--actual",
        type=_actual,
        action="append",
        metavar="TARGET_ID=VALUE",
        help="目标的实际完成值（可重复）",
    )
    q.add_argument("--evidence", action="append", metavar="FILE", help="佐证材料文件（可重复）")
    _expect(q)
    add_common(q)
    q = rsub.add_parser("show", help="查看任务在某报告期的填报")
    _report_key(q, unit_help="只看该单位")
    add_common(q)
    q = rsub.add_parser("submit", help="报送")
    _report_key(q, unit_help="填报单位（填报员默认本单位）")
    q.add_argument("--today", type=parse_date, help=argparse.SUPPRESS)
    _expect(q)
    add_common(q)
    q = rsub.add_parser("approve", help="审核通过（协调员）")
    _report_key(q, unit_help="填报单位")
    _expect(q)
    add_common(q)
    q = rsub.add_parser("return", help="退回（协调员，须说明理由）")
    _report_key(q, unit_help="填报单位")
    q.add_argument("--reason", required=True, help="退回理由")
    _expect(q)
    add_common(q)
    q = rsub.add_parser("consolidate", help="牵头单位汇总配合单位的填报")
    _report_key(q, unit_help="牵头单位（填报员默认本单位；协调员默认第一牵头单位）")
    _expect(q)
    add_common(q)
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser("remind", help="催办：列出未报送的单位")
    p.add_argument("--period", required=True, metavar="P", help="报告期，如 2025H1")
    p.add_argument("--plan", type=int, metavar="ID", help="只看该实施方案")
    p.add_argument("--today", type=parse_date, metavar="YYYY-MM-DD", help="以此日期计算剩余天数")
    add_common(p)
    p.set_defaults(handler=_cmd_remind)

    p = sub.add_parser("summary", help="报告期汇总统计")
    p.add_argument("--period", required=True, metavar="P", help="报告期，如 2025H1")
    p.add_argument("--plan", type=int, metavar="ID", help="只看该实施方案")
    add_common(p)
    p.set_defaults(handler=_cmd_summary)

    p = sub.add_parser("audit", help="审计日志")
    p.add_argument("--task", type=int, metavar="ID", help="只看该任务")
    p.add_argument(
        "--limit",
        type=int,
        default=history.DEFAULT_LIMIT,
        metavar="N",
        help=f"最多显示最近 N 条（默认 {history.DEFAULT_LIMIT}，0 为全部）",
    )
    add_common(p)
    p.set_defaults(handler=_cmd_audit)

    p = sub.add_parser("instruction", help="批示 / 督办意见")
    isub = p.add_subparsers(dest="instruction_command", required=True, metavar="ACTION")
    q = isub.add_parser("add", help="对任务下达批示或督办意见（协调员）")
    q.add_argument("--task", type=int, required=True, metavar="ID")
    q.add_argument("--text", required=True, metavar="T")
    add_common(q)
    p.set_defaults(handler=_cmd_instruction)
