"""Account commands: ``user add|list|set|disable|enable|passwd``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from tracker.cli.common import add_common, done, print_json, resolve_actor
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.services import users


def _new_password(prompt: str = "新用户的密码：") -> str:
    password = users.prompt_secret(prompt, users.ENV_NEW_PASSWORD)
    if users.ENV_NEW_PASSWORD not in os.environ:
        again = users.prompt_secret("再次输入密码：", users.ENV_NEW_PASSWORD)
        if again != password:
            raise InvalidInput("两次输入的密码不一致。")
    return password


def _bindings(unit: str | None, pilot: object, region: str | None) -> str:
    """``，单位：…，试点：…`` for what an account is bound to."""
    shown = (("单位", unit), ("试点", pilot), ("地区", region))
    return "".join(f"，{what}：{value}" for what, value in shown if value)


def _describe(row: dict[str, Any]) -> str:
    bound = _bindings(row["unit"], row["pilot"], row["region"])
    return f"{row['name']}（{row['role_label']}{bound}，{row['state_label']}）"


def _cmd_add(db: Database, args: argparse.Namespace) -> int:
    actor = None if users.count_users(db) == 0 else resolve_actor(db, args)
    password = _new_password()
    user_id = users.add_user(
        db, actor, args.name, args.role, password, args.unit, pilot=args.pilot, region=args.region
    )
    label = users.ALL_ROLES[args.role]
    shown = _bindings(args.unit, args.pilot, args.region)
    return done(
        args,
        f"已添加用户“{args.name}”（{label}{shown}），编号 {user_id}。",
        {
            "user": {
                "id": user_id,
                "name": args.name,
                "role": args.role,
                "unit": args.unit,
                "pilot": args.pilot,
                "region": args.region,
            }
        },
    )


def _cmd_list(db: Database, args: argparse.Namespace) -> int:
    rows = users.list_users(db, resolve_actor(db, args))
    if args.json:
        print_json({"users": rows})
        return 0
    for row in rows:
        bound = row["pilot"] or row["region"] or row["unit"]
        unit = f"（{bound}）" if bound else ""
        state = "  已停用" if row["disabled"] else ""
        print(f"{row['id']:>4}  {row['name']}  {row['role_label']}{unit}{state}")
    print(f"共 {len(rows)} 个用户。")
    return 0


def _cmd_set(db: Database, args: argparse.Namespace) -> int:
    if all(value is None for value in (args.role, args.unit, args.pilot, args.region)):
        raise InvalidInput("请给出要修改的内容：--role、--unit、--pilot 或 --region。")
    row = users.update_user(
        db,
        resolve_actor(db, args),
        args.name,
        role=args.role,
        unit=args.unit,
        pilot=args.pilot,
        region=args.region,
    )
    return done(args, f"已修改用户：{_describe(row)}。", {"user": row})


def _cmd_disable(db: Database, args: argparse.Namespace) -> int:
    disabled = args.user_command == "disable"
    row = users.set_disabled(db, resolve_actor(db, args), args.name, disabled)
    what = "已停用" if disabled else "已启用"
    return done(args, f"{what}用户：{_describe(row)}。", {"user": row})


def _cmd_passwd(db: Database, args: argparse.Namespace) -> int:
    actor = resolve_actor(db, args)
    if actor.user_id is None:
        raise InvalidInput(
            "数据库中还没有用户：请先用 `tracker user add … --role coordinator` 创建。"
        )
    name = args.name or actor.name
    own = name == actor.name
    password = _new_password("新密码：" if own else f"用户“{name}”的新密码：")
    users.set_password(db, actor, name, password)
    what = "您的密码已修改" if own else f"已重置用户“{name}”的密码"
    return done(args, f"{what}。", {"user": {"name": name, "password_changed": True}})


_HANDLERS = {
    "add": _cmd_add,
    "list": _cmd_list,
    "set": _cmd_set,
    "disable": _cmd_disable,
    "enable": _cmd_disable,
    "passwd": _cmd_passwd,
}


def _cmd_user(db: Database, args: argparse.Namespace) -> int:
    return _HANDLERS[args.user_command](db, args)


def _add_binding_arguments(q: argparse.ArgumentParser) -> None:
    q.add_argument("--unit", metavar="UNIT", help="填报员所属单位")
    q.add_argument(
        "--pilot", metavar="PILOT", help="试点主体（pilot_body）账户所属试点：编号或名称"
    )
    q.add_argument(
        "--region", metavar="REGION", help="地级市发展改革委（city_drc）账户所属地区，如 银川市"
    )


def register(sub: Any) -> None:
    """Add the account commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser("user", help="用户与角色")
    usub = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    q = usub.add_parser("add", help="添加用户（密码取自 TRACKER_NEW_PASSWORD 或终端输入）")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=list(users.ALL_ROLES))
    _add_binding_arguments(q)
    add_common(q)
    q = usub.add_parser("list", help="列出用户")
    add_common(q)
    q = usub.add_parser(
        "set",
        help="修改用户的角色、单位、试点或地区（协调员）",
        description=(
            "修改用户的角色或绑定。填报员须有单位，试点主体须有试点，地级市发展改革委须有地区"
            "（给出新的，或沿用已有的）；最后一个在用的协调员不能改为其他角色。"
        ),
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", choices=list(users.ALL_ROLES))
    _add_binding_arguments(q)
    add_common(q)
    for name, text in (
        ("disable", "停用用户：不能再登录，填报与审计记录保留（协调员；最后一个协调员不能停用）"),
        ("enable", "重新启用已停用的用户（协调员）"),
    ):
        q = usub.add_parser(name, help=text, description=text)
        q.add_argument("name", metavar="NAME")
        add_common(q)
    q = usub.add_parser(
        "passwd",
        help="修改密码：不给 NAME 时修改自己的密码；协调员可重置他人的密码",
        description="修改密码。新密码取自 TRACKER_NEW_PASSWORD，或在终端输入两次。",
    )
    q.add_argument("name", metavar="NAME", nargs="?", help="要重置密码的用户（协调员）")
    add_common(q)
    p.set_defaults(handler=_cmd_user)
