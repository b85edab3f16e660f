"""Revisions of a plan (修订版): what changed between the stored plan and a new version of
its document, and updating the plan in place.

A plan is "the same plan" when the title and the region are the same (see
:func:`tracker.services.plans.find_revision_base`). Its tasks are matched to the tasks of
the new version by this rule, step by step, each task matched at most once:

1. same code and the same text (measure title and content, whitespace ignored);
2. the same text under another code (the task was renumbered), when that text occurs
   once on each side;
3. same code, and the same measure title or a text similarity of at least
   :data:`SAME_CODE_SIMILARITY`;
4. of what is left, the most similar pairs first, when at least :data:`MOVED_SIMILARITY`.

The similarity is rapidfuzz's ``fuzz.ratio`` (0–100: the normalised Indel similarity of the
characters) of title and content with whitespace removed. A matched task keeps its id,
its reports and its history and takes the new text, units, area and code (each change
audited); a stored task left unmatched is removed — archived with its reports, never
deleted; a new task left unmatched is added.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from tracker.importing.result import ParsedPlan, ParsedTask, TargetSpec
from tracker.models import (
    Plan,
    PlanWarning,
    ProgressReport,
    ReportActual,
    Target,
    Task,
    TaskUnit,
    utcnow,
)
from tracker.services import audit
from tracker.services.actor import Actor
from tracker.services.plan_store import (
    ensure_areas,
    insert_tasks,
    link_rows,
    target_row,
    unit_ids,
)
from tracker.services.regions import RegionNode, owner_of, unit_label

SAME_CODE_SIMILARITY = 50.0
MOVED_SIMILARITY = 75.0

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
# What can differ between a stored task and its match, and how it is named.
FIELD_LABELS = {
    "code": "序号",
    "area": "重点领域",
    "title": "行动措施",
    "content": "主要工作",
    "lead_units": "牵头单位",
    "cooperating_units": "配合单位",
    "deadline": "完成时限",
    "remarks": "备注",
}
TEXT_FIELDS = ("title", "content")
UNIT_FIELDS = ("lead_units", "cooperating_units")


@dataclass(frozen=True)
class TaskSnapshot:
    """A task as the comparison sees it, stored (with its id) or parsed."""

    code: str
    area_code: str
    area: str
    title: str
    content: str
    lead_units: tuple[str, ...]
    cooperating_units: tuple[str, ...]
    deadline: str | None = None
    remarks: str | None = None
    task_id: int | None = None
    report_count: int = 0
    reported_units: tuple[str, ...] = ()  # stored tasks: the units that have reports on it

    @classmethod
    def of_parsed(cls, task: ParsedTask) -> TaskSnapshot:
        """The snapshot of a task of a preview."""
        return cls(
            code=task.code,
            area_code=task.area_code,
            area=task.area_title,
            title=task.title,
            content=task.content,
            lead_units=tuple(task.lead_units),
            cooperating_units=tuple(task.cooperating_units),
            deadline=task.deadline,
            remarks=task.remarks,
        )

    def value(self, name: str) -> Any:
        """A compared field (``area`` is code and title together)."""
        if name == "area":
            return (self.area_code, self.area)
        return getattr(self, name)


@dataclass(frozen=True)
class TaskChange:
    """One line of a diff: a task added, removed, changed or unchanged."""

    old: TaskSnapshot | None
    new: TaskSnapshot | None
    similarity: float = 100.0
    fields: tuple[str, ...] = ()  # the FIELD_LABELS keys that differ

    @property
    def kind(self) -> str:
        """:data:`ADDED`, :data:`REMOVED`, :data:`CHANGED` or :data:`UNCHANGED`."""
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        return CHANGED if self.fields else UNCHANGED

    @property
    def reworded(self) -> bool:
        """The measure title or the text changed."""
        return any(f in TEXT_FIELDS for f in self.fields)

    @property
    def units_changed(self) -> bool:
        """The lead or cooperating units changed."""
        return any(f in UNIT_FIELDS for f in self.fields)

    @property
    def reported_units_dropped(self) -> tuple[str, ...]:
        """Units with reports on the task that the new version no longer names: their
        reports are kept, but no longer listed under the task."""
        if self.old is None or self.new is None:
            return ()
        kept = {*self.new.lead_units, *self.new.cooperating_units}
        return tuple(u for u in self.old.reported_units if u not in kept)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` form."""
        return {
            "kind": self.kind,
            "fields": list(self.fields),
            "similarity": round(self.similarity, 1),
            "old": asdict(self.old) if self.old else None,
            "new": asdict(self.new) if self.new else None,
        }


