"""Managing accounts: role and unit, disabling, passwords, the last coordinator, and the
first coordinator of two programs starting at once — through the services and the CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker.cli import main
from tracker.db import Database
from tracker.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from tracker.services import history, users

from concurrency import race
from factories import HOUSING, MIIT, PASSWORD, World, make_plan, make_world, use_fast_hashing


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def second_program(db_url: str, db: Database) -> Iterator[Database]:
    """Another program on the same database."""
    del db
    other = Database.open(db_url)
    try:
        yield other
    finally:
        other.close()


def _audit(world: World, action: str) -> list[tuple[str | None, str | None, str | None]]:
    return [
        (r["field"], r["before"], r["after"])
        for r in history.list_audit(world.db, world.coordinator, limit=None)
        if r["action"] == action
    ]


def _user(world: World, name: str) -> dict[str, object]:
    return next(u for u in users.list_users(world.db, world.coordinator) if u["name"] == name)


# ---------------------------------------------------------------- role and unit


def test_change_a_reporters_unit_and_make_them_a_coordinator(world: World) -> None:
    db, c = world.db, world.coordinator
    row = users.update_user(db, c, "工信局填报员", unit=HOUSING)
    assert (row["role"], row["unit"]) == ("reporter", HOUSING)
    assert users.authenticate(db, "工信局填报员", PASSWORD).unit_name == HOUSING
    row = users.update_user(db, c, "工信局填报员", role="coordinator")
    assert (row["role"], row["unit"]) == ("coordinator", None)
    assert users.authenticate(db, "工信局填报员", PASSWORD).is_coordinator
    assert _audit(world, "set_user") == [
        ("unit", MIIT, HOUSING),
        ("role", "填报员", "协调员"),
        ("unit", HOUSING, None),
    ]


def test_a_coordinator_made_reporter_needs_a_unit(world: World) -> None:
    db, c = world.db, world.coordinator
    users.add_user(db, c, "协调员乙", "coordinator", PASSWORD)
    with pytest.raises(InvalidInput, match="须指明单位"):
        users.update_user(db, c, "协调员乙", role="reporter")
    with pytest.raises(InvalidInput, match="协调员不绑定单位"):
        users.update_user(db, c, "协调员乙", unit=MIIT)
    with pytest.raises(NotFound, match="没有名为“市不存在局”的单位"):
        users.update_user(db, c, "协调员乙", role="reporter", unit="市不存在局")
    row = users.update_user(db, c, "协调员乙", role="reporter", unit=MIIT)
    assert (row["role"], row["unit"]) == ("reporter", MIIT)


def test_the_last_active_coordinator_cannot_be_demoted_or_disabled(world: World) -> None:
    db, c = world.db, world.coordinator
    with pytest.raises(InvalidInput, match="最后一个在用的协调员，不能改为填报员"):
        users.update_user(db, c, "协调员甲", role="reporter", unit=MIIT)
    users.add_user(db, c, "协调员乙", "coordinator", PASSWORD)
    second = users.authenticate(db, "协调员乙", PASSWORD)
    with pytest.raises(InvalidInput, match="不能停用自己的账户"):
        users.set_disabled(db, c, "协调员甲", True)
    users.set_disabled(db, second, "协调员甲", True)
    with pytest.raises(InvalidInput, match="“协调员乙”是最后一个在用的协调员，不能改为填报员"):
        users.update_user(db, second, "协调员乙", role="reporter", unit=MIIT)
    # a disabled coordinator does not count, and cannot act any more
    with pytest.raises(PermissionDenied, match="已不是在用的协调员"):
        users.set_disabled(db, c, "协调员乙", True)
    assert _user(world, "协调员乙")["disabled"] is False


def test_only_an_active_coordinator_manages_accounts(world: World) -> None:
    db = world.db
    for call in (
        lambda: users.update_user(db, world.ndrc, "工信局填报员", unit=HOUSING),
        lambda: users.set_disabled(db, world.ndrc, "工信局填报员", True),
        lambda: users.set_password(db, world.ndrc, "工信局填报员", "hijacked-pass"),
    ):
        with pytest.raises(PermissionDenied, match="仅协调员"):
            call()
    users.add_user(db, world.coordinator, "协调员乙", "coordinator", PASSWORD)
    second = users.authenticate(db, "协调员乙", PASSWORD)
    users.update_user(db, world.coordinator, "协调员乙", role="reporter", unit=MIIT)
    with pytest.raises(PermissionDenied, match="请重新登录"):  # signed in before the demotion
        users.add_user(db, second, "新人", "reporter", PASSWORD, unit=MIIT)


# ---------------------------------------------------------------- disabling


def test_a_disabled_user_cannot_sign_in_until_enabled(world: World) -> None:
    db, c = world.db, world.coordinator
    row = users.set_disabled(db, c, "住建局填报员", True)
    assert (row["disabled"], row["state_label"]) == (True, "已停用")
    with pytest.raises(AuthenticationFailed, match="账户“住建局填报员”已停用，不能登录"):
        users.authenticate(db, "住建局填报员", PASSWORD)
    # a wrong password still gets the usual message: the state is told only to the owner
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
        users.authenticate(db, "住建局填报员", "wrong-password")
    users.set_disabled(db, c, "住建局填报员", False)
    assert users.authenticate(db, "住建局填报员", PASSWORD).unit_name == HOUSING
    assert _audit(world, "disable_user") == [("disabled", "否", "是")]
    assert _audit(world, "enable_user") == [("disabled", "是", "否")]


# ---------------------------------------------------------------- passwords


def test_own_password_needs_the_current_one(world: World) -> None:
    db = world.db
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
        users.change_own_password(db, world.miit, "wrong-password", "brand-new-pass")
    with pytest.raises(InvalidInput, match="密码太短"):
        users.change_own_password(db, world.miit, PASSWORD, "short")
    with pytest.raises(InvalidInput, match="不能与当前密码相同"):
        users.change_own_password(db, world.miit, PASSWORD, PASSWORD)
    users.change_own_password(db, world.miit, PASSWORD, "brand-new-pass")
    assert users.authenticate(db, "工信局填报员", "brand-new-pass").name == "工信局填报员"
    users.set_password(db, world.coordinator, "工信局填报员", "reset-by-office")
    assert users.authenticate(db, "工信局填报员", "reset-by-office").name == "工信局填报员"
    assert [a for _f, _b, a in _audit(world, "set_password")] == ["本人修改", "由协调员重置"]


# ---------------------------------------------------------------- two programs at once


def test_two_first_starts_create_one_first_coordinator(
    db: Database, second_program: Database
) -> None:
    outcomes = race(
        [db, second_program],
        [
            lambda d: users.add_user(d, None, "甲办公室", "coordinator", PASSWORD),
            lambda d: users.add_user(d, None, "乙办公室", "coordinator", PASSWORD),
        ],
        pause_after=r"count\(\*\).*FROM users",
    )
    failed = [o.error for o in outcomes if o.error is not None]
    assert users.count_users(db) == 1
    assert len(failed) == 1 and isinstance(failed[0], PermissionDenied), failed
    assert "第一个协调员" in str(failed[0]) or "须先登录" in str(failed[0])


def test_two_coordinators_demoting_each_other_leave_one(
    world: World, second_program: Database
) -> None:
    db = world.db
    users.add_user(db, world.coordinator, "协调员乙", "coordinator", PASSWORD)
    second = users.authenticate(db, "协调员乙", PASSWORD)
    outcomes = race(
        [db, second_program],
        [
            lambda d: users.update_user(
                d, world.coordinator, "协调员乙", role="reporter", unit=MIIT
            ),
            lambda d: users.update_user(d, second, "协调员甲", role="reporter", unit=MIIT),
        ],
        pause_after=r"FROM users\s+WHERE users.role",
    )
    assert sum(o.error is None for o in outcomes) == 1, outcomes
    failed = next(o.error for o in outcomes if o.error is not None)
    assert isinstance(failed, PermissionDenied | InvalidInput), failed
    active = [
        u["name"]
        for u in users.list_users(db, world.coordinator)
        if u["role"] == "coordinator" and not u["disabled"]
    ]
    assert len(active) == 1


# ---------------------------------------------------------------- the CLI


def _cli(db_url: str, *args: str) -> int:
    return main(["--db", db_url, *args])


def test_cli_user_set_disable_enable_passwd(
    db_url: str,
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_plan(db)
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    admin = users.authenticate(db, "管理员", PASSWORD)
    users.add_user(db, admin, "张三", "reporter", PASSWORD, unit=MIIT)
    monkeypatch.setenv("TRACKER_USER", "管理员")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)

    assert _cli(db_url, "user", "set", "张三", "--unit", HOUSING) == 0
    assert f"已修改用户：张三（填报员，单位：{HOUSING}，在用）" in capsys.readouterr().out
    assert _cli(db_url, "user", "disable", "张三") == 0
    assert "已停用用户：张三" in capsys.readouterr().out
    assert _cli(db_url, "user", "list") == 0
    assert "张三  填报员（市住建局）  已停用" in capsys.readouterr().out
    assert _cli(db_url, "user", "disable", "管理员") == 4
    assert "不能停用自己的账户" in capsys.readouterr().err

    # the disabled user cannot sign in at the command line
    monkeypatch.setenv("TRACKER_USER", "张三")
    assert _cli(db_url, "tasks") == 5
    assert "账户“张三”已停用" in capsys.readouterr().err

    monkeypatch.setenv("TRACKER_USER", "管理员")
    assert _cli(db_url, "user", "enable", "张三") == 0
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "reset-password-1")
    assert _cli(db_url, "user", "passwd", "张三") == 0
    assert "已重置用户“张三”的密码" in capsys.readouterr().out

    monkeypatch.setenv("TRACKER_USER", "张三")
    monkeypatch.setenv("TRACKER_PASSWORD", "reset-password-1")
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", "my-own-password")
    assert _cli(db_url, "user", "passwd") == 0
    assert "您的密码已修改" in capsys.readouterr().out
    assert users.authenticate(db, "张三", "my-own-password").name == "张三"
    monkeypatch.setenv("TRACKER_PASSWORD", "my-own-password")
    assert _cli(db_url, "user", "passwd", "管理员") == 5
    assert "无权修改其他用户的密码" in capsys.readouterr().err
