"""targets: direction (increase / decrease) and baseline year

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:30:00

A target now records which way its indicator is to move and the year a change is measured
from (较2020年下降14% → decrease, 2020), so that an actual value can be compared with it.
Targets already stored get both from their verb, comparator and text, by the rules of this
revision (a migration is a snapshot: it does not import the program's current code).

Self-contained: it only adds two columns to ``targets`` and fills them, so it can be
re-chained after other revisions without change.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DECREASE = {
    "下降", "降低", "减少", "降低到", "降低至", "降到", "降至", "下降到", "下降至", "减少到",
    "减少至", "减至", "压减到", "压减至", "压减", "淘汰", "控制在", "不超过", "不高于", "低于",
}  # fmt: skip
_INCREASE = {
    "提高", "提升", "增长", "增加", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至",
    "增长到", "增长至", "不低于", "不少于", "高于", "突破", "超过",
}  # fmt: skip
_BY_COMPARATOR = {">=": "increase", ">": "increase", "<=": "decrease", "<": "decrease"}
_BASELINE = re.compile(r"(?:较|比|与|相比)(20\d\d)年")


def _direction(verb: str, comparator: str) -> str:
    verb = verb.removeprefix("年均")
    if verb in _DECREASE:
        return "decrease"
    if verb in _INCREASE:
        return "increase"
    return _BY_COMPARATOR.get(comparator, "")


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("direction", sa.String(length=10), server_default="", nullable=False))
        batch.add_column(sa.Column("baseline_year", sa.Integer(), nullable=True))
    targets = sa.table(
        "targets",
        sa.column("id", sa.Integer),
        sa.column("verb", sa.String),
        sa.column("comparator", sa.String),
        sa.column("text", sa.Text),
        sa.column("direction", sa.String),
        sa.column("baseline_year", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(targets.c.id, targets.c.verb, targets.c.comparator, targets.c.text)
    ).all()
    updates = []
    for target_id, verb, comparator, text in rows:
        baseline = _BASELINE.search(text or "")
        updates.append(
            {
                "target_id": target_id,
                "new_direction": _direction(verb or "", comparator or ""),
                "new_baseline": int(baseline.group(1)) if baseline else None,
            }
        )
    if updates:
        connection.execute(
            targets.update()
            .where(targets.c.id == sa.bindparam("target_id"))
            .values(direction=sa.bindparam("new_direction"), baseline_year=sa.bindparam("new_baseline")),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("baseline_year")
        batch.drop_column("direction")
