"""Rules of the layout (STYLE.md 1–2): the core never imports Qt; the UI never holds a
database session."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.db import Database
from tracker.errors import DatabaseError, InvalidInput

from conftest import ROOT


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "tracker").rglob("*.py")), ids=str)
def test_core_module_does_not_import_qt(path: Path) -> None:
    qt = {m for m in imported_modules(path) if m.split(".")[0] in {"PySide6", "shiboken6", "ui"}}
    assert qt == set()


def test_cli_runs_without_loading_qt() -> None:
    code = "import sys, tracker.cli; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("path", sorted((ROOT / "ui").rglob("*.py")), ids=str)
def test_ui_module_holds_no_session(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m.startswith("sqlalchemy")}
    source = path.read_text(encoding="utf-8")
    assert ".session()" not in source
    assert ".reader()" not in source


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="无法打开数据库"):
        Database.open(str(blocker / "tracker.sqlite3"))
    with pytest.raises(DatabaseError, match=r"u:\*\*\*@"):  # the password is not shown
        Database.open("postgresql+psycopg://u:secret@127.0.0.1:1/db")


_CLI_WORDS = re.compile(r"--[a-z]|(?<![A-Za-z_.])tracker [a-z]")
_CORE_MODULES = [
    p for p in sorted((ROOT / "tracker").rglob("*.py")) if "cli" not in p.relative_to(ROOT).parts
]


def _message_texts(call: ast.Call) -> list[str]:
    """The literal text of an exception's message (its positional arguments)."""
    texts: list[str] = []
    for arg in call.args:
        for node in ast.walk(arg):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
    return texts


@pytest.mark.parametrize("path", _CORE_MODULES, ids=str)
def test_error_messages_name_no_command_line_option(path: Path) -> None:
    """The desktop app shows a refusal's message as it is: how to put it right on the
    command line goes into the exception's ``hint``, which only the CLI prints."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [
        f"line {node.lineno}: {text!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
        for text in _message_texts(node.exc)
        if _CLI_WORDS.search(text)
    ]
    assert found == []


def test_a_hint_is_printed_by_the_command_line_only() -> None:
    refused = InvalidInput("退回必须说明理由。", hint="用 --reason 说明理由。")
    assert str(refused) == "退回必须说明理由。"
    assert refused.cli_text() == "退回必须说明理由。\n提示：用 --reason 说明理由。"
    assert InvalidInput("只有说明").cli_text() == "只有说明"
