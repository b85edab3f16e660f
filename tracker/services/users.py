"""Accounts and sign-in: coordinators (协调员) and unit reporters (填报员).

Passwords are stored as salted scrypt hashes (memory-hard; the parameters are kept in the
hash so they can be raised later) and compared in constant time. The first account of a
database must be a coordinator and needs no sign-in; after that every command signs in.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from tracker.db import Database
from tracker.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from tracker.models import Unit, User
from tracker.services import audit
from tracker.services import settings as settings_service
from tracker.services.access import find_unit
from tracker.services.actor import ROLE_COORDINATOR, ROLE_REPORTER, Actor
from tracker.services.pilot_accounts import PILOT_ROLES, bind, binding_labels, check_arguments
from tracker.services.regions import labels_by_id

ENV_USER = "TRACKER_USER"
ENV_PASSWORD = "TRACKER_PASSWORD"
ENV_NEW_PASSWORD = "TRACKER_NEW_PASSWORD"

ROLES = {ROLE_COORDINATOR: "协调员", ROLE_REPORTER: "填报员"}
# Every role an account may have: the two above and the pilot roles (revision 0006).
ALL_ROLES = {**ROLES, **PILOT_ROLES}
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class ScryptParams:
    """Cost parameters of scrypt: memory = 128 · n · r bytes (n=2**15, r=8: 32 MiB)."""

    n: int = 2**15
    r: int = 8
    p: int = 1


# Module-level so that tests can lower the cost; verification reads the stored parameters.
SCRYPT_PARAMS = ScryptParams()
_SALT_BYTES = 16
_KEY_BYTES = 32


def _scrypt(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=256 * params.n * params.r * params.p + 1024 * 1024,
        dklen=_KEY_BYTES,
    )


def hash_password(password: str) -> str:
    """A new salted hash: ``scrypt$n$r$p$salt_hex$key_hex``."""
    params = SCRYPT_PARAMS
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, params)
    return f"scrypt${params.n}${params.r}${params.p}${salt.hex()}${key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, key_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        params = ScryptParams(int(n), int(r), int(p))
        salt, key = bytes.fromhex(salt_hex), bytes.fromhex(key_hex)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, params), key)


# A hash of nothing in particular, checked when the user does not exist so that a wrong
# name takes as long as a wrong password.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def _check_password_rules(password: str) -> None:
    minimum = settings_service.get().password_min_length
    if len(password) < minimum:
        raise InvalidInput(f"密码太短：至少需要 {minimum} 个字符。")
    if password != password.strip():
        raise InvalidInput("密码的开头和结尾不能是空格。")


def count_users(db: Database) -> int:
    """How many accounts exist (0 on a fresh database: the first start creates one)."""
    with db.reader() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def _actor_for(user: User) -> Actor:
    session = object_session(user)
    label = (
        labels_by_id(session, [user.unit.id])[user.unit.id]
        if user.unit is not None and session is not None
        else None
    )
    return Actor(
        name=user.name,
        role=user.role,
        user_id=user.id,
        unit_id=user.unit_id,
        unit_name=label,
        pilot_id=user.pilot_id,
        region_id=user.region_id,
    )


def add_user(
    db: Database,
    actor: Actor | None,
    name: str,
    role: str,
    password: str,
    unit: str | None = None,
    *,
    pilot: int | str | None = None,
    region: str | None = None,
) -> int:
    """Create an account; returns its id.

    ``actor`` is None only for the very first account, which must be a coordinator; after
    that only a coordinator may add users. A reporter must be bound to an existing unit, a
    pilot body (``pilot_body``) to a pilot, a city DRC (``city_drc``) to a stored region.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("用户名不能为空。")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"用户名太长：最多 {MAX_NAME_LENGTH} 个字符。")
    if role not in ALL_ROLES:
        listed = "、".join(f"{key}（{label}）" for key, label in ALL_ROLES.items())
        raise InvalidInput(f"角色“{role}”无效：应为 {listed} 之一。")
    check_arguments(role, unit, pilot, region)
    if role == ROLE_REPORTER and not unit:
        raise InvalidInput("填报员必须绑定一个单位（--unit）。")
    if role == ROLE_COORDINATOR and unit:
        raise InvalidInput("协调员不绑定单位（不要给出 --unit）。")
    _check_password_rules(password)
    password_hash = hash_password(password)
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(User)) or 0
        if existing == 0:
            if role != ROLE_COORDINATOR:
                raise InvalidInput("第一个用户必须是协调员（--role coordinator）。")
        elif actor is None:
            raise PermissionDenied("已有用户，添加用户须先登录（--user / TRACKER_USER）。")
        else:
            actor.require_coordinator("添加用户")
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise InvalidInput(f"用户“{name}”已存在。")
        unit_row: Unit | None = find_unit(session, unit) if unit else None
        binding = bind(session, role, pilot, region)
        user = User(
            name=name,
            role=role,
            unit_id=unit_row.id if unit_row is not None else binding.unit_id,
            pilot_id=binding.pilot_id,
            region_id=binding.region_id,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        who = (
            actor if actor is not None else Actor(name=name, role=ROLE_COORDINATOR, user_id=user.id)
        )
        audit.record(session, who, "add_user", "user", user.id, field="role", after=ALL_ROLES[role])
        if unit_row is not None:
            audit.record(
                session, who, "add_user", "user", user.id, field="unit", after=unit_row.name
            )
        for field_name, shown in binding.audit:
            audit.record(session, who, "add_user", "user", user.id, field=field_name, after=shown)
        return user.id


def authenticate(db: Database, name: str, password: str) -> Actor:
    """Sign in: the :class:`Actor` of the user, or :class:`AuthenticationFailed`."""
    with db.reader() as session:
        user = session.scalar(select(User).where(User.name == (name or "").strip()))
        if user is None:
            verify_password(password, _dummy_hash())
            raise AuthenticationFailed("用户名或密码错误。")
        if not verify_password(password, user.password_hash):
            raise AuthenticationFailed("用户名或密码错误。")
        return _actor_for(user)


def local_actor() -> Actor:
    """The person at this computer, acting as coordinator while the database has no users."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "本机用户"
    return Actor(name=name or "本机用户", role=ROLE_COORDINATOR)


def prompt_secret(prompt: str, env_name: str) -> str:
    """A secret from ``env_name``, else typed at the terminal; an error without a terminal."""
    value = os.environ.get(env_name)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise AuthenticationFailed(
            f"未提供密码：请设置环境变量 {env_name}（非交互运行时无法提示输入密码）。"
        )
    return getpass.getpass(prompt)


def cli_actor(db: Database, name: str | None) -> Actor:
    """Who a command acts as: ``--user`` or ``TRACKER_USER``, password from ``TRACKER_PASSWORD``
    or a prompt. A database without users acts as the local coordinator (:func:`local_actor`)."""
    if count_users(db) == 0:
        return local_actor()
    name = name or os.environ.get(ENV_USER)
    if not name:
        raise AuthenticationFailed(
            f"请登录：用 --user 用户名 或环境变量 {ENV_USER} 指明用户，"
            f"密码由环境变量 {ENV_PASSWORD} 提供或在终端输入。"
        )
    password = prompt_secret(f"用户“{name}”的密码：", ENV_PASSWORD)
    return authenticate(db, name, password)


def list_users(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Every account (coordinator only): name, role, unit."""
    actor.require_coordinator("查看用户列表")
    with db.reader() as session:
        users = session.scalars(select(User).order_by(User.role, User.name)).all()
        labels = labels_by_id(session, [u.unit_id for u in users if u.unit_id is not None])
        bound = binding_labels(session, users)
        return [
            {
                "id": u.id,
                "name": u.name,
                "role": u.role,
                "role_label": ALL_ROLES.get(u.role, u.role),
                "unit": labels.get(u.unit_id) if u.unit_id is not None else None,
                **bound[u.id],
                "created_at": u.created_at.isoformat(),
            }
            for u in users
        ]


def _find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"没有名为“{name}”的用户。")
    return user


def set_password(db: Database, actor: Actor, name: str, new_password: str) -> None:
    """Change a password: one's own, or anyone's for a coordinator."""
    if actor.name != name:
        actor.require_coordinator("修改其他用户的密码")
    _check_password_rules(new_password)
    password_hash = hash_password(new_password)
    with db.session() as session:
        user = _find_user(session, name)
        user.password_hash = password_hash
        audit.record(session, actor, "set_password", "user", user.id, field="password")
