"""Accounts: password hashing, the first coordinator, sign-in, and who the CLI acts as."""

from __future__ import annotations

import io

import pytest

from tracker.db import Database
from tracker.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from tracker.models import User
from tracker.services import history, users

from factories import MIIT, make_plan, use_fast_hashing

PASSWORD = "s3cret-password"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashing(monkeypatch)


def test_default_hash_is_memory_hard_scrypt_with_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "SCRYPT_PARAMS", users.ScryptParams())
    stored = users.hash_password(PASSWORD)
    scheme, n, r, _p, salt, key = stored.split("$")
    assert scheme == "scrypt"
    assert 128 * int(n) * int(r) >= 32 * 1024 * 1024  # at least 32 MiB of memory
    assert (len(bytes.fromhex(salt)), len(bytes.fromhex(key))) == (16, 32)
    assert PASSWORD not in stored
    assert users.verify_password(PASSWORD, stored)
    assert not users.verify_password(PASSWORD + "x", stored)


def test_same_password_gets_different_hashes() -> None:
    first, second = users.hash_password(PASSWORD), users.hash_password(PASSWORD)
    assert first != second
    assert users.verify_password(PASSWORD, first) and users.verify_password(PASSWORD, second)


@pytest.mark.parametrize("stored", ["", "plain", "bcrypt$1$2$3$00$00", "scrypt$x$8$1$00$00"])
def test_malformed_hash_never_verifies(stored: str) -> None:
    assert users.verify_password(PASSWORD, stored) is False


def _hash_with(n: int, r: int, p: int, salt: bytes = bytes(16), key: bytes = bytes(32)) -> str:
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


