"""The PostgreSQL server given by ``TEST_PG_URL`` (started by ``.ci/run``) is usable.

Outside CI, without ``TEST_PG_URL``, this is skipped with a visible reason; in CI
(``CI=true``) a missing ``TEST_PG_URL`` fails, so the PostgreSQL half of the suite can
never be dropped without anyone noticing.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import IN_CI, PG_URL


@pytest.fixture
def pg_url() -> str:
    """``TEST_PG_URL``; a failure in CI when it is missing, a skip elsewhere."""
    if PG_URL:
        return PG_URL
    if IN_CI:
        pytest.fail("CI=true but TEST_PG_URL is not set: .ci/run must start PostgreSQL")
    pytest.skip("TEST_PG_URL is not set (.ci/run sets it; see README: PostgreSQL)")


def test_server_answers(pg_url: str) -> None:
    assert make_url(pg_url).get_backend_name() == "postgresql"
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar_one() == 1
            version = conn.execute(text("show server_version_num")).scalar_one()
    finally:
        engine.dispose()
    # DROP DATABASE … WITH (FORCE), used by the fixtures, needs PostgreSQL 13.
    assert int(version) >= 130000


def test_role_may_create_database(pg_url: str) -> None:
    name = f"tracker_ci_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                other = create_engine(make_url(pg_url).set(database=name))
                try:
                    with other.connect() as db_conn:
                        current = db_conn.execute(text("select current_database()")).scalar_one()
                    assert current == name
                finally:
                    other.dispose()
            finally:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            gone = conn.execute(
                text("select count(*) from pg_database where datname = :name"), {"name": name}
            ).scalar_one()
            assert gone == 0
    finally:
        admin.dispose()
