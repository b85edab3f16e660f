"""Where things live: the database URL, the user data directory, the project resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tanda-tracker"
ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
MIGRATIONS = ROOT / "db"
SAMPLE_DIR = RESOURCES / "sample"
# A plan of our own writing (a fictional 示例市), shown in the demo database.
SAMPLE_PLAN = SAMPLE_DIR / "示例市碳达峰实施方案.txt"

ENV_DB = "TRACKER_DB"


def data_dir() -> Path:
    """The user's data directory for this program (created on demand)."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The embedded SQLite database file used when no URL is given."""
    return data_dir() / "tracker.sqlite3"


def demo_db_path() -> Path:
    """The demo database (the sample plan with example reports), kept apart from the
    working database in its own file."""
    return data_dir() / "demo.sqlite3"


def resolve_db_url(given: str | None = None) -> str:
    """The database URL from ``--db``, else ``TRACKER_DB``, else the default SQLite file.

    A value without ``://`` is a path to a SQLite file.
    """
    value = given or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())
