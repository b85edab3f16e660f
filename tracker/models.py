"""The ORM model: one ``DeclarativeBase``, typed columns (SQLAlchemy 2).

The schema is created and changed only by the Alembic migrations in ``db/``; these classes
must match the newest migration (a test compares them).

Vocabulary (DESIGN.md): a ``Plan`` (实施方案) holds ``Area`` s (重点领域/行动) which hold
``Task`` s (主要工作/任务, the unit of assignment and reporting). A task names its units
(``TaskUnit``: role ``lead`` 牵头 or ``cooperating`` 配合, in document order) and its
quantitative ``Target`` s (目标). A plan is issued by a ``Region`` (地区), and every unit
belongs to one region: 银川市's 市发展改革委 is not 广元市's (revision 0003).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLE_LEAD = "lead"
ROLE_COOPERATING = "cooperating"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (stored as UTC on every backend)."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: DateTime(timezone=True)}


class Region(Base):
    """Who issues plans (地区): a province, city, county or park, under its parent.

    ``level`` is ``province`` / ``city`` / ``county`` / ``park``; ``parent_id`` points one
    level up (a city's province, a county's city or province), None at the top. The top of
    a region's chain is its province: units whose name carries its own owner
    (自治区发展改革委, 国网宁夏电力公司) belong there, once for the whole province.
    """

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class Plan(Base):
    """One imported document (实施方案), updated in place by later revisions of it."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="region")
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Reporting schedule (revision 0002): cadence "half_yearly" | "yearly", first and last year.
    cadence: Mapped[str] = mapped_column(String(20), default="half_yearly")
    start_year: Mapped[int] = mapped_column(Integer, default=lambda: dt.date.today().year)
    horizon_year: Mapped[int] = mapped_column(Integer, default=2030)
    # Lifecycle (revision 0003): an archived plan is hidden from lists and read-only.
    archived_at: Mapped[dt.datetime | None] = mapped_column()
    archived_by: Mapped[str | None] = mapped_column(String(100))

    region: Mapped[Region] = relationship()
    sources: Mapped[list[PlanSource]] = relationship(
        back_populates="plan",
        order_by="PlanSource.revision",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    areas: Mapped[list[Area]] = relationship(
        back_populates="plan", order_by="Area.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", order_by="Task.position", cascade="all, delete-orphan"
    )
    warnings: Mapped[list[PlanWarning]] = relationship(
        back_populates="plan", order_by="PlanWarning.id", cascade="all, delete-orphan"
    )
    periods: Mapped[list[Period]] = relationship(
        back_populates="plan",
        order_by="(Period.year, Period.half)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PlanSource(Base):
    """One source document of a plan: revision 1 is the first import, each revised version
    imported since adds the next (修订版). The plan itself shows the newest."""

    __tablename__ = "plan_sources"
    __table_args__ = (
        UniqueConstraint("plan_id", "revision", name="uq_plan_sources_plan_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="sources")


class Area(Base):
    """A chapter-level grouping (重点领域 / 行动)."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="areas")
    tasks: Mapped[list[Task]] = relationship(back_populates="area", order_by="Task.position")


class Task(Base):
    """The unit of assignment and of reporting (主要工作 / 任务)."""

    __tablename__ = "tasks"
    # A task's code is unique among the plan's current tasks; a task removed by a revision
    # is archived (never deleted) and may share its code with the task that replaced it.
    __table_args__ = (
        Index(
            "uq_tasks_plan_code_current",
            "plan_id",
            "code",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    measure_title: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text)
    deadline: Mapped[str | None] = mapped_column(String(200))
    remarks: Mapped[str | None] = mapped_column(Text)
    source_place: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when a revision of the plan dropped the task (revision 0003): kept with its
    # reports, read-only, out of the lists.
    archived_at: Mapped[dt.datetime | None] = mapped_column()
    archived_in_revision: Mapped[int | None] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    area: Mapped[Area] = relationship(back_populates="tasks")
    unit_links: Mapped[list[TaskUnit]] = relationship(
        back_populates="task",
        order_by="(TaskUnit.role.desc(), TaskUnit.position)",
        cascade="all, delete-orphan",
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="task", order_by="Target.position", cascade="all, delete-orphan"
    )


class Unit(Base):
    """One real unit (单位), under its canonical name, in its region (地区)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_units_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship()
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitAlias(Base):
    """Another name of a unit (别名), added by a user or by a merge. An alias is read in
    its region and the regions below it: 银川市's 市发改局 says nothing about 广元市."""

    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("region_id", "alias", name="uq_unit_aliases_region_alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class TaskUnit(Base):
    """A unit's role on a task: ``lead`` (牵头) or ``cooperating`` (配合), in document order."""

    __tablename__ = "task_units"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)

    task: Mapped[Task] = relationship(back_populates="unit_links")
    unit: Mapped[Unit] = relationship()


class Target(Base):
    """A quantitative commitment in a task's text (目标)."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(300))
    verb: Mapped[str] = mapped_column(String(20))
    comparator: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    measure_unit: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    # Revision 0005: which way the indicator is to move ("increase" | "decrease" | "" when
    # the text does not say) and the year a change is measured from (较2020年 → 2020).
    direction: Mapped[str] = mapped_column(String(10), default="", server_default="")
    baseline_year: Mapped[int | None] = mapped_column(Integer)

    task: Mapped[Task] = relationship(back_populates="targets")


class PlanWarning(Base):
    """Something the importer could not decide, kept with its place for a person to check."""

    __tablename__ = "plan_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="warnings")


class AuditRecord(Base):
    """One change: who, when, what object, which field, before and after. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[int | None] = mapped_column(Integer, index=True)
    field: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


# ============================================================================================
# Progress reporting (revision 0002): periods, progress reports, evidence, instructions, users.
# ============================================================================================

CADENCE_HALF_YEARLY = "half_yearly"
CADENCE_YEARLY = "yearly"

# Workflow of a progress report: 草稿 → 已报送 → 已审核, or → 已退回 → (edited) 草稿.
STATE_DRAFT = "draft"
STATE_SUBMITTED = "submitted"
STATE_APPROVED = "approved"
STATE_RETURNED = "returned"


class Period(Base):
    """A reporting period of a plan (报告期): ``2025H1`` = 2025年上半年, ``2025H2`` = 2025年全年."""

    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_periods_plan_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)  # 1 = 上半年, 2 = 全年 (the annual report)
    name: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[dt.date] = mapped_column(Date)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_at: Mapped[dt.datetime | None] = mapped_column()
    locked_by: Mapped[str | None] = mapped_column(String(100))
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="periods")


class ProgressReport(Base):
    """One unit's report on one task for one period (进展填报), with optimistic locking."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint(
            "period_id", "task_id", "unit_id", name="uq_progress_reports_period_task_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default=STATE_DRAFT)
    status: Mapped[str | None] = mapped_column(String(20))
    progress: Mapped[str] = mapped_column(Text, default="")  # 工作进展
    results: Mapped[str] = mapped_column(Text, default="")  # 取得成效
    problems: Mapped[str] = mapped_column(Text, default="")  # 存在问题
    next_steps: Mapped[str] = mapped_column(Text, default="")  # 下步计划
    percent: Mapped[float | None] = mapped_column(Float)
    return_reason: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    first_submitted_at: Mapped[dt.datetime | None] = mapped_column()
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    # Every UPDATE checks and increments ``version`` (a concurrent writer gets no row).
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    period: Mapped[Period] = relationship()
    actuals: Mapped[list[ReportActual]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="report",
        order_by="Evidence.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ReportActual(Base):
    """The actual value a report gives for one of its task's targets (目标完成值)."""

    __tablename__ = "report_actuals"
    __table_args__ = (
        UniqueConstraint("report_id", "target_id", name="uq_report_actuals_report_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)

    report: Mapped[ProgressReport] = relationship(back_populates="actuals")


class Evidence(Base):
    """A file attached to a report (佐证材料), stored in the database with its SHA-256."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100))

    report: Mapped[ProgressReport] = relationship(back_populates="evidence")


class Instruction(Base):
    """A remark the coordinator attaches to a task (批示 / 督办意见)."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class User(Base):
    """An account: role ``coordinator`` (协调员) or ``reporter`` (填报员, bound to one unit)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Revision 0004: a disabled account cannot sign in; it stays for the audit trail.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    unit: Mapped[Unit | None] = relationship()


# ============================================================================================
# Shared settings (revision 0004): what every desk of one database must agree on.
# ============================================================================================


class Setting(Base):
    """One shared setting (设置): a key and its value as JSON text.

    The keys and their defaults come from ``resources/settings.json`` and are stored when a
    database is opened for the first time (see :mod:`tracker.services.settings`); keys that
    start with ``_`` are the program's own markers and are not shown to users.
    """

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class StatusDefinition(Base):
    """One entry of the status vocabulary (状态) a report may take, in display order, with
    its rank (how far along).

    Reports store the status by name, so a rename updates them (see
    :func:`tracker.services.settings.rename_status`).
    """

    __tablename__ = "statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    color: Mapped[str] = mapped_column(String(7), default="")
    position: Mapped[int] = mapped_column(Integer)
    # How far along a task with this status is (higher: further): the consolidated state of
    # a task with several leads is the least advanced of theirs, and the one status with
    # the top rank means done (see tracker/services/task_state.py).
    rank: Mapped[int] = mapped_column(Integer)
