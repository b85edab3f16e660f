"""A task's consolidated state in a period (任务状态): one rule, computed only here.

The desktop task table, the dashboard, the summary, 催办, the 工作台账 and the Word reports
all take a task's state from this module, so they never disagree. The rule, for one task
and one period:

1. Only a report that has been 报送 (submitted) or 审核 (approved) counts. A draft or a
   returned report is not reported yet.
2. A lead unit (牵头单位) reports for the whole task: its report is its 汇总 of what the
   cooperating units sent (``tracker report consolidate``). A cooperating unit's own report
   never sets the task's state.
3. A lead unit that has not reported makes the task 未报送 (so does a task without a lead).
4. With one lead, the task's state is that lead's status. With several leads, it is 已完成
   only when every lead says 已完成; otherwise it is the least advanced of the leads'
   statuses. How far along a status is comes from the ``rank`` of each status in the
   database's vocabulary (:mod:`tracker.services.settings`; the defaults in
   ``resources/statuses.json``: 已完成 > 序时推进 > 长期推进 > 进度滞后 > 未启动); a status
   that is no longer in the vocabulary counts as the least advanced, so it shows.

Tasks a revision archived are left out (their reports stay, read-only).

The queries read one row per lead unit and task (no query per task), so a province-size
plan of 5,000 tasks takes a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.models import ROLE_LEAD, Period, ProgressReport, Task, TaskUnit
from tracker.services import settings as settings_service
from tracker.services.access import find_period, resolve_plan_id, visible_task_filter
from tracker.services.actor import Actor
from tracker.services.reports import DONE_STATES

NOT_SUBMITTED = "未报送"
_UNKNOWN_RANK = -(10**9)

# (period id, task id)
StateKey = tuple[int, int]


def consolidate(lead_statuses: Sequence[str | None], ranks: Mapping[str, int]) -> str:
    """The rule on one task: ``lead_statuses`` holds each lead unit's reported status, in
    the leads' order, None for a lead that has not reported (see the module docstring)."""
    if not lead_statuses:
        return NOT_SUBMITTED
    reported: list[str] = []
    for status in lead_statuses:
        if status is None:
            return NOT_SUBMITTED
        reported.append(status)
    return min(reported, key=lambda s: ranks.get(s, _UNKNOWN_RANK))


def display_order(seen: Iterable[str], vocabulary: Sequence[str]) -> list[str]:
    """The states in the order outputs list them: the status vocabulary (the database's),
    then any other status seen (one since removed from the vocabulary), then 未报送."""
    extra = sorted({s for s in seen if s not in vocabulary and s != NOT_SUBMITTED})
    return [*vocabulary, *extra, NOT_SUBMITTED]


def _reported_status() -> Any:
    return case((ProgressReport.state.in_(DONE_STATES), ProgressReport.status), else_=None)


def lead_statuses(
    session: Session,
    period_ids: Sequence[int],
    task_filter: ColumnElement[bool] | None = None,
) -> dict[StateKey, list[str | None]]:
    """(period id, task id) → the reported status of each lead unit, in the leads' order
    (None: not reported), for every task of the periods' plans; a task without a lead
    maps to an empty list. ``task_filter`` restricts the tasks (e.g. a reporter's)."""
    query = (
        select(Period.id, Task.id, TaskUnit.unit_id, _reported_status())
        .select_from(Period)
        .join(Task, Task.plan_id == Period.plan_id)
        .outerjoin(TaskUnit, and_(TaskUnit.task_id == Task.id, TaskUnit.role == ROLE_LEAD))
        .outerjoin(
            ProgressReport,
            and_(
                ProgressReport.period_id == Period.id,
                ProgressReport.task_id == Task.id,
                ProgressReport.unit_id == TaskUnit.unit_id,
            ),
        )
        .where(Period.id.in_(list(period_ids)), Task.archived_at.is_(None))
        .order_by(Period.id, Task.id, TaskUnit.position)
    )
    if task_filter is not None:
        query = query.where(task_filter)
    found: dict[StateKey, list[str | None]] = {}
    for period_id, task_id, unit_id, status in session.execute(query):
        statuses = found.setdefault((period_id, task_id), [])
        if unit_id is not None:
            statuses.append(status)
    return found


def period_states(
    session: Session,
    period_ids: Sequence[int],
    task_filter: ColumnElement[bool] | None = None,
) -> dict[StateKey, str]:
    """(period id, task id) → the task's consolidated state, for every current task of the
    periods' plans (restricted by ``task_filter``), ranked by the database's vocabulary
    read in ``session``."""
    ranks = settings_service.load(session).status_ranks
    return {
        key: consolidate(statuses, ranks)
        for key, statuses in lead_statuses(session, period_ids, task_filter).items()
    }


def task_states(
    db: Database, actor: Actor, period: str | int, *, plan_id: int | None = None
) -> dict[int, str]:
    """Task id → consolidated state in ``period`` (code such as ``2025H1``, or id) of a
    plan (``plan_id`` may be left out when there is one plan). A reporter gets the tasks
    of its unit only."""
    with db.reader() as session:
        found = find_period(session, resolve_plan_id(session, plan_id), period)
        states = period_states(session, [found.id], visible_task_filter(actor))
        return {task_id: state for (_, task_id), state in states.items()}
