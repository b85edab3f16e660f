"""Shared-settings commands: ``settings show|set`` and ``settings status …`` (the vocabulary).

Everyone signed in may look; only a coordinator changes anything. The settings live in the
database, so a change here is what every desk of the database uses from its next action.
"""

from __future__ import annotations

import argparse
from typing import Any

from tracker.cli.common import add_common, pad, print_json, resolve_actor
from tracker.db import Database
from tracker.services import settings
from tracker.services.actor import SYSTEM, Actor

_RANK_HELP = (
    "推进程度：数字越大越靠前；多个牵头单位时任务状态取最低者，最大的一个表示已完成，只能有一个"
)
_SET_EPILOG = "可设置的项：\n" + "\n".join(
    f"  {key:<24}{spec.label}（{spec.hint}）" for key, spec in settings.KEYS.items()
)


def _print_all(data: dict[str, Any]) -> None:
    print("共享设置（保存在数据库中，各终端一致）：")
    for entry in data["settings"]:
        changed = (
            f"（{entry['updated_by']} 修改于 {entry['updated_at'][:10]}）"
            if entry["updated_by"] and entry["updated_by"] != SYSTEM.name
            else ""
        )
        print(f"  {pad(entry['key'], 24)}{pad(entry['label'], 28)}{entry['text']}{changed}")
    print("进展状态（按显示顺序；推进程度越大越靠前，最大的一个表示已完成）：")
    for status in data["statuses"]:
        color = f" {status['color']}" if status["color"] else ""
        description = f"  {status['description']}" if status["description"] else ""
        rank = f"  推进程度 {status['rank']}" + ("（已完成）" if status["completed"] else "")
        used = f"，{status['reports']} 份填报使用" if status["reports"] else ""
        print(f"  {status['position']}. {status['name']}{color}{description}{rank}{used}")


def _cmd_settings(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    command = args.settings_command
    if command == "show":
        data = settings.show(db)
    elif command == "set":
        entry = settings.set_value(db, actor, args.key, args.value)
        if args.json:
            print_json({"setting": entry})
        else:
            print(f"已设置 {entry['label']}（{entry['key']}）：{entry['text']}。")
        return 0
    else:
        data = _status_command(db, actor, args)
    if args.json:
        print_json(data)
    else:
        _print_all(data)
    return 0


def _status_command(db: Database, actor: Actor, args: argparse.Namespace) -> dict[str, Any]:
    command = args.status_command
    if command == "add":
        return settings.add_status(
            db,
            actor,
            args.name,
            description=args.description or "",
            color=args.color or "",
            position=args.position,
            rank=args.rank,
        )
    if command == "edit":
        return settings.edit_status(
            db,
            actor,
            args.name,
            description=args.description,
            color=args.color,
            position=args.position,
            rank=args.rank,
        )
    if command == "rename":
        return settings.rename_status(
            db, actor, args.old, args.new, update_reports=args.update_reports
        )
    if command == "remove":
        return settings.remove_status(db, actor, args.name, replace_with=args.replace)
    raise AssertionError(command)


def _register_status(sub: Any) -> None:
    p = sub.add_parser("status", help="修改进展状态词表（协调员）")
    ssub = p.add_subparsers(dest="status_command", required=True, metavar="ACTION")
    q = ssub.add_parser("add", help="添加状态")
    q.add_argument("name", metavar="NAME", help="状态名称，如 暂缓实施")
    q.add_argument("--description", metavar="T", help="说明")
    q.add_argument("--color", metavar="#RRGGBB", help="界面与台账中的颜色")
    q.add_argument("--position", type=int, metavar="N", help="排在第 N 位（默认最后）")
    q.add_argument("--rank", type=int, metavar="N", help=_RANK_HELP + "（默认低于现有的所有状态）")
    add_common(q)
    q = ssub.add_parser("edit", help="修改状态的说明、颜色、顺序或推进程度")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--description", metavar="T")
    q.add_argument("--color", metavar="#RRGGBB")
    q.add_argument("--position", type=int, metavar="N", help="移到第 N 位")
    q.add_argument("--rank", type=int, metavar="N", help=_RANK_HELP + "（不给则不变）")
    add_common(q)
    q = ssub.add_parser(
        "rename",
        help="重命名状态",
        description="重命名状态。已有填报使用它时须加 --update-reports："
        "这些填报的状态随之改名（逐份记入审计日志）。",
    )
    q.add_argument("old", metavar="OLD")
    q.add_argument("new", metavar="NEW")
    q.add_argument("--update-reports", action="store_true", help="同时修改使用该状态的填报")
    add_common(q)
    q = ssub.add_parser(
        "remove",
        help="删除状态",
        description="删除状态。已有填报使用它时须用 --replace 指定这些填报改用的状态"
        "（已锁定报告期中的填报不能改，此时只能重命名）。",
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--replace", metavar="OTHER", help="使用该状态的填报改用此状态")
    add_common(q)


def register(sub: Any) -> None:
    """Add the settings commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser("settings", help="共享设置：状态词表、默认截止日期、密码长度等")
    ssub = p.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    q = ssub.add_parser("show", help="查看共享设置与状态词表")
    add_common(q)
    q = ssub.add_parser(
        "set",
        help="修改一项设置（协调员）",
        epilog=_SET_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument("key", metavar="KEY", help="设置项（见下）")
    q.add_argument("value", metavar="VALUE", help="新值，如 7月10日、次年1月10日、20MB、10")
    add_common(q)
    _register_status(ssub)
    p.set_defaults(handler=_cmd_settings)
