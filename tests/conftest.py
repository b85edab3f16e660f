"""Shared fixtures: the plans of our own writing, the real seed documents, and a fresh
database per test on SQLite and, when ``TEST_PG_URL`` is set, on PostgreSQL too (each test
gets its own database cloned from a migrated template).

The real plans live outside the repository, in ../shared/seeds. Tests that read them carry
the ``seeds`` marker (or use the :func:`seeds` fixture): they run whenever the folder is
there, are skipped with the reason when it is not — a clone on a user's machine — and fail
instead when ``CI=true``, where the folder must be present.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

# Qt must never open a window in the tests; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker.db import Database, migrate

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
PG_URL = os.environ.get("TEST_PG_URL")
# Under CI (.ci/run sets CI=true) nothing the suite needs may be missing: the seeds and
# TEST_PG_URL turn from a visible skip into a failure.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

FIXTURES = ROOT / "tests" / "fixtures"
PLANS = FIXTURES / "plans"
# Plans of our own writing, one per way of marking responsibility (see the files).
PLAN_REGION = PLANS / "青山省碳达峰实施方案.txt"  # （责任单位：…）, unlabelled, comma list
PLAN_CITY = PLANS / "临川市碳达峰实施方案.txt"  # （A牵头，B等按职责分工负责）, blanket note
PLAN_COUNTY = PLANS / "平岗县碳达峰实施方案.txt"  # 牵头单位：/参加单位：, 负责单位：, bare label
PLAN_TABLE = PLANS / "云岭市碳达峰实施方案.txt"  # body + PDF-style 任务分工 table
PLAN_NO_BREAKDOWN = PLANS / "合溪市碳达峰试点建设方案.txt"  # a pilot scheme: no breakdown
OWN_PLANS = [PLAN_REGION, PLAN_CITY, PLAN_COUNTY, PLAN_TABLE, PLAN_NO_BREAKDOWN]

SEED_000 = SEEDS / "000_b7ee931a2cb0ef57.txt"
SEED_001 = SEEDS / "001_69c9d6620e20abd3.txt"
SEED_002 = SEEDS / "002_024ce7f457ff4c1b.txt"
SEED_004 = SEEDS / "004_03d5bdb1a4f7da91.txt"


SEEDS_MISSING = f"the real plans are not here: {SEEDS} does not exist (a clone without ../shared)"


def require_seeds() -> None:
    """Skip the running test when ../shared/seeds is absent — or fail it under CI=true."""
    if SEEDS.is_dir():
        return
    if IN_CI:
        pytest.fail(f"CI=true requires the seed documents, but {SEEDS_MISSING}", pytrace=False)
    pytest.skip(SEEDS_MISSING)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``seeds`` need ../shared/seeds (see the module docstring)."""
    if item.get_closest_marker("seeds") is not None:
        require_seeds()


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The folder of real plan documents (../shared/seeds)."""
    require_seeds()
    return SEEDS


BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head, used as the template of each test database."""
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"tracker_tmpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name)
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_database(template: str) -> tuple[str, str]:
    assert PG_URL is not None
    name = f"tracker_t{os.getpid()}_{next(_counter)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return name, make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _pg_drop(name: str) -> None:
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "tracker.sqlite3")
        return
    template = request.getfixturevalue("pg_template")
    name, url = _pg_database(template)
    try:
        yield url
    finally:
        _pg_drop(name)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An opened database at head revision."""
    database = Database.open(db_url)
    try:
        yield database
    finally:
        database.close()
