"""Plan commands: ``import``, ``plans``, ``plan archive|unarchive|delete|history``,
``tasks``, ``regions`` and ``unit list|alias|merge``."""

from __future__ import annotations

import argparse
from typing import Any

from tracker.cli.common import add_common, done, print_json, resolve_actor
from tracker.db import Database
from tracker.importing.result import ParsedPlan
from tracker.services import plan_lifecycle, regions, units
from tracker.services import plans as plan_service
from tracker.services.revisions import ADDED, CHANGED, FIELD_LABELS, REMOVED, PlanDiff, TaskChange

_KIND_MARKS = {ADDED: "+ 新增", REMOVED: "- 撤销", CHANGED: "~ 变动"}


def _cmd_import(db: Database, args: argparse.Namespace) -> int:
    preview = plan_service.prepare_import(db, args.path, region=args.region, province=args.province)
    parsed, status, base, diff = preview.parsed, preview.region, preview.base, preview.diff()
    result: plan_service.CommitResult | None = None
    if not args.dry_run:
        actor = resolve_actor(db, args)
        result = plan_service.commit_import(db, parsed, actor)
        diff = result.diff if result.revised else diff
    if args.json:
        print_json(_import_json(db, args, parsed, base, diff, result))
        return 0
    _print_preview(parsed, status)
    if base is not None and diff is not None:
        print(
            f"修订版：与已导入的“{base.title}”（编号 {base.plan_id}，第 {base.revision} 版）相比——"
            f"{diff.summary()}。"
        )
        _print_diff(diff)
    _print_outcome(parsed, base, result)
    return 0


def _import_json(
    db: Database,
    args: argparse.Namespace,
    parsed: ParsedPlan,
    base: plan_service.RevisionBase | None,
    diff: PlanDiff | None,
    result: plan_service.CommitResult | None,
) -> dict[str, Any]:
    out = parsed.to_json()
    out["plan"]["id"] = (
        result.plan_id if result else plan_service.find_plan_by_hash(db, parsed.content_hash)
    )
    out["plan"]["dry_run"] = bool(args.dry_run)
    out["plan"]["already_imported"] = bool(result and not result.created and not result.revised)
    out["plan"]["revised"] = bool(result and result.revised)
    out["plan"]["revision"] = result.revision if result else None
    out["revision_of"] = (
        {"plan_id": base.plan_id, "title": base.title, "revision": base.revision} if base else None
    )
    out["diff"] = diff.to_json() if diff is not None else None
    return out


def _print_preview(parsed: ParsedPlan, status: plan_service.RegionStatus) -> None:
    print(f"实施方案：{parsed.title}（{parsed.source_name}）")
    print(f"发文地区：{status.describe()}")
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


def _change_line(change: TaskChange) -> list[str]:
    task = change.new or change.old
    assert task is not None
    lines = [f"  {_KIND_MARKS[change.kind]} [{task.code}] {task.title}"]
    if change.kind == REMOVED and change.old is not None:
        lines[0] += f"（已有填报 {change.old.report_count} 份，将归档保留）"
    if change.kind == CHANGED and change.old is not None and change.new is not None:
        lines[0] += f"（相似度 {change.similarity:.0f}%）"
        for name in change.fields:
            before, after = change.old.value(name), change.new.value(name)
            if isinstance(before, tuple):
                before, after = "、".join(x for x in before if x), "、".join(x for x in after if x)
            lines.append(f"      {FIELD_LABELS[name]}：{before or '—'} → {after or '—'}")
        for unit in change.reported_units_dropped:
            lines.append(f"      注意：{unit}已有填报，移出后其填报保留，但不再列在该任务下")
    return lines


def _print_diff(diff: PlanDiff) -> None:
    for change in diff.changes:
        if change.kind in _KIND_MARKS:
            print("\n".join(_change_line(change)))


