"""Look-ups and rights checks shared by the progress services.

Every function here works inside a session the calling service opened, and raises a domain
exception whose message names the thing the user asked for (a task id, a period, a unit).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from tracker.errors import InvalidInput, NotFound, PeriodLocked, PermissionDenied, PlanArchived
from tracker.models import Period, Plan, ProgressReport, Region, Task, TaskUnit, Unit, UnitAlias
from tracker.services.actor import Actor
from tracker.services.pilot_access import pilot_task_filter
from tracker.services.regions import labels_by_id, split_unit_label, unit_label

ROLE_LABELS = {"lead": "牵头", "cooperating": "配合", "former": "已移出（修订版）"}
# A unit a revision took off a task keeps its reports there, shown under this role.
ROLE_FORMER = "former"

_CODE = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Hh]\s*([12])\s*$")
_CHINESE = re.compile(r"^\s*(\d{4})\s*年?\s*(上半年|下半年|全年|年度)?\s*$")


def find_unit(session: Session, name: str, *, among: Collection[int] | None = None) -> Unit:
    """The unit a person named: by its name or an alias, written alone or with its region
    (``银川市·市发展改革委``). ``among`` limits the search to those unit ids (the units of one
    task). :class:`NotFound` when none matches; :class:`InvalidInput` listing the labels
    when the name is used in several regions and the region was not given."""
    region_name, bare = split_unit_label(name)
    by_name = select(Unit).where(Unit.name == bare)
    by_alias = (
        select(Unit).join(UnitAlias, UnitAlias.unit_id == Unit.id).where(UnitAlias.alias == bare)
    )
    if region_name is not None:
        by_name = by_name.join(Region, Region.id == Unit.region_id).where(
            Region.name == region_name
        )
        by_alias = by_alias.join(Region, Region.id == UnitAlias.region_id).where(
            Region.name == region_name
        )
    found = {u.id: u for u in session.scalars(by_name)}
    if not found:  # a unit's own name wins over another unit's alias
        found = {u.id: u for u in session.scalars(by_alias)}
    if among is not None:
        found = {uid: u for uid, u in found.items() if uid in among}
    if not found:
        raise NotFound(f"没有名为“{name}”的单位。", hint="可用 tracker unit list 查看全部单位。")
    if len(found) > 1:
        labels = sorted(unit_label(u.name, u.region.name) for u in found.values())
        raise InvalidInput(
            f"名为“{name}”的单位有 {len(found)} 个：{'、'.join(labels)}。"
            f"请写明地区，如“{labels[0]}”。"
        )
    return next(iter(found.values()))


def period_name(year: int, half: int) -> str:
    """The Chinese name of a period: ``2025年上半年`` (H1) or ``2025年全年`` (H2)."""
    return f"{year}年上半年" if half == 1 else f"{year}年全年"


def parse_period_code(text: str) -> str:
    """Normalise a period given by the user to its code (``2025H1`` / ``2025H2``).

    Accepts ``2025H1``, ``2025h2``, ``2025-H1``, ``2025年上半年``, ``2025年全年``,
    ``2025年下半年`` and ``2025年度`` / ``2025`` (both the annual report, H2).
    """
    match = _CODE.match(text)
    if match:
        return f"{match.group(1)}H{match.group(2)}"
    match = _CHINESE.match(text)
    if match:
        half = 1 if match.group(2) == "上半年" else 2
        return f"{match.group(1)}H{half}"
    raise InvalidInput(
        f"无法识别报告期“{text}”：请写作 2025H1（2025年上半年）或 2025H2（2025年全年）。"
    )


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite returns naive datetimes, stored as UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def format_time(moment: dt.datetime | None) -> str | None:
    """A stored time in local time, as ``2025-07-01 10:23``."""
    if moment is None:
        return None
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M")


def resolve_plan_id(session: Session, plan_id: int | None) -> int:
    """``plan_id`` checked to exist; when None, the only current (not archived) plan."""
    if plan_id is not None:
        if session.get(Plan, plan_id) is None:
            raise NotFound(f"没有编号为 {plan_id} 的实施方案。", hint="可用 tracker plans 查看。")
        return plan_id
    ids = list(session.scalars(select(Plan.id).where(Plan.archived_at.is_(None)).order_by(Plan.id)))
    if not ids:
        raise NotFound(
            "数据库中还没有（未归档的）实施方案，请先导入。", hint="用 tracker import 导入。"
        )
    if len(ids) > 1:
        listed = "、".join(str(i) for i in ids)
        raise InvalidInput(
            f"数据库中有 {len(ids)} 个实施方案，请指明是哪一个。",
            hint=f"用 --plan 指明方案编号（{listed}；tracker plans 列出各方案）。",
        )
    return ids[0]


def find_period(
    session: Session,
    plan_id: int,
    period: str | int,
    *,
    for_share: bool = False,
    for_update: bool = False,
) -> Period:
    """The period of plan ``plan_id`` given by code/name (``2025H1``) or by id.

    With ``for_share`` (writing a report) or ``for_update`` (locking the period) the row is
    locked until the transaction ends, so a report cannot slip into a period being locked
    (PostgreSQL; SQLite serialises writers anyway).
    """
    query = select(Period).where(Period.plan_id == plan_id)
    if isinstance(period, int):
        query = query.where(Period.id == period)
        shown = f"编号 {period}"
    else:
        code = parse_period_code(period)
        query = query.where(Period.code == code)
        shown = code
    if for_update:
        query = query.with_for_update()
    elif for_share:
        query = query.with_for_update(read=True)
    found = session.scalar(query)
    if found is None:
        codes = list(
            session.scalars(
                select(Period.code)
                .where(Period.plan_id == plan_id)
                .order_by(Period.year, Period.half)
            )
        )
        available = (
            f"（可用报告期：{codes[0]} … {codes[-1]}）" if codes else "（该方案还没有报告期）"
        )
        raise NotFound(f"实施方案 {plan_id} 没有报告期 {shown}{available}。")
    return found


def ensure_open(period: Period) -> None:
    """Raise :class:`PeriodLocked` if ``period`` is locked."""
    if period.locked:
        who = (
            f"（由“{period.locked_by}”于 {format_time(period.locked_at)} 锁定）"
            if period.locked_by
            else ""
        )
        raise PeriodLocked(
            f"报告期 {period.code}（{period.name}）已锁定{who}，不能再修改。"
            "如需修改，请协调员先重新开放该报告期。"
        )


def require_plan_writable(plan: Plan) -> None:
    """Raise :class:`PlanArchived` if ``plan`` is archived (read-only)."""
    if plan.archived_at is not None:
        raise PlanArchived(
            f"实施方案“{plan.title}”（编号 {plan.id}）已归档，只能查看，不能修改。"
            "如需修改，请协调员先恢复该方案。",
            hint=f"恢复：tracker plan unarchive {plan.id}",
        )


def require_task_writable(task: Task) -> None:
    """Raise :class:`PlanArchived` if ``task`` or its plan is archived (read-only)."""
    require_plan_writable(task.plan)
    if task.archived_at is not None:
        revision = f"第 {task.archived_in_revision} 版" if task.archived_in_revision else "修订版"
        raise PlanArchived(
            f"任务 {task.id}（{task.code} {task.measure_title}）已在方案的{revision}中撤销并归档，"
            "其填报保留、只能查看，不能再修改。"
        )


def find_task(session: Session, task_id: int) -> Task:
    """The task with id ``task_id``; :class:`NotFound` otherwise."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有编号为 {task_id} 的任务。", hint="可用 tracker tasks 查看任务编号。")
    return task


