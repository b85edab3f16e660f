"""Account commands: ``user add|list``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from tracker.cli.common import add_common, done, print_json, resolve_actor
from tracker.db import Database
from tracker.errors import InvalidInput
from tracker.services import users


def _new_password() -> str:
    password = users.prompt_secret("新用户的密码：", users.ENV_NEW_PASSWORD)
    if users.ENV_NEW_PASSWORD not in os.environ:
        again = users.prompt_secret("再次输入密码：", users.ENV_NEW_PASSWORD)
        if again != password:
            raise InvalidInput("两次输入的密码不一致。")
    return password


def _cmd_user(db: Database, args: argparse.Namespace) -> int:
    if args.user_command == "add":
        actor = None if users.count_users(db) == 0 else resolve_actor(db, args)
        password = _new_password()
        user_id = users.add_user(
            db,
            actor,
            args.name,
            args.role,
            password,
            args.unit,
            pilot=args.pilot,
            region=args.region,
        )
        label = users.ALL_ROLES[args.role]
        bound = [
            f"{what}：{value}"
            for what, value in (("单位", args.unit), ("试点", args.pilot), ("地区", args.region))
            if value
        ]
        shown = "".join(f"，{b}" for b in bound)
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
    actor = resolve_actor(db, args)
    rows = users.list_users(db, actor)
    if args.json:
        print_json({"users": rows})
        return 0
    for row in rows:
        bound = row["pilot"] or row["region"] or row["unit"]
        unit = f"（{bound}）" if bound else ""
        print(f"{row['id']:>4}  {row['name']}  {row['role_label']}{unit}")
    print(f"共 {len(rows)} 个用户。")
    return 0


def register(sub: Any) -> None:
    """Add the account commands to the ``tracker`` sub-parsers."""
    p = sub.add_parser("user", help="用户与角色")
    usub = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    q = usub.add_parser("add", help="添加用户（密码取自 TRACKER_NEW_PASSWORD 或终端输入）")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=list(users.ALL_ROLES))
    q.add_argument("--unit", metavar="UNIT", help="填报员所属单位")
    q.add_argument(
        "--pilot", metavar="PILOT", help="试点主体（pilot_body）账户所属试点：编号或名称"
    )
    q.add_argument(
        "--region", metavar="REGION", help="地级市发展改革委（city_drc）账户所属地区，如 银川市"
    )
    add_common(q)
    q = usub.add_parser("list", help="列出用户")
    add_common(q)
    p.set_defaults(handler=_cmd_user)
