"""What every command module of the CLI shares: JSON output, signing in, argument helpers."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from tracker.db import Database
from tracker.services.actor import Actor

Handler = Callable[[Database, argparse.Namespace], int]


def print_json(obj: Any) -> None:
    """Print one JSON object (UTF-8, Chinese kept readable)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def resolve_actor(db: Database, args: argparse.Namespace) -> Actor:
    """The user the command acts as (``--user`` / ``TRACKER_USER``, password from env/prompt)."""
    from tracker.services import users

    return users.cli_actor(db, getattr(args, "user", None))


def parse_date(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无效：请写作 YYYY-MM-DD") from None


def add_common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    """``--user`` / ``--db`` after the sub-command too, and ``--json`` when asked."""
    # SUPPRESS keeps the global value when the option is absent here.
    parser.add_argument(
        "--user", metavar="NAME", default=argparse.SUPPRESS, help="以此用户身份操作"
    )
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="数据库")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")


def done(args: argparse.Namespace, message: str, payload: dict[str, Any]) -> int:
    """Print ``payload`` as JSON with ``--json``, else ``message``; exit code 0."""
    if args.json:
        print_json(payload)
    else:
        print(message)
    return 0


def export_progress(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    """A progress callback for an export, printing a percentage on stderr when it is a
    terminal (None with ``--json`` or when stderr is not a terminal)."""
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r正在导出… {100 * done // max(total, 1):3d}%", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    return show


def one_line(value: str | None) -> str | None:
    """``value`` on one line (line breaks shown as ↵)."""
    return None if value is None else value.replace("\n", " ↵ ")


def pad(text: str, columns: int) -> str:
    """``text`` padded to ``columns`` display columns (a CJK character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, columns - used)
