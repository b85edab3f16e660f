"""Accounts and sign-in: coordinators (协调员), unit reporters (填报员), and — since
revision 0006 — pilot bodies (试点主体) and city DRCs (地级市发展改革委), whose bindings are
checked in :mod:`tracker.services.pilot_accounts`.

Passwords are stored as salted scrypt hashes (memory-hard; the parameters are kept in the
hash so they can be raised later) and compared in constant time. The first account of a
database must be a coordinator and needs no sign-in; after that every command signs in.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from tracker.db import Database
from tracker.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from tracker.models import Setting, Unit, User
from tracker.services import audit
from tracker.services import settings as settings_service
from tracker.services.access import find_unit
from tracker.services.actor import ROLE_COORDINATOR, ROLE_REPORTER, Actor
from tracker.services.pilot_accounts import (
    PILOT_ROLES,
    Binding,
    bind,
    binding_labels,
    check_arguments,
    rebind,
)
from tracker.services.regions import labels_by_id

ENV_USER = "TRACKER_USER"
ENV_PASSWORD = "TRACKER_PASSWORD"
ENV_NEW_PASSWORD = "TRACKER_NEW_PASSWORD"

ROLES = {ROLE_COORDINATOR: "协调员", ROLE_REPORTER: "填报员"}
# Every role an account may have: the two above and the pilot roles (revision 0006).
ALL_ROLES = {**ROLES, **PILOT_ROLES}
STATE_ACTIVE, STATE_DISABLED = "在用", "已停用"
# Written with the first account, in its transaction (see _claim_first_account).
FIRST_ACCOUNT_MARKER = "_first_coordinator"
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class ScryptParams:
    """Cost parameters of scrypt: memory = 128 · n · r bytes (n=2**15, r=8: 32 MiB)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def within_bounds(self) -> bool:
        """Whether a stored hash may ask for this much work: n a power of two in
        2**10…2**20, r in 1…32, p in 1…16, at most 256 MiB of memory and 16 times the
        default work. A hash outside is refused, never computed: it could come from a
        tampered database and ask for gigabytes or hours."""
        return (
            _MIN_N <= self.n <= _MAX_N
            and self.n & (self.n - 1) == 0
            and 1 <= self.r <= _MAX_R
            and 1 <= self.p <= _MAX_P
            and 128 * self.n * self.r <= _MAX_MEMORY
            and self.n * self.r * self.p <= _MAX_WORK
        )


# Module-level so that tests can lower the cost; verification reads the stored parameters.
SCRYPT_PARAMS = ScryptParams()
_SALT_BYTES = 16
_KEY_BYTES = 32
# Bounds on what a stored hash may ask for (see ScryptParams.within_bounds).
_MIN_N, _MAX_N, _MAX_R, _MAX_P = 2**10, 2**20, 32, 16
_MAX_MEMORY = 256 * 1024 * 1024
_MAX_WORK = 16 * 2**15 * 8
_SALT_LENGTHS = range(8, 65)  # bytes
_KEY_LENGTHS = range(16, 65)


def _scrypt(password: str, salt: bytes, params: ScryptParams, length: int = _KEY_BYTES) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=256 * params.n * params.r * params.p + 1024 * 1024,
        dklen=length,
    )


def hash_password(password: str, params: ScryptParams | None = None) -> str:
    """A new salted hash: ``scrypt$n$r$p$salt_hex$key_hex`` (``params``: the program's
    cost, :data:`SCRYPT_PARAMS`, unless given)."""
    params = params or SCRYPT_PARAMS
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, params)
    return f"scrypt${params.n}${params.r}${params.p}${salt.hex()}${key.hex()}"