def task_roles(session: Session, task_id: int) -> dict[int, str]:
    """unit id → role (``lead`` / ``cooperating``) of every unit on the task."""
    rows = session.execute(
        select(TaskUnit.unit_id, TaskUnit.role).where(TaskUnit.task_id == task_id)
    ).all()
    return {unit_id: role for unit_id, role in rows}


def require_task_visible(session: Session, actor: Actor, task: Task) -> dict[int, str]:
    """Check a reporter's unit leads or cooperates on ``task`` (or the task is in the plan
    of a pilot the account may see); returns the task's roles."""
    roles = task_roles(session, task.id)
    if actor.is_coordinator or (actor.unit_id is not None and actor.unit_id in roles):
        return roles
    pilot_tasks = pilot_task_filter(actor)
    if pilot_tasks is not None and session.scalar(
        select(Task.id).where(Task.id == task.id, pilot_tasks)
    ):
        return roles
    raise PermissionDenied(
        f"用户“{actor.name}”（{actor.unit_name or '未绑定单位'}）无权查看或填报任务 {task.id}"
        f"（{task.measure_title}）：该单位不是此任务的牵头或配合单位。"
    )


def resolve_unit(
    session: Session,
    actor: Actor,
    task: Task,
    roles: dict[int, str],
    unit: str | int | None,
    *,
    editing: bool = True,
) -> Unit:
    """The unit whose report is meant, checked to be on the task (and, when ``editing``,
    to be the reporter's own unit).

    A reporter's unit is the default; a coordinator must name the unit.
    """
    if unit is None:
        if actor.is_coordinator:
            raise InvalidInput(
                f"请指明填报单位（任务 {task.id} 的单位：{unit_names(session, task.id)}）。",
                hint="用 --unit 指明单位。",
            )
        if actor.unit_id is None:  # an account that sees the task through its pilot
            raise InvalidInput(
                f"请指明单位（任务 {task.id} 的单位：{unit_names(session, task.id)}）。",
                hint="用 --unit 指明单位。",
            )
        found = session.get(Unit, actor.unit_id)
        if found is None:
            raise NotFound(f"用户“{actor.name}”绑定的单位已不存在。")
        return found
    if isinstance(unit, int):
        found = session.get(Unit, unit)
        if found is None:
            raise NotFound(f"没有编号为 {unit} 的单位。")
    else:
        try:  # the task's own unit of that name first (市发展改革委 of this task's region)
            found = find_unit(session, unit, among=roles)
        except NotFound:
            found = find_unit(session, unit)
    label = labels_by_id(session, [found.id])[found.id]
    if editing and not actor.is_coordinator and found.id != actor.unit_id:
        raise PermissionDenied(
            f"用户“{actor.name}”（{actor.unit_name}）无权填报或修改“{label}”的报告。"
        )
    if found.id not in roles and not (editing is False and _has_report(session, task, found)):
        raise InvalidInput(
            f"“{label}”不是任务 {task.id}（{task.measure_title}）的牵头或配合单位"
            f"（该任务的单位：{unit_names(session, task.id)}）。"
        )
    return found