def _print_outcome(
    parsed: ParsedPlan,
    base: plan_service.RevisionBase | None,
    result: plan_service.CommitResult | None,
) -> None:
    if result is None:
        if parsed.region is None:
            print("（预览，未写入数据库；导入前请用 --region 指明发文地区）")
        elif base is not None:
            print(
                "（预览，未写入数据库；导入后将就地更新该方案：保留任务的填报和历史，撤销的任务归档）"
            )
        else:
            print("（预览，未写入数据库）")
    elif result.created:
        print(f"已导入，方案编号 {result.plan_id}。")
    elif result.revised:
        assert result.diff is not None
        print(
            f"已将方案 {result.plan_id} 更新为第 {result.revision} 版：{result.diff.summary()}。"
            "原有任务的填报和历史均已保留，撤销的任务已归档。"
        )
    else:
        print(
            f"该文件此前已导入（方案编号 {result.plan_id}，第 {result.revision} 版），未重复导入。"
        )


def _cmd_tasks(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    rows = plan_service.list_tasks(
        db, actor, plan_id=args.plan, unit=args.unit, include_archived=args.all
    )
    if args.json:
        print_json({"tasks": rows})
        return 0
    for row in rows:
        mark = f"（第 {row['archived_in_revision']} 版撤销，已归档）" if row["archived"] else ""
        print(
            f"{row['id']:>5}  [{row['code']}] {row['title']}{mark} — 牵头："
            f"{'、'.join(row['lead_units'])}；配合：{'、'.join(row['cooperating_units']) or '—'}"
        )
    print(f"共 {len(rows)} 项任务。")
    return 0


def _cmd_plans(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    plans = plan_service.list_plans(db, actor, include_archived=args.all)
    if args.json:
        print_json({"plans": plans})
        return 0
    for p in plans:
        archived = "【已归档】" if p["archived"] else ""
        print(
            f"{p['id']:>4}  {archived}{p['title']}  {p['region']}  第 {p['revision']} 版"
            f"（{p['task_count']} 项任务，导入于 {p['imported_at']}）"
        )
    if not plans:
        print("没有实施方案。" if args.all else "没有使用中的实施方案（已归档的可用 --all 查看）。")
    return 0


def _cmd_plan(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    if args.plan_command == "archive":
        plan = plan_lifecycle.archive_plan(db, actor, args.id)
        return done(
            args, f"已归档：{plan['title']}（编号 {plan['id']}），只能查看，不能修改。", plan
        )
    if args.plan_command == "unarchive":
        plan = plan_lifecycle.unarchive_plan(db, actor, args.id)
        return done(args, f"已恢复：{plan['title']}（编号 {plan['id']}）。", plan)
    if args.plan_command == "delete":
        gone = plan_lifecycle.delete_plan(db, actor, args.id, force=args.force, reason=args.reason)
        message = (
            f"已删除：{gone['title']}（编号 {gone['id']}，{gone['tasks']} 项任务，"
            f"{gone['reports']} 份填报）。"
        )
        return done(args, message, gone)
    if args.plan_command == "history":
        sources = plan_service.plan_sources(db, args.id)
        if args.json:
            print_json({"plan_id": args.id, "revisions": sources})
            return 0
        for s in sources:
            summary = f"：{s['summary']}" if s["summary"] else ""
            print(
                f"第 {s['revision']} 版  {s['source']}  {s['imported_at']}  {s['imported_by'] or ''}{summary}"
            )
        return 0
    raise AssertionError(args.plan_command)


def _cmd_regions(db: Database, args: argparse.Namespace) -> int:
    resolve_actor(db, args)
    rows = regions.list_regions(db)
    if args.json:
        print_json({"regions": rows})
        return 0
    for r in rows:
        above = f"，属于{r['parent']}" if r["parent"] else ""
        print(
            f"{r['id']:>4}  {r['name']}（{r['level_label']}{above}）"
            f"  {r['plan_count']} 个方案，{r['unit_count']} 个单位"
        )
    return 0


def _cmd_unit(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    if args.unit_command == "list":
        found = units.list_units(db, region=args.region)
        if args.json:
            print_json({"units": found})
        else:
            for u in found:
                aliases = "、".join(u["aliases"])
                region = f"（{u['region']}）" if u["label"] == u["name"] else ""
                print(
                    f"{u['id']:>5}  {u['label']}{region}"
                    + (f"（别名：{aliases}）" if aliases else "")
                )
        return 0
    if args.unit_command == "alias":
        units.add_alias(db, actor, args.alias, args.unit)
        print(f"已添加别名：{args.alias} → {args.unit}")
        return 0
    if args.unit_command == "merge":
        units.merge_units(db, actor, args.source, args.target)
        print(f"已合并：{args.source} 并入 {args.target}")
        return 0
    raise AssertionError(args.unit_command)


_UNIT_NAME_HELP = "单位名称或别名；同名单位在多个地区时写明地区，如 银川市·市发展改革委"


def register(sub: Any) -> None:
    """Add the plan commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser(
        "import",
        help="导入实施方案（.txt / .docx / .xlsx / .pdf；.doc / .wps / .xls / .et 需 LibreOffice）；同一地区的同名方案按修订版就地更新",
    )
    p.add_argument("path")
    p.add_argument("--dry-run", action="store_true", help="只预览（含修订对比），不写入数据库")
    p.add_argument("--region", metavar="NAME", help="发文地区（默认从标题判断），如 银川市")
    p.add_argument("--province", metavar="NAME", help="新地区所属的省份（程序不认识该地区时）")
    add_common(p)
    p.set_defaults(handler=_cmd_import)

    p = sub.add_parser("tasks", help="列出已导入的任务")
    p.add_argument("--plan", type=int, metavar="ID")
    p.add_argument(
        "--unit", metavar="NAME", help="只列出该单位牵头或配合的任务；" + _UNIT_NAME_HELP
    )
    p.add_argument("--all", action="store_true", help="也列出已归档方案和修订中撤销的任务")
    add_common(p)
    p.set_defaults(handler=_cmd_tasks)

    p = sub.add_parser("plans", help="列出实施方案")
    p.add_argument("--all", action="store_true", help="也列出已归档的方案")
    add_common(p)
    p.set_defaults(handler=_cmd_plans)

    p = sub.add_parser("plan", help="归档、恢复、删除实施方案，查看修订历史")
    psub = p.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    q = psub.add_parser("archive", help="归档：不再列出，只能查看、不能修改")
    q.add_argument("id", type=int, metavar="ID")
    add_common(q)
    q = psub.add_parser("unarchive", help="恢复已归档的方案")
    q.add_argument("id", type=int, metavar="ID")
    add_common(q)
    q = psub.add_parser(
        "delete", help="删除方案；已有填报的方案默认拒绝删除，须 --force 并说明理由"
    )
    q.add_argument("id", type=int, metavar="ID")
    q.add_argument("--force", action="store_true", help="连同已有的填报一起删除")
    q.add_argument("--reason", metavar="理由", help="删除已有填报的方案时必须说明")
    add_common(q)
    q = psub.add_parser("history", help="方案的各版来源文件及每版的变动")
    q.add_argument("id", type=int, metavar="ID")
    add_common(q)
    p.set_defaults(handler=_cmd_plan)

    p = sub.add_parser("regions", help="列出地区（发文地区及单位所属地区）")
    add_common(p)
    p.set_defaults(handler=_cmd_regions)

    p = sub.add_parser("unit", help="单位与别名")
    usub = p.add_subparsers(dest="unit_command", required=True, metavar="ACTION")
    q = usub.add_parser("list", help="列出单位及其地区、别名")
    q.add_argument("--region", metavar="NAME", help="只列出该地区的单位")
    add_common(q)
    q = usub.add_parser("alias", help="为单位添加别名（只在该单位所在地区及其下级地区生效）")
    q.add_argument("alias")
    q.add_argument("unit", help=_UNIT_NAME_HELP)
    add_common(q, json_flag=False)
    q = usub.add_parser("merge", help="把一个单位并入另一个（任务、填报、别名随之转移）")
    q.add_argument("source", help=_UNIT_NAME_HELP)
    q.add_argument("target", help=_UNIT_NAME_HELP)
    add_common(q, json_flag=False)
    p.set_defaults(handler=_cmd_unit)
