"""Command-line commands for the outputs: ``tracker export ledger|forms|report`` and
``tracker import-forms FILE…``.

Registered into ``tracker`` by :func:`register`. Each export writes its file atomically and
prints where; ``import-forms`` checks each file whole and applies it only when it has no
problem, printing the outcome per row (or every problem, with a non-zero exit code).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tracker.cli.common import (
    add_common,
    export_progress,
    parse_date,
    print_json,
    resolve_actor,
)
from tracker.db import Database
from tracker.errors import TrackerError
from tracker.outputs.forms import export_forms
from tracker.outputs.forms_import import (
    ACTION_EMPTY,
    ACTION_UNCHANGED,
    FormImport,
    import_form,
)
from tracker.outputs.ledger import export_ledger
from tracker.outputs.report import KINDS, export_report
from tracker.outputs.rows import LedgerFilter


def _cmd_export(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    kind = args.export_command
    if kind == "ledger":
        filters = LedgerFilter(
            area=args.area, lead_unit=args.lead_unit, status=args.status, only_late=args.only_late
        )
        result = export_ledger(
            db,
            actor,
            args.output,
            period=args.period,
            plan_id=args.plan,
            all_periods=args.all_periods,
            filters=filters,
            today=args.today,
            progress=export_progress(args),
        )
        message = f"已导出工作台账：{result.path}（{result.counts['tasks']} 项任务）"
    elif kind == "forms":
        result = export_forms(
            db,
            actor,
            args.output,
            period=args.period,
            plan_id=args.plan,
            unit=args.unit,
            progress=export_progress(args),
        )
        message = (
            f"已导出 {result.counts['units']} 个单位的填报表到 {result.path}"
            f"（共 {result.counts['tasks']} 行）："
        )
        message += "".join(f"\n  {path.name}" for path in result.files)
    elif kind == "report":
        result = export_report(
            db,
            actor,
            args.output,
            period=args.period,
            plan_id=args.plan,
            kind=args.kind,
            to=args.to,
            issuer=args.issuer,
            today=args.date,
            progress=export_progress(args),
        )
        message = f"已导出工作进展情况报告：{result.path}（{result.counts['tasks']} 项任务）"
    else:
        raise AssertionError(kind)
    if args.json:
        print_json(
            {"path": str(result.path), "files": [str(f) for f in result.files], **result.counts}
        )
    else:
        print(message)
    return 0


def _imported_dict(done: FormImport) -> dict[str, Any]:
    return {
        "file": str(done.path),
        "plan_id": done.plan_id,
        "period": done.period,
        "unit": done.unit,
        "submit": done.submit,
        "counts": done.counts,
        "rows": [
            {"row": r.row, "task_id": r.task_id, "code": r.code, "action": r.action}
            for r in done.rows
        ],
    }


def _cmd_import_forms(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    imported: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    exit_code = 0
    for name in args.files:
        try:
            done = import_form(
                db, actor, Path(name), plan_id=args.plan, period=args.period, today=args.today
            )
        except TrackerError as exc:
            exit_code = exit_code or exc.exit_code
            failed.append({"file": name, "error": str(exc)})
            if not args.json:
                print(f"错误：{exc.cli_text()}", file=sys.stderr)
            continue
        imported.append(_imported_dict(done))
        if not args.json:
            _print_import(done)
    if args.json:
        print_json({"imported": imported, "failed": failed})
    elif len(args.files) > 1:
        print(f"共 {len(args.files)} 个文件：导入 {len(imported)} 个，未导入 {len(failed)} 个。")
    return exit_code


def _print_import(done: FormImport) -> None:
    mode = "并报送" if done.submit else "（保存为草稿）"
    counts = "，".join(f"{action} {n} 行" for action, n in done.counts.items())
    print(
        f"已导入“{done.path.name}”{mode}：{done.unit}，{done.period_name}；{counts or '无数据行'}。"
    )
    for row in done.rows:
        if row.action not in (ACTION_EMPTY, ACTION_UNCHANGED):
            print(f"  第 {row.row} 行 任务 {row.code or row.task_id}：{row.action}")


def register(sub: Any) -> None:
    """Add ``export`` and ``import-forms`` to the ``tracker`` sub-parsers."""
    p = sub.add_parser("export", help="导出工作台账、填报表、工作进展情况报告")
    esub = p.add_subparsers(dest="export_command", required=True, metavar="WHAT")

    q = esub.add_parser("ledger", help="工作台账（.xlsx，A3 横向打印）")
    _plan_period(q)
    q.add_argument("--all-periods", action="store_true", help="并列列出截至该期的所有报告期")
    q.add_argument("--area", metavar="领域", help="只列该重点领域（编号或名称）")
    q.add_argument("--lead-unit", metavar="UNIT", help="只列该单位牵头的任务")
    q.add_argument("--status", metavar="S", help="只列该任务状态（如 进度滞后、未报送）")
    q.add_argument(
        "--only-late",
        action="store_true",
        help="只列逾期任务：截止日期已过仍有单位未报送，或有单位逾期报送",
    )
    q.add_argument("--today", type=parse_date, metavar="YYYY-MM-DD", help="以此日期判断逾期")
    q.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="保存到")
    add_common(q)

    q = esub.add_parser("forms", help="各单位填报表（.xlsx，每个单位一份）")
    _plan_period(q)
    q.add_argument("--unit", metavar="UNIT", help="只导出该单位的填报表")
    q.add_argument("-o", "--output", required=True, metavar="DIR", help="保存到该文件夹")
    add_common(q)

    q = esub.add_parser("report", help="半年 / 年度工作进展情况报告（.docx，公文格式）")
    _plan_period(q)
    q.add_argument(
        "--kind",
        choices=KINDS,
        help="half-year（半年，上半年报告期）或 annual（年度，全年报告期）；默认按报告期",
    )
    q.add_argument("--to", metavar="主送机关", help="主送机关，如 市碳达峰碳中和工作领导小组")
    q.add_argument("--issuer", metavar="署名", help="发文机关署名（默认见 resources/outputs）")
    q.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="成文日期（默认今天）")
    q.add_argument("-o", "--output", required=True, metavar="FILE.docx", help="保存到")
    add_common(q)
    p.set_defaults(handler=_cmd_export)

    p = sub.add_parser("import-forms", help="导入各单位填好的填报表")
    p.add_argument("files", nargs="+", metavar="FILE", help="填报表文件（.xlsx）")
    p.add_argument("--plan", type=int, metavar="ID", help="只接受该实施方案的填报表")
    p.add_argument("--period", metavar="P", help="只接受该报告期的填报表，如 2025H1")
    p.add_argument("--today", type=parse_date, help=argparse.SUPPRESS)
    add_common(p)
    p.set_defaults(handler=_cmd_import_forms)


def _plan_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan", type=int, metavar="ID", help="实施方案编号（只有一个方案时可省略）"
    )
    parser.add_argument("--period", required=True, metavar="P", help="报告期，如 2025H1")
