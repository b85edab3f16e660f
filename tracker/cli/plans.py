"""Plan commands: ``import``, ``plans``, ``tasks`` and ``unit list|alias|merge``."""

from __future__ import annotations

import argparse
from typing import Any

from tracker.cli.common import add_common, print_json, resolve_actor
from tracker.db import Database
from tracker.services import plans as plan_service


def _cmd_import(db: Database, args: argparse.Namespace) -> int:
    parsed = plan_service.preview_import(db, args.path)
    result: plan_service.CommitResult | None = None
    if not args.dry_run:
        actor = resolve_actor(db, args)
        result = plan_service.commit_import(db, parsed, actor)
    if args.json:
        out = parsed.to_json()
        out["plan"]["id"] = (
            result.plan_id if result else plan_service.find_plan_by_hash(db, parsed.content_hash)
        )
        out["plan"]["dry_run"] = bool(args.dry_run)
        out["plan"]["already_imported"] = bool(result and not result.created)
        print_json(out)
        return 0
    print(f"实施方案：{parsed.title}（{parsed.source_name}）")
    print(f"识别方式：{'任务分工表' if parsed.method == 'table' else '正文责任分工标注'}")
    print(f"重点领域 {len(parsed.areas)} 个，任务 {len(parsed.tasks)} 项。")
    for task in parsed.tasks:
        lead = "、".join(task.lead_units)
        coop = "、".join(task.cooperating_units) or "—"
        print(f"  [{task.code}] {task.area_title} / {task.title}")
        print(f"      牵头：{lead}；配合：{coop}；目标 {len(task.targets)} 项")
    if parsed.warnings:
        print(f"警告 {len(parsed.warnings)} 条：")
        for w in parsed.warnings:
            print(f"  {w.where}：{w.message}")
    if result is None:
        print("（预览，未写入数据库）")
    elif result.created:
        print(f"已导入，方案编号 {result.plan_id}。")
    else:
        print(f"该文件此前已导入（方案编号 {result.plan_id}），未重复导入。")
    return 0


def _cmd_tasks(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    rows = plan_service.list_tasks(db, actor, plan_id=args.plan, unit=args.unit)
    if args.json:
        print_json({"tasks": rows})
        return 0
    for row in rows:
        print(
            f"{row['id']:>5}  [{row['code']}] {row['title']} — 牵头："
            f"{'、'.join(row['lead_units'])}；配合：{'、'.join(row['cooperating_units']) or '—'}"
        )
    print(f"共 {len(rows)} 项任务。")
    return 0


def _cmd_plans(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    plans = plan_service.list_plans(db, actor)
    if args.json:
        print_json({"plans": plans})
        return 0
    for p in plans:
        print(
            f"{p['id']:>4}  {p['title']}  （{p['task_count']} 项任务，导入于 {p['imported_at']}）"
        )
    return 0


def _cmd_unit(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    if args.unit_command == "list":
        units = plan_service.list_units(db)
        if args.json:
            print_json({"units": units})
        else:
            for u in units:
                aliases = "、".join(u["aliases"])
                print(f"{u['id']:>5}  {u['name']}" + (f"（别名：{aliases}）" if aliases else ""))
        return 0
    if args.unit_command == "alias":
        plan_service.add_alias(db, actor, args.alias, args.unit)
        print(f"已添加别名：{args.alias} → {args.unit}")
        return 0
    if args.unit_command == "merge":
        plan_service.merge_units(db, actor, args.source, args.target)
        print(f"已合并：{args.source} 并入 {args.target}")
        return 0
    raise AssertionError(args.unit_command)


def register(sub: Any) -> None:
    """Add the plan commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser(
        "import",
        help="导入实施方案（.txt / .docx / .xlsx / .pdf；.doc / .wps / .xls / .et 需 LibreOffice）",
    )
    p.add_argument("path")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    add_common(p)
    p.set_defaults(handler=_cmd_import)

    p = sub.add_parser("tasks", help="列出已导入的任务")
    p.add_argument("--plan", type=int, metavar="ID")
    p.add_argument("--unit", metavar="NAME", help="只列出该单位牵头或配合的任务")
    add_common(p)
    p.set_defaults(handler=_cmd_tasks)

    p = sub.add_parser("plans", help="列出已导入的实施方案")
    add_common(p)
    p.set_defaults(handler=_cmd_plans)

    p = sub.add_parser("unit", help="单位与别名")
    usub = p.add_subparsers(dest="unit_command", required=True, metavar="ACTION")
    q = usub.add_parser("list", help="列出单位及其别名")
    add_common(q)
    q = usub.add_parser("alias", help="为单位添加别名")
    q.add_argument("alias")
    q.add_argument("unit")
    add_common(q, json_flag=False)
    q = usub.add_parser("merge", help="把一个单位并入另一个（任务、填报、别名随之转移）")
    q.add_argument("source")
    q.add_argument("target")
    add_common(q, json_flag=False)
    p.set_defaults(handler=_cmd_unit)
