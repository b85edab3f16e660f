"""progress reporting: periods, reports, evidence, instructions, users; append-only audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:43:55.731692

Besides the new tables this revision
- gives every plan a reporting schedule (cadence, start year, horizon year) and creates the
  periods of the plans already in the database, so an upgraded database is usable at once;
- makes ``audit_log`` append-only in the database itself: triggers refuse UPDATE and DELETE
  (and TRUNCATE on PostgreSQL). Note for later migrations: on SQLite a batch operation that
  recreates ``audit_log`` drops its triggers; recreate them afterwards.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The defaults of this revision (a migration is a snapshot: it does not read the program's
# current settings). Half-yearly: 上半年 due 7月10日, 全年 due 次年1月10日; horizon 2030.
_HORIZON = 2030
_FILL_START = 2025  # placeholder for ADD COLUMN only: each old plan then gets its import year
_H1_DUE = (7, 10)
_H2_DUE = (1, 10)  # of the following year

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be changed'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: records cannot be deleted'); END
    """,
)

_PG_TRIGGERS = (
    """
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    """,
)


def upgrade() -> None:
    op.create_table(
        "periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_periods_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periods")),
        sa.UniqueConstraint("plan_id", "code", name="uq_periods_plan_code"),
    )
    op.create_index(op.f("ix_periods_plan_id"), "periods", ["plan_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_users_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_index(op.f("ix_users_unit_id"), "users", ["unit_id"], unique=False)

    op.create_table(
        "instructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_instructions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructions")),
    )
    op.create_index(op.f("ix_instructions_task_id"), "instructions", ["task_id"], unique=False)

    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name=op.f("fk_progress_reports_period_id_periods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_progress_reports_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_progress_reports_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        # Leading period_id: the 催办 list and the summary read one period's reports.
        sa.UniqueConstraint(
            "period_id", "task_id", "unit_id", name="uq_progress_reports_period_task_unit"
        ),
    )
    op.create_index(
        op.f("ix_progress_reports_task_id"), "progress_reports", ["task_id"], unique=False
    )
    op.create_index(
        op.f("ix_progress_reports_unit_id"), "progress_reports", ["unit_id"], unique=False
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_evidence_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_report_id"), "evidence", ["report_id"], unique=False)

    op.create_table(
        "report_actuals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_report_actuals_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_report_actuals_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_actuals")),
        sa.UniqueConstraint("report_id", "target_id", name="uq_report_actuals_report_target"),
    )
    op.create_index(
        op.f("ix_report_actuals_target_id"), "report_actuals", ["target_id"], unique=False
    )

    # Plain ADD COLUMN (no table copy: on SQLite, recreating ``plans`` with foreign keys on
    # would cascade-delete its areas and tasks). The server defaults only fill old rows.
    op.add_column(
        "plans",
        sa.Column("cadence", sa.String(length=20), nullable=False, server_default="half_yearly"),
    )
    op.add_column(
        "plans",
        sa.Column(
            "start_year", sa.Integer(), nullable=False, server_default=str(_FILL_START)
        ),
    )
    op.add_column(
        "plans",
        sa.Column("horizon_year", sa.Integer(), nullable=False, server_default=str(_HORIZON)),
    )
    _schedule_existing_plans()

    bind = op.get_bind()
    triggers = _PG_TRIGGERS if bind.dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def _schedule_existing_plans() -> None:
    """Start each existing plan in the year it was imported and create its periods."""
    bind = op.get_bind()
    plans = sa.table(
        "plans",
        sa.column("id", sa.Integer),
        sa.column("imported_at", sa.DateTime(timezone=True)),
        sa.column("start_year", sa.Integer),
    )
    periods = sa.table(
        "periods",
        sa.column("plan_id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("year", sa.Integer),
        sa.column("half", sa.Integer),
        sa.column("name", sa.String),
        sa.column("due_date", sa.Date),
        sa.column("locked", sa.Boolean),
    )
    rows = bind.execute(sa.select(plans.c.id, plans.c.imported_at)).all()
    new_periods: list[dict[str, object]] = []
    for plan_id, imported_at in rows:
        start = min(imported_at.year if imported_at is not None else _HORIZON, _HORIZON)
        bind.execute(sa.update(plans).where(plans.c.id == plan_id).values(start_year=start))
        for year in range(start, _HORIZON + 1):
            new_periods.append(
                {
                    "plan_id": plan_id,
                    "code": f"{year}H1",
                    "year": year,
                    "half": 1,
                    "name": f"{year}年上半年",
                    "due_date": dt.date(year, *_H1_DUE),
                    "locked": False,
                }
            )
            new_periods.append(
                {
                    "plan_id": plan_id,
                    "code": f"{year}H2",
                    "year": year,
                    "half": 2,
                    "name": f"{year}年全年",
                    "due_date": dt.date(year + 1, *_H2_DUE),
                    "locked": False,
                }
            )
    if new_periods:
        bind.execute(sa.insert(periods), new_periods)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")

    # Native DROP COLUMN (SQLite ≥ 3.35), not a batch copy that would cascade-delete tasks.
    for column in ("horizon_year", "start_year", "cadence"):
        op.drop_column("plans", column)

    op.drop_index(op.f("ix_report_actuals_target_id"), table_name="report_actuals")
    op.drop_table("report_actuals")
    op.drop_index(op.f("ix_evidence_report_id"), table_name="evidence")
    op.drop_table("evidence")
    op.drop_index(op.f("ix_progress_reports_unit_id"), table_name="progress_reports")
    op.drop_index(op.f("ix_progress_reports_task_id"), table_name="progress_reports")
    op.drop_table("progress_reports")
    op.drop_index(op.f("ix_instructions_task_id"), table_name="instructions")
    op.drop_table("instructions")
    op.drop_index(op.f("ix_users_unit_id"), table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_periods_plan_id"), table_name="periods")
    op.drop_table("periods")