@pytest.mark.parametrize(
    "stored",
    [
        _hash_with(2**31, 8, 1),  # 256 GiB of memory
        _hash_with(2**20, 32, 1),  # 4 GiB
        _hash_with(2**15, 8, 10**6),  # hours of work
        _hash_with(2**15 + 1, 8, 1),  # n not a power of two
        _hash_with(2**4, 8, 1),  # too cheap to be one of ours
        _hash_with(2**15, 0, 1),
        _hash_with(2**15, 8, 0),
        _hash_with(2**15, 8, 1, salt=b""),
        _hash_with(2**15, 8, 1, salt=bytes(4096)),
        _hash_with(2**15, 8, 1, key=bytes(4)),
        _hash_with(2**15, 8, 1, key=bytes(100_000)),
        "scrypt$" + "9" * 5000 + "$8$1$00$00",
    ],
    ids=[
        "256GiB",
        "4GiB",
        "hours",
        "n-odd",
        "n-tiny",
        "r0",
        "p0",
        "no-salt",
        "huge-salt",
        "short-key",
        "huge-key",
        "huge-number",
    ],
)
def test_hash_with_out_of_bounds_parameters_is_refused_not_computed(
    stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scrypt(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("an out-of-bounds hash was computed")

    monkeypatch.setattr(users.hashlib, "scrypt", no_scrypt)
    assert users.verify_password(PASSWORD, stored) is False


def test_hashes_within_the_bounds_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    for params in (users.ScryptParams(n=2**10, r=8, p=1), users.ScryptParams(n=2**14, r=16, p=2)):
        monkeypatch.setattr(users, "SCRYPT_PARAMS", params)
        assert params.within_bounds()
        assert users.verify_password(PASSWORD, users.hash_password(PASSWORD))
    assert users.ScryptParams().within_bounds()  # the program's own default


def test_user_with_a_tampered_hash_cannot_sign_in(db: Database) -> None:
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    with db.session() as session:
        user = session.query(User).one()
        user.password_hash = _hash_with(2**31, 8, 1)
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
        users.authenticate(db, "管理员", PASSWORD)


def test_first_user_must_be_a_coordinator_and_needs_no_sign_in(db: Database) -> None:
    make_plan(db)
    assert users.count_users(db) == 0
    with pytest.raises(InvalidInput, match="第一个用户必须是协调员"):
        users.add_user(db, None, "张三", "reporter", PASSWORD, unit=MIIT)
    first = users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    assert users.count_users(db) == 1
    # From now on a signed-in coordinator is needed.
    with pytest.raises(PermissionDenied, match="须先登录"):
        users.add_user(db, None, "李四", "coordinator", PASSWORD)
    admin = users.authenticate(db, "管理员", PASSWORD)
    assert (admin.user_id, admin.is_coordinator, admin.unit_id) == (first, True, None)
    reporter_id = users.add_user(db, admin, "张三", "reporter", PASSWORD, unit="市工信局")
    reporter = users.authenticate(db, "张三", PASSWORD)
    assert (reporter.user_id, reporter.role, reporter.unit_name) == (reporter_id, "reporter", MIIT)
    with pytest.raises(PermissionDenied, match="仅协调员"):
        users.add_user(db, reporter, "王五", "coordinator", PASSWORD)
    records = [(r["action"], r["field"], r["after"]) for r in history.list_audit(db, admin)]
    assert ("add_user", "role", "协调员") in records
    assert ("add_user", "unit", MIIT) in records
    assert all(PASSWORD not in str(r) for r in records)


@pytest.mark.parametrize(
    ("name", "role", "password", "unit", "error", "message"),
    [
        ("", "coordinator", PASSWORD, None, InvalidInput, "用户名不能为空"),
        ("甲", "admin", PASSWORD, None, InvalidInput, "角色“admin”无效"),
        ("甲", "reporter", PASSWORD, None, InvalidInput, "填报员必须绑定一个单位"),
        ("甲", "coordinator", PASSWORD, MIIT, InvalidInput, "协调员不绑定单位"),
        ("甲", "coordinator", "short", None, InvalidInput, "密码太短：至少需要 8 个字符"),
        ("甲", "reporter", PASSWORD, "市不存在局", NotFound, "没有名为“市不存在局”的单位"),
        ("管理员", "coordinator", PASSWORD, None, InvalidInput, "用户“管理员”已存在"),
    ],
)
def test_bad_new_user_is_refused(
    db: Database,
    name: str,
    role: str,
    password: str,
    unit: str | None,
    error: type[Exception],
    message: str,
) -> None:
    make_plan(db)
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    admin = users.authenticate(db, "管理员", PASSWORD)
    with pytest.raises(error, match=message):
        users.add_user(db, admin, name, role, password, unit=unit)
    assert users.count_users(db) == 1


def test_wrong_name_or_password_is_refused_with_the_same_message(db: Database) -> None:
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误") as wrong_password:
        users.authenticate(db, "管理员", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误") as wrong_name:
        users.authenticate(db, "没有这人", PASSWORD)
    assert str(wrong_password.value) == str(wrong_name.value)


def test_password_is_stored_hashed(db: Database) -> None:
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    with db.reader() as session:
        stored = session.query(User.password_hash).scalar()
    assert stored is not None and stored.startswith("scrypt$") and PASSWORD not in stored


def test_list_users_and_change_password(db: Database) -> None:
    make_plan(db)
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    admin = users.authenticate(db, "管理员", PASSWORD)
    users.add_user(db, admin, "张三", "reporter", PASSWORD, unit=MIIT)
    zhang = users.authenticate(db, "张三", PASSWORD)
    listed = [(u["name"], u["role_label"], u["unit"]) for u in users.list_users(db, admin)]
    assert listed == [("管理员", "协调员", None), ("张三", "填报员", MIIT)]
    with pytest.raises(PermissionDenied):
        users.list_users(db, zhang)
    users.set_password(db, zhang, "张三", "new-password-1")
    assert users.authenticate(db, "张三", "new-password-1").name == "张三"
    with pytest.raises(PermissionDenied):
        users.set_password(db, zhang, "管理员", "hijacked-password")
    users.set_password(db, admin, "张三", "reset-password")
    with pytest.raises(AuthenticationFailed):
        users.authenticate(db, "张三", "new-password-1")


# ---------------------------------------------------------------- cli_actor


def test_cli_actor_on_a_database_without_users_is_the_local_coordinator(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_USER", raising=False)
    monkeypatch.setattr(users.getpass, "getuser", lambda: "zhangsan")
    actor = users.cli_actor(db, None)
    assert (actor.name, actor.is_coordinator, actor.user_id) == ("zhangsan", True, None)


def test_cli_actor_signs_in_from_the_environment(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    monkeypatch.delenv("TRACKER_USER", raising=False)
    monkeypatch.delenv("TRACKER_PASSWORD", raising=False)
    with pytest.raises(AuthenticationFailed, match="请登录") as refused:
        users.cli_actor(db, None)
    assert refused.value.hint is not None and "TRACKER_USER" in refused.value.hint
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompt possible
    with pytest.raises(AuthenticationFailed, match="未提供密码：请设置环境变量 TRACKER_PASSWORD"):
        users.cli_actor(db, "管理员")
    monkeypatch.setenv("TRACKER_USER", "管理员")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    assert users.cli_actor(db, None).name == "管理员"
    monkeypatch.setenv("TRACKER_PASSWORD", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误"):
        users.cli_actor(db, None)


def test_cli_actor_prompts_for_the_password_at_a_terminal(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(db, None, "管理员", "coordinator", PASSWORD)
    monkeypatch.delenv("TRACKER_PASSWORD", raising=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(users.getpass, "getpass", fake_getpass)
    assert users.cli_actor(db, "管理员").name == "管理员"
    assert prompts == ["用户“管理员”的密码："]
