"""regions: units per region, plan lifecycle (archive), revisions (plan sources)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00

What this revision does to a database already in use:

- Every plan gets the region that issued it, read from its title (as the importer of this
  version reads it; where the title only says 自治区 or 市, from the names its tasks mention).
  A plan whose title names no region goes to a region called "未确定地区".
- Every unit gets a region. A unit used by the plans of several regions is split: for
  every region but one a new unit of the same name is made, and the task links and the
  progress reports of that region's tasks move to it (nothing is deleted). The original
  unit (its id, its users) stays with the region where it has the most task links (on a
  tie, the region of the oldest plan). Names that carry their own owner (自治区发展改革委,
  国网宁夏电力公司) belong to the province and are not split between its cities.
- Aliases are copied to every part of a split unit, each in that part's region.
- A reporter bound to a split unit stays bound to the original unit, i.e. to the part in
  the region where the unit had the most tasks; an audit record ``split_unit`` names the
  users concerned, so that a coordinator can bind them to another part if needed.
- Every plan gets its first source record (revision 1), tasks and plans get their archive
  columns, and a task code is unique only among a plan's current (not archived) tasks.

On SQLite the program runs migrations with foreign keys unenforced and checks them before
committing (see ``tracker.db.run_migrations``): the table rebuilds below would otherwise
cascade. ``audit_log`` is not rebuilt, so its triggers stay.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.importing.regions import RegionSpec, guess_region, owner_index

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UNKNOWN_REGION = "未确定地区"
MIGRATION_USER = "系统（升级 0003）"

_regions = sa.table(
    "regions",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("level", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("region_id", sa.Integer),
    sa.column("source_name", sa.String),
    sa.column("source_format", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("imported_at", sa.DateTime(timezone=True)),
    sa.column("imported_by", sa.String),
)
_plan_sources = sa.table(
    "plan_sources",
    sa.column("plan_id", sa.Integer),
    sa.column("revision", sa.Integer),
    sa.column("source_name", sa.String),
    sa.column("source_format", sa.String),
    sa.column("content_hash", sa.String),
    sa.column("imported_at", sa.DateTime(timezone=True)),
    sa.column("imported_by", sa.String),
)
_units = sa.table(
    "units",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("region_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_aliases = sa.table(
    "unit_aliases",
    sa.column("id", sa.Integer),
    sa.column("alias", sa.String),
    sa.column("unit_id", sa.Integer),
    sa.column("region_id", sa.Integer),
)
_tasks = sa.table(
    "tasks",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("content", sa.Text),
)
_task_units = sa.table(
    "task_units", sa.column("task_id", sa.Integer), sa.column("unit_id", sa.Integer)
)
_reports = sa.table(
    "progress_reports",
    sa.column("id", sa.Integer),
    sa.column("task_id", sa.Integer),
    sa.column("unit_id", sa.Integer),
)
_users = sa.table(
    "users", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("unit_id", sa.Integer)
)
_audit = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_name", sa.String),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("before", sa.Text),
    sa.column("after", sa.Text),
)


def upgrade() -> None:
    _create_tables()
    op.add_column("plans", sa.Column("region_id", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("archived_by", sa.String(length=100), nullable=True))
    op.add_column("units", sa.Column("region_id", sa.Integer(), nullable=True))
    op.add_column("unit_aliases", sa.Column("region_id", sa.Integer(), nullable=True))
    op.add_column("tasks", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tasks", sa.Column("archived_in_revision", sa.Integer(), nullable=True))

    _loosen()

    bind = op.get_bind()
    regions = _Regions(bind)
    chains = _plan_regions(bind, regions)
    _split_units(bind, regions, chains)
    _first_sources(bind)

    _constrain()


# ---------------------------------------------------------------- schema


def _create_tables() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["regions.id"], name=op.f("fk_regions_parent_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_index(op.f("ix_regions_parent_id"), "regions", ["parent_id"], unique=False)
    op.create_table(
        "plan_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_sources_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sources")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_plan_sources_content_hash")),
        sa.UniqueConstraint("plan_id", "revision", name="uq_plan_sources_plan_revision"),
    )
    op.create_index(op.f("ix_plan_sources_plan_id"), "plan_sources", ["plan_id"], unique=False)


def _loosen() -> None:
    """Drop the constraints that say "one unit per name" before units are split."""
    with op.batch_alter_table("units", recreate="auto") as batch:
        batch.drop_constraint("uq_units_name", type_="unique")
    with op.batch_alter_table("unit_aliases", recreate="auto") as batch:
        batch.drop_constraint("uq_unit_aliases_alias", type_="unique")


def _constrain() -> None:
    """NOT NULL, foreign keys and the new unique constraints, once every row is filled."""
    with op.batch_alter_table("plans", recreate="auto") as batch:
        batch.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_plans_region_id_regions"), "regions", ["region_id"], ["id"])
        batch.create_index(op.f("ix_plans_region_id"), ["region_id"], unique=False)
    with op.batch_alter_table("units", recreate="auto") as batch:
        batch.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_units_region_id_regions"), "regions", ["region_id"], ["id"])
        batch.create_unique_constraint("uq_units_region_name", ["region_id", "name"])
        batch.create_index(op.f("ix_units_region_id"), ["region_id"], unique=False)
    with op.batch_alter_table("unit_aliases", recreate="auto") as batch:
        batch.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_unit_aliases_region_id_regions"), "regions", ["region_id"], ["id"]
        )
        batch.create_unique_constraint("uq_unit_aliases_region_alias", ["region_id", "alias"])
        batch.create_index(op.f("ix_unit_aliases_region_id"), ["region_id"], unique=False)
    with op.batch_alter_table("tasks", recreate="auto") as batch:
        batch.drop_constraint("uq_tasks_plan_code", type_="unique")
    op.create_index(
        "uq_tasks_plan_code_current",
        "tasks",
        ["plan_id", "code"],
        unique=True,
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )


# ---------------------------------------------------------------- regions of the plans


class _Regions:
    """Region rows made by this migration: name → (id, level, parent id)."""

    def __init__(self, bind: Any) -> None:
        self._bind = bind
        self.rows: dict[str, tuple[int, str, int | None]] = {}

    def ensure(self, name: str, level: str, parent_id: int | None) -> int:
        if name not in self.rows:
            new_id = self._bind.execute(
                sa.insert(_regions)
                .values(name=name, level=level, parent_id=parent_id, created_at=_now())
                .returning(_regions.c.id)
            ).scalar_one()
            self.rows[name] = (new_id, level, parent_id)
        return self.rows[name][0]

    def of_spec(self, spec: RegionSpec | None) -> int:
        if spec is None:
            return self.ensure(UNKNOWN_REGION, "city", None)
        parent: int | None = None
        if spec.province and spec.province != spec.name:
            parent = self.ensure(spec.province, "province", None)
        if spec.city and spec.city != spec.name:
            parent = self.ensure(spec.city, "city", parent)
        return self.ensure(spec.name, spec.level, parent)

    def chain(self, region_id: int) -> list[tuple[int, str]]:
        """(id, level) from the region up to its top."""
        by_id = {rid: (level, parent) for rid, level, parent in self.rows.values()}
        chain: list[tuple[int, str]] = []
        current: int | None = region_id
        while current is not None and all(current != c for c, _ in chain):
            level, parent = by_id[current]
            chain.append((current, level))
            current = parent
        return chain


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _plan_regions(bind: Any, regions: _Regions) -> dict[int, list[tuple[int, str]]]:
    """Give every plan its region; the region chain of every plan id."""
    texts: dict[int, list[str]] = defaultdict(list)
    for plan_id, content in bind.execute(sa.select(_tasks.c.plan_id, _tasks.c.content)):
        texts[plan_id].append(content or "")
    chains: dict[int, list[tuple[int, str]]] = {}
    for plan_id, title in bind.execute(sa.select(_plans.c.id, _plans.c.title).order_by(_plans.c.id)):
        spec = guess_region(title or "", "\n".join(texts.get(plan_id, ())))
        region_id = regions.of_spec(spec)
        bind.execute(sa.update(_plans).where(_plans.c.id == plan_id).values(region_id=region_id))
        chains[plan_id] = regions.chain(region_id)
    return chains


# ---------------------------------------------------------------- units


def _split_units(bind: Any, regions: _Regions, chains: dict[int, list[tuple[int, str]]]) -> None:
    """Give every unit its region, splitting those used in several (see the docstring)."""
    task_plan = dict(bind.execute(sa.select(_tasks.c.id, _tasks.c.plan_id)).tuples().all())
    links: dict[int, list[int]] = defaultdict(list)  # unit id → task ids
    for task_id, unit_id in bind.execute(sa.select(_task_units.c.task_id, _task_units.c.unit_id)):
        links[unit_id].append(task_id)
    aliases: dict[int, list[str]] = defaultdict(list)
    for alias, unit_id in bind.execute(sa.select(_aliases.c.alias, _aliases.c.unit_id)):
        aliases[unit_id].append(alias)
    fallback = min(chains, default=None)
    for unit_id, name, created_at in bind.execute(
        sa.select(_units.c.id, _units.c.name, _units.c.created_at).order_by(_units.c.id)
    ).all():
        groups: dict[int, list[int]] = defaultdict(list)  # region id → task ids
        first_plan: dict[int, int] = {}
        for task_id in links.get(unit_id, []):
            plan_id = task_plan[task_id]
            chain = chains[plan_id]
            owner = chain[owner_index(name, [level for _, level in chain])][0]
            groups[owner].append(task_id)
            first_plan[owner] = min(first_plan.get(owner, plan_id), plan_id)
        if not groups:
            home = chains[fallback][0][0] if fallback is not None else regions.of_spec(None)
            groups[home] = []
            first_plan[home] = 0
        ranked = sorted(groups, key=lambda r: (-len(groups[r]), first_plan[r]))
        home = ranked[0]
        bind.execute(sa.update(_units).where(_units.c.id == unit_id).values(region_id=home))
        bind.execute(
            sa.update(_aliases).where(_aliases.c.unit_id == unit_id).values(region_id=home)
        )
        for region_id in ranked[1:]:
            _move_part(bind, unit_id, name, created_at, region_id, groups[region_id], aliases[unit_id])
        if len(ranked) > 1:
            _audit_split(bind, unit_id, name, regions, ranked)


def _move_part(
    bind: Any,
    unit_id: int,
    name: str,
    created_at: Any,
    region_id: int,
    task_ids: list[int],
    alias_names: list[str],
) -> None:
    new_id = bind.execute(
        sa.insert(_units)
        .values(name=name, region_id=region_id, created_at=created_at)
        .returning(_units.c.id)
    ).scalar_one()
    for chunk in range(0, len(task_ids), 500):
        part = task_ids[chunk : chunk + 500]
        bind.execute(
            sa.update(_task_units)
            .where(_task_units.c.unit_id == unit_id, _task_units.c.task_id.in_(part))
            .values(unit_id=new_id)
        )
        bind.execute(
            sa.update(_reports)
            .where(_reports.c.unit_id == unit_id, _reports.c.task_id.in_(part))
            .values(unit_id=new_id)
        )
    if alias_names:
        bind.execute(
            sa.insert(_aliases),
            [{"alias": a, "unit_id": new_id, "region_id": region_id} for a in alias_names],
        )


def _audit_split(bind: Any, unit_id: int, name: str, regions: _Regions, ranked: list[int]) -> None:
    names = {rid: region for region, (rid, _, _) in regions.rows.items()}
    users = [u for (u,) in bind.execute(sa.select(_users.c.name).where(_users.c.unit_id == unit_id))]
    parts = "、".join(f"{names[r]}·{name}" for r in ranked)
    note = f"按地区拆分为：{parts}；原单位（编号 {unit_id}）归{names[ranked[0]]}"
    if users:
        note += f"，绑定该单位的用户（{'、'.join(users)}）仍绑定{names[ranked[0]]}·{name}"
    bind.execute(
        sa.insert(_audit).values(
            at=_now(),
            user_name=MIGRATION_USER,
            action="split_unit",
            object_type="unit",
            object_id=unit_id,
            field="region",
            before=name,
            after=note,
        )
    )


def _first_sources(bind: Any) -> None:
    rows = bind.execute(
        sa.select(
            _plans.c.id,
            _plans.c.source_name,
            _plans.c.source_format,
            _plans.c.content_hash,
            _plans.c.imported_at,
            _plans.c.imported_by,
        )
    ).all()
    if rows:
        bind.execute(
            sa.insert(_plan_sources),
            [
                {
                    "plan_id": pid,
                    "revision": 1,
                    "source_name": name,
                    "source_format": fmt,
                    "content_hash": digest,
                    "imported_at": at,
                    "imported_by": by,
                }
                for pid, name, fmt, digest, at, by in rows
            ],
        )


def downgrade() -> None:
    """Back to one unit per name: the parts of a split unit are merged again (their task
    links and reports go back to the unit with the lowest id). Archived tasks become
    current again; revision history is dropped (the plans keep their newest content)."""
    bind = op.get_bind()
    _merge_parts(bind)
    op.drop_index("uq_tasks_plan_code_current", table_name="tasks")
    _unarchive_duplicate_codes(bind)
    with op.batch_alter_table("tasks", recreate="auto") as batch:
        batch.create_unique_constraint("uq_tasks_plan_code", ["plan_id", "code"])
        batch.drop_column("archived_in_revision")
        batch.drop_column("archived_at")
    with op.batch_alter_table("unit_aliases", recreate="auto") as batch:
        batch.drop_index(op.f("ix_unit_aliases_region_id"))
        batch.drop_constraint("uq_unit_aliases_region_alias", type_="unique")
        batch.drop_constraint(op.f("fk_unit_aliases_region_id_regions"), type_="foreignkey")
        batch.drop_column("region_id")
        batch.create_unique_constraint("uq_unit_aliases_alias", ["alias"])
    with op.batch_alter_table("units", recreate="auto") as batch:
        batch.drop_index(op.f("ix_units_region_id"))
        batch.drop_constraint("uq_units_region_name", type_="unique")
        batch.drop_constraint(op.f("fk_units_region_id_regions"), type_="foreignkey")
        batch.drop_column("region_id")
        batch.create_unique_constraint("uq_units_name", ["name"])
    with op.batch_alter_table("plans", recreate="auto") as batch:
        batch.drop_index(op.f("ix_plans_region_id"))
        batch.drop_constraint(op.f("fk_plans_region_id_regions"), type_="foreignkey")
        batch.drop_column("region_id")
        batch.drop_column("archived_by")
        batch.drop_column("archived_at")
    op.drop_index(op.f("ix_plan_sources_plan_id"), table_name="plan_sources")
    op.drop_table("plan_sources")
    op.drop_index(op.f("ix_regions_parent_id"), table_name="regions")
    op.drop_table("regions")


def _merge_parts(bind: Any) -> None:
    by_name: dict[str, list[int]] = defaultdict(list)
    for unit_id, name in bind.execute(sa.select(_units.c.id, _units.c.name).order_by(_units.c.id)):
        by_name[name].append(unit_id)
    for ids in by_name.values():
        keep, *others = ids
        for other in others:
            kept_tasks = {
                t for (t,) in bind.execute(sa.select(_task_units.c.task_id).where(_task_units.c.unit_id == keep))
            }
            bind.execute(
                sa.delete(_task_units).where(
                    _task_units.c.unit_id == other, _task_units.c.task_id.in_(kept_tasks)
                )
            )
            bind.execute(sa.update(_task_units).where(_task_units.c.unit_id == other).values(unit_id=keep))
            bind.execute(sa.update(_reports).where(_reports.c.unit_id == other).values(unit_id=keep))
            bind.execute(sa.update(_users).where(_users.c.unit_id == other).values(unit_id=keep))
            bind.execute(sa.delete(_aliases).where(_aliases.c.unit_id == other))
            bind.execute(sa.delete(_units).where(_units.c.id == other))
    seen: set[str] = set()
    for alias_id, alias in bind.execute(sa.select(_aliases.c.id, _aliases.c.alias).order_by(_aliases.c.id)).all():
        if alias in seen:
            bind.execute(sa.delete(_aliases).where(_aliases.c.id == alias_id))
        seen.add(alias)


def _unarchive_duplicate_codes(bind: Any) -> None:
    tasks = sa.table(
        "tasks",
        sa.column("id", sa.Integer),
        sa.column("plan_id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("archived_at", sa.DateTime(timezone=True)),
    )
    taken: set[tuple[int, str]] = set()
    rows = bind.execute(
        sa.select(tasks.c.id, tasks.c.plan_id, tasks.c.code, tasks.c.archived_at).order_by(
            tasks.c.archived_at.is_not(None), tasks.c.id
        )
    ).all()
    for task_id, plan_id, code, _archived_at in rows:
        new_code = code
        n = 1
        while (plan_id, new_code) in taken:
            n += 1
            new_code = f"{code}（撤销{n}）"
        taken.add((plan_id, new_code))
        if new_code != code:
            bind.execute(sa.update(tasks).where(tasks.c.id == task_id).values(code=new_code))
