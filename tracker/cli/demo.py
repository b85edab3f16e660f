"""``tracker demo``: build the demo database (the sample plan with example reports).

It never touches the working database: by default it writes the demo file in the user data
directory, and a database given with ``--db`` must be empty (or already the demo).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tracker import config, demo, pilot_demo
from tracker.cli.common import print_json
from tracker.db import Database
from tracker.services import pilots


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r正在生成示例数据……{done}/{total}", end="", file=sys.stderr, flush=True)


def _open(args: argparse.Namespace) -> tuple[Database, str, bool]:
    """The demo database, built if needed; (database, where, built now)."""
    given: str | None = args.db
    if given and "://" in given and not given.startswith("sqlite"):
        db = Database.open(given)  # a server database: it must be empty (build_demo checks)
        if demo.is_demo(db):
            return db, given, False
        try:
            demo.build_demo(db, progress=_progress)
        except BaseException:
            db.close()
            raise
        return db, config.resolve_db_url(given), True
    path = Path(given.removeprefix("sqlite:///")) if given else config.demo_db_path()
    path = path.expanduser().resolve()
    existed = path.exists()
    db = demo.open_demo(path, rebuild=args.rebuild, progress=_progress)
    return db, str(path), args.rebuild or not existed


def run(args: argparse.Namespace) -> int:
    """Build (or find) the demo database and say how to use it."""
    db, where, built = _open(args)
    try:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        actor = demo.sign_in(db)
        plan = demo.sample_plan(db, actor)
        accounts = {
            "coordinator": demo.coordinator_name(),
            "reporters": demo.texts()["reporters"],
            "pilots": pilot_demo.account_names(plan["region"]),
        }
        count = len(pilots.list_pilots(db, actor))
        if args.json:
            print_json(
                {"database": where, "built": built, "plan": plan, "pilots": count,
                 "accounts": accounts, "password": demo.password()}
            )  # fmt: skip
            return 0
        print(f"{'已生成' if built else '已有'}示例数据库：{where}")
        print(f"  实施方案：{plan['title']}（{plan['task_count']} 项任务，虚构示例）")
        print(f"  碳达峰试点：{count} 个（{plan['region']}，虚构示例），各有试点实施方案和重大项目")
        reporters = "、".join(f"{name}（{unit}）" for unit, name in accounts["reporters"].items())
        print(f"  协调员：{accounts['coordinator']}；填报员：{reporters}")
        shown = "、".join(f"{name}（{what}）" for name, what in accounts["pilots"].items())
        print(f"  试点账户：{shown}")
        print(f"  以上账户的密码均为 {demo.password()}")
        period = demo.latest_past_period(db, actor) or "2026H1"
        print(
            f"  查看：TRACKER_PASSWORD={demo.password()} tracker --db {where} "
            f"--user {accounts['coordinator']} remind --period {period}"
        )
        print(f"  桌面程序：tracker-gui --db {where}，或在菜单“文件 → 打开示例数据库”")
        if not built:
            print("  （如需重新生成，加 --rebuild）")
        return 0
    finally:
        db.close()


def register(sub: Any) -> None:
    """Add ``tracker demo`` to the ``tracker`` sub-parsers."""
    p = sub.add_parser(
        "demo",
        help="生成示例数据库（示例市的方案、试点、账户和填报，与工作数据库分开）",
        description="生成示例数据库：虚构的示例市碳达峰实施方案，一个协调员和几个填报员账户，"
        "最近几个报告期的填报（已锁定、待审核、已退回、逾期、未报送），以及示例市的 16 个碳达峰"
        "试点（项目、经验做法、各审核状态的半年报告）和地级市发展改革委、试点主体账户。默认写入"
        "用户数据目录中的 demo.sqlite3，绝不写入工作数据库；--db 给出的数据库必须是空的或已是示例数据库。",
    )
    p.add_argument(
        "--db", metavar="PATH", help="示例数据库的位置（默认用户数据目录中的 demo.sqlite3）"
    )
    p.add_argument("--rebuild", action="store_true", help="示例数据库已存在时重新生成")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.set_defaults(run=run)