@dataclass
class PlanDiff:
    """Every task of the stored plan and of the new version, matched, in reading order."""

    changes: list[TaskChange] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[TaskChange]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        """新增, 撤销, 改写, 单位变动, 其他变动 and 未变 counts."""
        changed = self.of_kind(CHANGED)
        return {
            "added": len(self.of_kind(ADDED)),
            "removed": len(self.of_kind(REMOVED)),
            "reworded": sum(c.reworded for c in changed),
            "units_changed": sum(c.units_changed for c in changed),
            "other": sum(not c.reworded and not c.units_changed for c in changed),
            "unchanged": len(self.of_kind(UNCHANGED)),
        }

    @property
    def empty(self) -> bool:
        """No task changes at all."""
        return all(c.kind == UNCHANGED for c in self.changes)

    def summary(self) -> str:
        """新增 1 项、撤销 1 项、改写 2 项、单位变动 1 项、未变 40 项."""
        counts = self.counts
        parts = [
            f"{label} {counts[key]} 项"
            for key, label in (
                ("added", "新增"),
                ("removed", "撤销"),
                ("reworded", "改写"),
                ("units_changed", "单位变动"),
                ("other", "编号或领域变动"),
            )
            if counts[key]
        ]
        parts.append(f"未变 {counts['unchanged']} 项")
        return "、".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` form: counts and every change but the unchanged ones."""
        return {
            "counts": self.counts,
            "summary": self.summary(),
            "changes": [c.to_json() for c in self.changes if c.kind != UNCHANGED],
        }


# ---------------------------------------------------------------- matching


def _text(task: TaskSnapshot) -> str:
    return re.sub(r"\s+", "", f"{task.title}\n{task.content}")


def match_tasks(
    old: Sequence[TaskSnapshot], new: Sequence[TaskSnapshot]
) -> dict[int, tuple[int, float]]:
    """new index → (old index, similarity), by the rule of the module docstring."""
    old_text = [_text(t) for t in old]
    new_text = [_text(t) for t in new]
    matched: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()

    def take(n: int, o: int, score: float) -> None:
        matched[n] = (o, score)
        taken.add(o)

    old_by_code: dict[str, list[int]] = {}
    for o, task in enumerate(old):
        old_by_code.setdefault(task.code, []).append(o)
    for n, task in enumerate(new):  # 1. same code, same text
        for o in old_by_code.get(task.code, []):
            if o not in taken and old_text[o] == new_text[n]:
                take(n, o, 100.0)
                break
    old_count, new_count = Counter(old_text), Counter(new_text)
    old_at = {text: o for o, text in enumerate(old_text)}
    for n in range(len(new)):  # 2. same text, renumbered
        text = new_text[n]
        if n in matched or old_count[text] != 1 or new_count[text] != 1:
            continue
        o = old_at[text]
        if o not in taken:
            take(n, o, 100.0)
    for n, task in enumerate(new):  # 3. same code, same title or similar text
        if n in matched:
            continue
        for o in old_by_code.get(task.code, []):
            if o in taken:
                continue
            score = fuzz.ratio(old_text[o], new_text[n])
            if old[o].title == task.title or score >= SAME_CODE_SIMILARITY:
                take(n, o, score)
                break
    pairs = [  # 4. the most similar of what is left
        (score, n, o)
        for n in range(len(new))
        if n not in matched
        for o in range(len(old))
        if o not in taken
        for score in (fuzz.ratio(old_text[o], new_text[n], score_cutoff=MOVED_SIMILARITY),)
        if score
    ]
    for score, n, o in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if n not in matched and o not in taken:
            take(n, o, score)
    return matched


def _differences(old: TaskSnapshot, new: TaskSnapshot) -> tuple[str, ...]:
    def same(name: str) -> bool:
        a, b = old.value(name), new.value(name)
        if name in TEXT_FIELDS:
            return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)
        return bool(a == b or (not a and not b))

    return tuple(name for name in FIELD_LABELS if not same(name))


def compute_diff(old: Sequence[TaskSnapshot], new: Sequence[TaskSnapshot]) -> PlanDiff:
    """The diff of a stored plan's tasks (``old``) and a new version's (``new``): the new
    tasks in order, each removed task right after the task that followed it before."""
    matched = match_tasks(old, new)
    old_to_new = {o: n for n, (o, _) in matched.items()}
    changes: list[TaskChange] = []
    slot_of_new: dict[int, int] = {}
    for n, task in enumerate(new):
        if n in matched:
            o, score = matched[n]
            changes.append(TaskChange(old[o], task, score, _differences(old[o], task)))
        else:
            changes.append(TaskChange(None, task, 0.0))
        slot_of_new[n] = len(changes) - 1
    insert_at: list[tuple[int, int, TaskChange]] = []
    anchor = -1  # the slot of the last matched task before the removed one, in old order
    for o, task in enumerate(old):
        if o in old_to_new:
            anchor = slot_of_new[old_to_new[o]]
        else:
            insert_at.append((anchor + 1, o, TaskChange(task, None, 0.0)))
    for offset, (slot, _, change) in enumerate(sorted(insert_at, key=lambda x: (x[0], x[1]))):
        changes.insert(slot + offset, change)
    return PlanDiff(changes)


# ---------------------------------------------------------------- the stored side


def unit_reference(name: str, region_id: int, region_name: str, chain: Sequence[RegionNode]) -> str:
    """How the importer would write a stored unit in a plan of ``chain``'s issuer: its
    name when the name would lead there, else its label (a unit of another region)."""
    return name if owner_of(chain, name).id == region_id else unit_label(name, region_name)


def stored_snapshots(
    session: Session, plan_id: int, chain: Sequence[RegionNode]
) -> list[TaskSnapshot]:
    """The current tasks of a plan as snapshots, in order, with their report counts."""
    tasks = session.scalars(
        select(Task)
        .options(selectinload(Task.unit_links).selectinload(TaskUnit.unit), selectinload(Task.area))
        .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
        .order_by(Task.position)
    ).all()
    reported: dict[int, list[int]] = {}
    for task_id, unit_id in session.execute(
        select(ProgressReport.task_id, ProgressReport.unit_id).where(
            ProgressReport.task_id.in_([t.id for t in tasks])
        )
    ):
        reported.setdefault(task_id, []).append(unit_id)
    return [_snapshot(task, chain, reported.get(task.id, [])) for task in tasks]


def _snapshot(task: Task, chain: Sequence[RegionNode], reported: list[int]) -> TaskSnapshot:
    def reference(link: TaskUnit) -> str:
        unit = link.unit
        return unit_reference(unit.name, unit.region_id, unit.region.name, chain)

    def names(role: str) -> tuple[str, ...]:
        return tuple(reference(link) for link in task.unit_links if link.role == role)

    return TaskSnapshot(
        code=task.code,
        area_code=task.area.code,
        area=task.area.title,
        title=task.measure_title,
        content=task.content,
        lead_units=names("lead"),
        cooperating_units=names("cooperating"),
        deadline=task.deadline,
        remarks=task.remarks,
        task_id=task.id,
        report_count=len(reported),
        reported_units=tuple(
            dict.fromkeys(reference(link) for link in task.unit_links if link.unit_id in reported)
        ),
    )


# ---------------------------------------------------------------- applying a revision


@dataclass
class _Context:
    session: Session
    actor: Actor
    plan: Plan
    revision: int
    chain: Sequence[RegionNode]


def apply_revision(
    session: Session,
    actor: Actor,
    plan: Plan,
    parsed: ParsedPlan,
    chain: Sequence[RegionNode],
    revision: int,
) -> PlanDiff:
    """Update ``plan`` in place to the tasks of ``parsed`` (its revision number
    ``revision``); returns what changed. Every change is audited."""
    old = stored_snapshots(session, plan.id, chain)
    new = [TaskSnapshot.of_parsed(t) for t in parsed.tasks]
    diff = compute_diff(old, new)
    ctx = _Context(session, actor, plan, revision, chain)
    area_ids = ensure_areas(session, plan.id, parsed.areas)
    unit_id = unit_ids(
        session, [n for t in parsed.tasks for n in (*t.lead_units, *t.cooperating_units)], chain
    )
    tasks = {
        t.id: t
        for t in session.scalars(
            select(Task)
            .options(selectinload(Task.unit_links), selectinload(Task.targets))
            .where(Task.plan_id == plan.id, Task.archived_at.is_(None))
        )
    }
    by_snapshot = {id(s): i for i, s in enumerate(new)}
    _archive_removed(ctx, diff, tasks)
    _free_codes(ctx, diff, tasks)
    added: list[tuple[ParsedTask, int]] = []
    for change in diff.changes:
        if change.new is None:
            continue
        index = by_snapshot[id(change.new)]
        position = index + 1
        if change.old is None:
            added.append((parsed.tasks[index], position))
            continue
        assert change.old.task_id is not None
        task = tasks[change.old.task_id]
        _update_task(ctx, task, change, parsed.tasks[index], area_ids, unit_id, position)
    new_ids = insert_tasks(session, plan.id, area_ids, added, unit_id)
    for task_id, (new_task, _) in zip(new_ids, added, strict=True):
        audit.record(
            session,
            actor,
            "add_task",
            "task",
            task_id,
            task_id=task_id,
            after=f"[{new_task.code}] {new_task.title}（第 {revision} 版新增）",
        )
    _replace_warnings(session, plan.id, parsed)
    return diff


def _archive_removed(ctx: _Context, diff: PlanDiff, tasks: dict[int, Task]) -> None:
    now = utcnow()
    for change in diff.of_kind(REMOVED):
        assert change.old is not None and change.old.task_id is not None
        task = tasks[change.old.task_id]
        task.archived_at = now
        task.archived_in_revision = ctx.revision
        audit.record(
            ctx.session,
            ctx.actor,
            "archive_task",
            "task",
            task.id,
            task_id=task.id,
            before=f"[{task.code}] {task.measure_title}",
            after=f"第 {ctx.revision} 版撤销，已归档（保留填报 {change.old.report_count} 份）",
        )
    ctx.session.flush()


def _free_codes(ctx: _Context, diff: PlanDiff, tasks: dict[int, Task]) -> None:
    """Give every task whose code changes a temporary one first, so that two tasks that swap
    codes never hold the same code at once (the codes of current tasks are unique)."""
    moving = [c for c in diff.of_kind(CHANGED) if "code" in c.fields and c.old and c.old.task_id]
    for change in moving:
        assert change.old is not None and change.old.task_id is not None
        tasks[change.old.task_id].code = f"~{change.old.task_id}"
    if moving:
        ctx.session.flush()


def _update_task(
    ctx: _Context,
    task: Task,
    change: TaskChange,
    parsed: ParsedTask,
    area_ids: dict[tuple[str, str], int],
    unit_id: dict[str, int],
    position: int,
) -> None:
    assert change.old is not None
    task.position = position
    task.source_place = parsed.where
    if not change.fields and _targets_same(task.targets, parsed.targets):
        return
    new = TaskSnapshot.of_parsed(parsed)
    for name in change.fields:
        audit.record(
            ctx.session,
            ctx.actor,
            "revise_task",
            "task",
            task.id,
            task_id=task.id,
            field=name,
            before=_shown(name, change.old.value(name)),
            after=_shown(name, new.value(name)),
        )
    task.code = parsed.code
    task.area_id = area_ids[(parsed.area_code, parsed.area_title)]
    task.measure_title = parsed.title
    task.content = parsed.content
    task.deadline = parsed.deadline
    task.remarks = parsed.remarks
    if change.units_changed:
        ctx.session.execute(delete(TaskUnit).where(TaskUnit.task_id == task.id))
        ctx.session.execute(insert(TaskUnit), link_rows(task.id, parsed, unit_id))
        ctx.session.expire(task, ["unit_links"])
    _sync_targets(ctx, task, parsed.targets)
    task.version += 1


def _shown(name: str, value: Any) -> str | None:
    """A compared field as the audit log keeps it."""
    if name == "area":
        return " ".join(part for part in value if part) or None
    if name in UNIT_FIELDS:
        return "、".join(value) or None
    return None if value in (None, "") else str(value)


def _target_key(target: Target | TargetSpec) -> tuple[int, str]:
    return target.year, target.indicator


def _targets_same(stored: Iterable[Target], parsed: Sequence[TargetSpec]) -> bool:
    now = [
        (
            t.year,
            t.indicator,
            t.comparator,
            t.value,
            t.measure_unit,
            t.text,
            t.direction,
            t.baseline_year,
        )
        for t in stored
    ]
    then = [
        (t.year, t.indicator, t.comparator, t.value, t.unit, t.text, t.direction, t.baseline_year)
        for t in parsed
    ]
    return now == then


def _sync_targets(ctx: _Context, task: Task, wanted: Sequence[TargetSpec]) -> None:
    """Targets by (year, indicator): a matched one is updated in place (so the actual values
    reported for it stay), a new one added, one no longer there removed — unless a report
    gave it an actual value: then it is kept, as the value would be lost with it."""
    if _targets_same(task.targets, wanted):
        return
    pool: dict[tuple[int, str], Target] = {}
    for stored in task.targets:
        pool.setdefault(_target_key(stored), stored)
    used: set[int] = set()
    for position, spec in enumerate(wanted, 1):
        found = pool.get(_target_key(spec))
        if found is not None and found.id not in used:
            used.add(found.id)
            found.verb, found.comparator, found.value = spec.verb, spec.comparator, spec.value
            found.measure_unit, found.text, found.position = spec.unit, spec.text, position
            found.direction, found.baseline_year = spec.direction, spec.baseline_year
            continue
        ctx.session.execute(insert(Target), [target_row(task.id, spec, position)])
    with_actuals = set(
        ctx.session.scalars(
            select(ReportActual.target_id).where(
                ReportActual.target_id.in_([t.id for t in task.targets])
            )
        )
    )
    for target in list(task.targets):
        if target.id in used:
            continue
        if target.id in with_actuals:
            target.position = len(wanted) + target.position
            continue
        ctx.session.delete(target)
    ctx.session.flush()
    ctx.session.expire(task, ["targets"])


def _replace_warnings(session: Session, plan_id: int, parsed: ParsedPlan) -> None:
    session.execute(delete(PlanWarning).where(PlanWarning.plan_id == plan_id))
    if parsed.warnings:
        session.execute(
            insert(PlanWarning),
            [{"plan_id": plan_id, "place": w.where, "message": w.message} for w in parsed.warnings],
        )