def _has_report(session: Session, task: Task, unit: Unit) -> bool:
    """A unit a revision took off the task still has reports on it (readable, not editable)."""
    return (
        session.scalar(
            select(ProgressReport.id)
            .where(ProgressReport.task_id == task.id, ProgressReport.unit_id == unit.id)
            .limit(1)
        )
        is not None
    )


def unit_names(session: Session, task_id: int) -> str:
    """The units of a task as text, in document order: ``市发改委（牵头）、市工信局（配合）``."""
    rows = session.execute(
        select(TaskUnit.unit_id, TaskUnit.role)
        .where(TaskUnit.task_id == task_id)
        .order_by(TaskUnit.role.desc(), TaskUnit.position)
    ).all()
    if not rows:
        return "无"
    labels = labels_by_id(session, [unit_id for unit_id, _ in rows])
    return "、".join(f"{labels[uid]}（{ROLE_LABELS.get(role, role)}）" for uid, role in rows)


def task_scope(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause limiting tasks to those ``actor`` may see: for a reporter those of
    the reporter's unit, for a pilot body or city DRC also the tasks of the pilots it sees;
    None for a coordinator (every task)."""
    if actor.is_coordinator:
        return None
    own = Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id == (actor.unit_id or -1)))
    pilot_tasks = pilot_task_filter(actor)
    return own if pilot_tasks is None else or_(own, pilot_tasks)


def visible_task_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting tasks to the current ones (not archived by a revision) and
    to those ``actor`` may see (:func:`task_scope`)."""
    current = Task.archived_at.is_(None)
    scope = task_scope(actor)
    return current if scope is None else current & scope