def _parse_hash(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    """The parameters, salt and key of a stored hash; None when it is malformed or asks
    for more (or less) than the bounds allow."""
    try:
        scheme, n, r, p, salt_hex, key_hex = stored.split("$")
        if scheme != "scrypt" or max(len(n), len(r), len(p)) > 8:
            return None
        params = ScryptParams(int(n), int(r), int(p))
        salt, key = bytes.fromhex(salt_hex), bytes.fromhex(key_hex)
    except ValueError:
        return None
    if not params.within_bounds() or len(salt) not in _SALT_LENGTHS:
        return None
    if len(key) not in _KEY_LENGTHS:
        return None
    return params, salt, key


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time comparison). A
    malformed hash, or one whose cost parameters are out of bounds, never matches and
    is not computed."""
    parsed = _parse_hash(stored)
    if parsed is None:
        return False
    params, salt, key = parsed
    return hmac.compare_digest(_scrypt(password, salt, params, len(key)), key)


# A hash of nothing in particular, checked when the user does not exist so that a wrong
# name takes as long as a wrong password.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def _check_password_rules(db: Database, password: str) -> None:
    minimum = settings_service.get(db).password_min_length
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


def _check_new_account(
    name: str, role: str, unit: str | None, pilot: int | str | None, region: str | None
) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("用户名不能为空。")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"用户名太长：最多 {MAX_NAME_LENGTH} 个字符。")
    _check_role(role)
    check_arguments(role, unit, pilot, region)
    if role == ROLE_REPORTER and not unit:
        raise InvalidInput("填报员必须绑定一个单位。", hint="用 --unit 指明单位。")
    if role == ROLE_COORDINATOR and unit:
        raise InvalidInput("协调员不绑定单位。", hint="不要给出 --unit。")
    return name


def _check_role(role: str) -> None:
    if role not in ALL_ROLES:
        listed = "、".join(f"{key}（{label}）" for key, label in ALL_ROLES.items())
        raise InvalidInput(f"角色“{role}”无效：应为 {listed} 之一。")


def _claim_first_account(session: Session, name: str) -> None:
    """Mark, in this transaction, that the first coordinator is being created. Two first
    starts at once both find no user; the marker's key is unique, so the second one's
    insert waits for the first transaction and then fails (on SQLite the write lock
    already orders them)."""
    session.add(Setting(key=FIRST_ACCOUNT_MARKER, value=json.dumps(name), updated_by=name))
    try:
        session.flush()
    except IntegrityError:
        raise PermissionDenied(
            "另一处刚刚创建了第一个协调员账户。请重新启动程序，用该账户登录（或请其为您添加账户）。"
        ) from None


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
    cost: ScryptParams | None = None,
) -> int:
    """Create an account; returns its id.

    ``actor`` is None only for the very first account, which must be a coordinator (two
    programs creating it at once: one wins, the other gets :class:`PermissionDenied`);
    after that only an active coordinator may add users. A reporter must be bound to an
    existing unit, a pilot body (``pilot_body``) to a pilot, a city DRC (``city_drc``) to
    a stored region. ``cost`` lowers the hashing cost for accounts whose password guards
    nothing (the demo database's, whose password is printed in the program).
    """
    name = _check_new_account(name, role, unit, pilot, region)
    _check_password_rules(db, password)
    password_hash = hash_password(password, cost)
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(User)) or 0
        if existing == 0:
            if role != ROLE_COORDINATOR:
                raise InvalidInput("第一个用户必须是协调员。", hint="用 --role coordinator。")
            _claim_first_account(session, name)
        elif actor is None:
            raise PermissionDenied(
                "已有用户，添加用户须先登录。", hint=f"用 --user 或环境变量 {ENV_USER} 指明用户。"
            )
        else:
            _require_active_coordinator(session, actor, "添加用户")
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
            disabled=False,
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
    """Sign in: the :class:`Actor` of the user, or :class:`AuthenticationFailed` (a wrong
    name or password, or a disabled account — said only once the password is right)."""
    with db.reader() as session:
        user = session.scalar(select(User).where(User.name == (name or "").strip()))
        if user is None:
            verify_password(password, _dummy_hash())
            raise AuthenticationFailed("用户名或密码错误。")
        if not verify_password(password, user.password_hash):
            raise AuthenticationFailed("用户名或密码错误。")
        if user.disabled:
            raise AuthenticationFailed(
                f"账户“{user.name}”已停用，不能登录。如需使用，请联系协调员启用。"
            )
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
            "请登录：需要用户名和密码。",
            hint=f"用 --user 用户名 或环境变量 {ENV_USER} 指明用户，"
            f"密码由环境变量 {ENV_PASSWORD} 提供或在终端输入。",
        )
    password = prompt_secret(f"用户“{name}”的密码：", ENV_PASSWORD)
    return authenticate(db, name, password)


def list_users(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """Every account (coordinator only): name, role, unit, the pilot or region a pilot
    account is bound to, whether it is disabled."""
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
                "disabled": u.disabled,
                "state_label": STATE_DISABLED if u.disabled else STATE_ACTIVE,
                "created_at": u.created_at.isoformat(),
            }
            for u in users
        ]


def _find_user(session: Session, name: str, *, for_update: bool = False) -> User:
    query = select(User).where(User.name == (name or "").strip())
    if for_update:
        query = query.with_for_update()
    user = session.scalar(query)
    if user is None:
        raise NotFound(f"没有名为“{name}”的用户。")
    return user


def _require_active_coordinator(session: Session, actor: Actor, what: str) -> None:
    """``actor`` must be a coordinator, and — when it is an account — still an active
    coordinator in this transaction (a window signed in before a demotion may not go on
    managing accounts)."""
    actor.require_coordinator(what)
    if actor.user_id is None:
        return  # the local coordinator of a database without users
    row = session.get(User, actor.user_id)
    if row is None or row.disabled or row.role != ROLE_COORDINATOR:
        raise PermissionDenied(f"用户“{actor.name}”已不是在用的协调员，无权{what}。请重新登录。")


def _lock_coordinators(session: Session, actor: Actor, what: str) -> list[User]:
    """The active coordinators, locked (in id order) until the transaction ends, after
    checking that ``actor`` is one of them. Every change that could leave no coordinator
    takes these locks first: two coordinators demoting or disabling each other at once
    are ordered, and the second one sees the first one's change."""
    actor.require_coordinator(what)
    active = list(
        session.scalars(
            select(User)
            .where(User.role == ROLE_COORDINATOR, User.disabled.is_(False))
            .order_by(User.id)
            .with_for_update()
        )
    )
    if actor.user_id is not None and actor.user_id not in {u.id for u in active}:
        raise PermissionDenied(f"用户“{actor.name}”已不是在用的协调员，无权{what}。请重新登录。")
    return active


def _keep_one_coordinator(active: list[User], user: User, what: str) -> None:
    others = [u for u in active if u.id != user.id]
    if user.role == ROLE_COORDINATOR and not user.disabled and not others:
        raise InvalidInput(
            f"“{user.name}”是最后一个在用的协调员，不能{what}；请先添加或启用另一个协调员账户。"
        )


def update_user(
    db: Database,
    actor: Actor,
    name: str,
    *,
    role: str | None = None,
    unit: str | None = None,
    pilot: int | str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Change an account's role or what it is bound to (coordinator only); returns it as
    listed.

    A reporter needs a unit, a pilot body a pilot, a city DRC a region: the one given, or
    the one it has. A coordinator is bound to nothing; a pilot body's unit is its pilot's
    body, so neither takes ``unit``. The last active coordinator keeps its role.
    """
    if role is not None:
        _check_role(role)
    with db.session() as session:
        active = _lock_coordinators(session, actor, "修改用户")
        user = _find_user(session, name, for_update=True)
        new_role = role or user.role
        if new_role == ROLE_COORDINATOR and unit:
            raise InvalidInput("协调员不绑定单位。", hint="不要给出 --unit。")
        check_arguments(new_role, unit, pilot, region, required=False)
        binding = _new_binding(session, user, new_role, unit, pilot, region)
        if new_role != user.role:
            _keep_one_coordinator(active, user, f"改为{ALL_ROLES[new_role]}")
            _record_change(session, actor, user, "role", ALL_ROLES[user.role], ALL_ROLES[new_role])
            user.role = new_role
        _apply_binding(session, actor, user, binding)
    return _listed(db, actor, name)


def _new_binding(
    session: Session,
    user: User,
    role: str,
    unit: str | None,
    pilot: int | str | None,
    region: str | None,
) -> Binding:
    """What ``user`` is bound to once its role is ``role`` (see :func:`update_user`)."""
    if role == ROLE_COORDINATOR:
        return Binding()
    if role == ROLE_REPORTER:
        if unit:
            return Binding(unit_id=find_unit(session, unit).id)
        if user.unit_id is None:
            raise InvalidInput(
                f"把“{user.name}”改为填报员须指明单位。", hint="用 --unit 指明单位。"
            )
        return Binding(unit_id=user.unit_id)
    return rebind(session, user, role, pilot, region)


def _apply_binding(session: Session, actor: Actor, user: User, binding: Binding) -> None:
    """Set the account's unit, pilot and region to ``binding``, auditing each change."""
    if binding.unit_id != user.unit_id:
        ids = [u for u in (user.unit_id, binding.unit_id) if u is not None]
        shown = labels_by_id(session, ids)
        before = shown.get(user.unit_id) if user.unit_id is not None else None
        after = shown.get(binding.unit_id) if binding.unit_id is not None else None
        _record_change(session, actor, user, "unit", before, after)
        user.unit_id = binding.unit_id
    if (user.pilot_id, user.region_id) == (binding.pilot_id, binding.region_id):
        return
    was = binding_labels(session, [user])[user.id]
    user.pilot_id, user.region_id = binding.pilot_id, binding.region_id
    now = binding_labels(session, [user])[user.id]
    for field_name in ("pilot", "region"):
        if was[field_name] != now[field_name]:
            _record_change(session, actor, user, field_name, was[field_name], now[field_name])


def _record_change(
    session: Session,
    actor: Actor,
    user: User,
    field_name: str,
    before: str | None,
    after: str | None,
) -> None:
    audit.record(
        session, actor, "set_user", "user", user.id, field=field_name, before=before, after=after
    )


def _listed(db: Database, actor: Actor, name: str) -> dict[str, Any]:
    return next(u for u in list_users(db, actor) if u["name"] == name.strip())


def set_disabled(db: Database, actor: Actor, name: str, disabled: bool) -> dict[str, Any]:
    """Disable (停用) or enable (启用) an account (coordinator only). A disabled account
    cannot sign in; its reports and history stay. Nobody disables their own account, and
    the last active coordinator stays active."""
    what = "停用" if disabled else "启用"
    with db.session() as session:
        active = _lock_coordinators(session, actor, f"{what}用户")
        user = _find_user(session, name, for_update=True)
        if disabled and user.id == actor.user_id:
            raise InvalidInput("不能停用自己的账户；请由另一位协调员操作。")
        if user.disabled != disabled:
            if disabled:
                _keep_one_coordinator(active, user, "停用")
            user.disabled = disabled
            audit.record(
                session,
                actor,
                "disable_user" if disabled else "enable_user",
                "user",
                user.id,
                field="disabled",
                before="否" if disabled else "是",
                after="是" if disabled else "否",
            )
    return _listed(db, actor, name)


def set_password(db: Database, actor: Actor, name: str, new_password: str) -> None:
    """Set a password: one's own (the CLI, signed in with the current one just before), or
    anyone's for a coordinator (a reset)."""
    if actor.name != name.strip():
        actor.require_coordinator("修改其他用户的密码")
    _check_password_rules(db, new_password)
    password_hash = hash_password(new_password)
    with db.session() as session:
        if actor.name != name.strip():
            _require_active_coordinator(session, actor, "修改其他用户的密码")
        user = _find_user(session, name, for_update=True)
        user.password_hash = password_hash
        action_after = "本人修改" if actor.name == user.name else "由协调员重置"
        audit.record(
            session, actor, "set_password", "user", user.id, field="password", after=action_after
        )


def change_own_password(db: Database, actor: Actor, current: str, new_password: str) -> None:
    """Change the signed-in user's own password, after checking the current one (the
    desktop program: someone at an unattended window must not take the account over)."""
    if actor.user_id is None:
        raise InvalidInput("数据库中还没有用户账户，无需修改密码。")
    authenticate(db, actor.name, current)  # a wrong current password is refused here
    if current == new_password:
        raise InvalidInput("新密码不能与当前密码相同。")
    set_password(db, actor, actor.name, new_password)
