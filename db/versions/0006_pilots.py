"""pilots: pilots, key projects, experience records, two-level review, pilot accounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00

New tables only, plus two nullable columns on ``users`` (the pilot a pilot body's account
is bound to, the region of a city DRC's account). Nothing already stored changes meaning:
existing accounts keep their roles and bind to neither.

Amounts (万元) and tonnages (万吨CO₂) are stored as whole numbers of their fourth decimal
place (元, 吨): exact on SQLite, which has no decimal type, and on PostgreSQL.

Self-contained: it creates its own tables and only adds columns to ``users``, so it can be
re-chained after other revisions without change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _stamps(*, created: bool = True) -> list[sa.Column]:
    columns = []
    if created:
        columns += [
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_by", sa.String(length=100), nullable=False),
        ]
    columns += [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]
    return columns


def _pilots() -> None:
    op.create_table(
        "pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("body_unit_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_unit_id", sa.Integer(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_pilots_region_id_regions"),
        sa.ForeignKeyConstraint(["body_unit_id"], ["units.id"], name="fk_pilots_body_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["supervisor_unit_id"], ["units.id"], name="fk_pilots_supervisor_unit_id_units"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_pilots_plan_id_plans", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pilots"),
        sa.UniqueConstraint("name", name="uq_pilots_name"),
        sa.UniqueConstraint("plan_id", name="uq_pilots_plan_id"),
    )
    op.create_index("ix_pilots_region_id", "pilots", ["region_id"])
    op.create_index("ix_pilots_body_unit_id", "pilots", ["body_unit_id"])
    op.create_index("ix_pilots_supervisor_unit_id", "pilots", ["supervisor_unit_id"])
    op.create_table(
        "pilot_quotas",
        sa.Column("pilot_type", sa.String(length=20), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("pilot_type", name="pk_pilot_quotas"),
    )


def _projects() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("total_investment", sa.BigInteger(), nullable=True),
        sa.Column("expected_reduction", sa.BigInteger(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_finish", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("operating_on", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        *_stamps(),
        sa.CheckConstraint(
            "total_investment >= 0", name=op.f("ck_projects_total_investment_not_negative")
        ),
        sa.CheckConstraint(
            "expected_reduction >= 0", name=op.f("ck_projects_expected_reduction_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["pilot_id"], ["pilots.id"], name="fk_projects_pilot_id_pilots", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("pilot_id", "code", name="uq_projects_pilot_code"),
    )
    op.create_index("ix_projects_pilot_id", "projects", ["pilot_id"])
    op.create_table(
        "project_investments",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("planned", sa.BigInteger(), nullable=True),
        sa.Column("completed", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("planned >= 0", name=op.f("ck_project_investments_planned_not_negative")),
        sa.CheckConstraint("completed >= 0", name=op.f("ck_project_investments_completed_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_investments_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "year", name="pk_project_investments"),
    )
    op.create_table(
        "project_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_stage_changes_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_stage_changes"),
    )
    op.create_index(
        "ix_project_stage_changes_project_id", "project_stage_changes", ["project_id"]
    )
    op.create_table(
        "project_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(created=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_progress_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_progress"),
        sa.UniqueConstraint(
            "project_id", "period_code", name="uq_project_progress_project_period"
        ),
    )
    op.create_table(
        "project_tasks",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_tasks_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_project_tasks_task_id_tasks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "task_id", name="pk_project_tasks"),
    )
    op.create_index("ix_project_tasks_task_id", "project_tasks", ["task_id"])


def _experience_and_review() -> None:
    op.create_table(
        "experiences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=True),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promoted_by", sa.String(length=100), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["pilot_id"], ["pilots.id"], name="fk_experiences_pilot_id_pilots", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_experiences"),
    )
    op.create_index("ix_experiences_pilot_id", "experiences", ["pilot_id"])
    op.create_table(
        "pilot_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("overall", sa.Text(), nullable=False),
        sa.Column("innovation", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=True),
        sa.Column("city_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("city_approved_by", sa.String(length=100), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=100), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.String(length=100), nullable=True),
        sa.Column("return_level", sa.String(length=10), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["pilot_id"], ["pilots.id"], name="fk_pilot_reports_pilot_id_pilots", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pilot_reports"),
        sa.UniqueConstraint("pilot_id", "period_code", name="uq_pilot_reports_pilot_period"),
    )
    op.create_table(
        "pilot_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("rectified_note", sa.Text(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evaluated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pilot_id"],
            ["pilots.id"],
            name="fk_pilot_evaluations_pilot_id_pilots",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pilot_evaluations"),
        sa.UniqueConstraint("pilot_id", "period_code", name="uq_pilot_evaluations_pilot_period"),
    )


def upgrade() -> None:
    _pilots()
    _projects()
    _experience_and_review()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("pilot_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_pilot_id_pilots", "pilots", ["pilot_id"], ["id"])
        batch.create_foreign_key("fk_users_region_id_regions", "regions", ["region_id"], ["id"])
        batch.create_index("ix_users_pilot_id", ["pilot_id"])
        batch.create_index("ix_users_region_id", ["region_id"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_region_id")
        batch.drop_index("ix_users_pilot_id")
        batch.drop_constraint("fk_users_region_id_regions", type_="foreignkey")
        batch.drop_constraint("fk_users_pilot_id_pilots", type_="foreignkey")
        batch.drop_column("region_id")
        batch.drop_column("pilot_id")
    for table in (
        "pilot_evaluations",
        "pilot_reports",
        "experiences",
        "project_tasks",
        "project_progress",
        "project_stage_changes",
        "project_investments",
        "projects",
        "pilot_quotas",
        "pilots",
    ):
        op.drop_table(table)
