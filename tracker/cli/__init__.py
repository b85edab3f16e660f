"""The command line: ``tracker [--db URL] [--user NAME] COMMAND …``.

Each command opens the database, resolves who is acting, calls one service and prints
the result (plain text, or one JSON object with ``--json``). Expected failures
(:class:`~tracker.errors.TrackerError`) print their Chinese message to stderr and exit
non-zero; nothing half-written is left because every service call is one transaction.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tracker import __version__
from tracker.cli import accounts, demo, outputs, pilots, plans, progress
from tracker.cli import settings as settings_commands
from tracker.cli.common import Handler
from tracker.db import Database
from tracker.errors import TrackerError

# One module per command group; each has ``register(subparsers)`` and sets ``handler``.
# ``pilots`` adds ``export pilot-overview`` to the ``export`` group of the outputs module,
# so it comes after it.
COMMAND_MODULES = (plans, accounts, settings_commands, demo, progress, outputs, pilots)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="tracker", description="碳达峰任务台账 — 命令行", allow_abbrev=False
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="URL", help="数据库：SQLAlchemy URL 或 SQLite 文件路径")
    parser.add_argument("--user", metavar="NAME", help="以此用户身份操作（或设置 TRACKER_USER）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tracker`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        run = getattr(args, "run", None)
        if run is not None:  # a command that chooses its own database (tracker demo)
            code: int = run(args)
            return code
        handler: Handler = args.handler
        db = Database.open(args.db)
        if db.backup_made is not None:
            print(f"数据库已升级到本程序的版本；升级前的备份：{db.backup_made}", file=sys.stderr)
        try:
            return handler(db, args)
        finally:
            db.close()
    except TrackerError as exc:
        print(f"错误：{exc.cli_text()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`tracker tasks | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
