"""shared settings and status vocabulary in the database; accounts can be disabled

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 22:40:00

- ``settings``: one row per shared setting (key → JSON value). The rows are filled with the
  program's defaults (resources/settings.json) when the database is opened, not here, so
  that this revision stays a snapshot of the schema only.
- ``statuses``: the status vocabulary a report may take (name, description, colour, order,
  and rank: how far along, which the consolidated task state compares), filled the same
  way from resources/statuses.json (rank included).
- ``users.disabled``: a disabled account cannot sign in.

Self-contained: it touches only the tables above and ``users``, so it can follow any
revision that leaves ``users`` as 0002 made it (0003 does not touch that table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuses")),
        sa.UniqueConstraint("name", name=op.f("uq_statuses_name")),
    )
    # Native ADD COLUMN (no batch copy of the table on SQLite); existing accounts stay active.
    op.add_column(
        "users",
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("users", "disabled")
    op.drop_table("statuses")
    op.drop_table("settings")
