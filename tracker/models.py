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
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
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
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

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
    """An account: role ``coordinator`` (协调员) or ``reporter`` (填报员, bound to one unit);
    since revision 0006 also ``pilot_body`` (试点主体, bound to a pilot and to the pilot
    body's unit) or ``city_drc`` (地级市发展改革委, bound to a region: the city's pilots)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Revision 0004: a disabled account cannot sign in; it stays for the audit trail.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Revision 0006: what a pilot body's / a city DRC's account is bound to.
    pilot_id: Mapped[int | None] = mapped_column(ForeignKey("pilots.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

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


# ============================================================================================
# Pilots (revision 0006): pilots, their key projects, experience records, two-level review.
# ============================================================================================


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal with ``scale`` places, stored as a whole number of its smallest step
    (an amount in 万元 with 4 places is stored in 元): exact on SQLite, which has no
    decimal type, and on PostgreSQL alike, and summed exactly by the database."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 4) -> None:
        super().__init__()
        self.scale = scale
        self._step = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        """A decimal to the stored whole number; more places than ``scale`` is a bug."""
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """The stored whole number (a sum may come back as a decimal) to a decimal."""
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale).quantize(self._step)


# 万元 and 万吨CO₂, to four places (1 元, 1 吨).
Money = ScaledDecimal(4)
Tonnage = ScaledDecimal(4)


class Pilot(Base):
    """A pilot (试点): one of the six types, its body (试点主体) with a unit of the same name
    in the pilot's region, the city DRC that supervises it (a unit), and its plan
    (试点实施方案, a :class:`Plan` of kind ``pilot``) once it has one."""

    __tablename__ = "pilots"
    __table_args__ = (UniqueConstraint("name", name="uq_pilots_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    body_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    supervisor_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="building")
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    region: Mapped[Region] = relationship()
    body_unit: Mapped[Unit] = relationship(foreign_keys=[body_unit_id])
    supervisor: Mapped[Unit] = relationship(foreign_keys=[supervisor_unit_id])
    plan: Mapped[Plan | None] = relationship()


class PilotQuota(Base):
    """How many pilots of a type the scheme sets (定额); seeded from ``resources/pilots.json``
    when first changed, editable by a coordinator. More pilots than this is only a warning."""

    __tablename__ = "pilot_quotas"

    pilot_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class Project(Base):
    """A key project (重大项目) of a pilot: 谋划 → 开工 → 投产 → 达效, with its investment."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("pilot_id", "code", name="uq_projects_pilot_code"),
        CheckConstraint("total_investment >= 0", name="total_investment_not_negative"),
        CheckConstraint("expected_reduction >= 0", name="expected_reduction_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # 项目编号 within the pilot: 1, 2 …
    name: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200), default="")  # 项目业主
    location: Mapped[str] = mapped_column(String(200), default="")  # 建设地点
    total_investment: Mapped[Decimal | None] = mapped_column(Money)  # 总投资，万元
    expected_reduction: Mapped[Decimal | None] = mapped_column(Tonnage)  # 预计减碳，万吨CO₂
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_finish: Mapped[dt.date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="planning")
    started_on: Mapped[dt.date | None] = mapped_column(Date)  # 开工
    operating_on: Mapped[dt.date | None] = mapped_column(Date)  # 投产
    effective_on: Mapped[dt.date | None] = mapped_column(Date)  # 达效
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    pilot: Mapped[Pilot] = relationship()
    investments: Mapped[list[ProjectInvestment]] = relationship(
        back_populates="project",
        order_by="ProjectInvestment.year",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    stage_changes: Mapped[list[ProjectStageChange]] = relationship(
        back_populates="project",
        order_by="ProjectStageChange.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    task_links: Mapped[list[ProjectTask]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class ProjectInvestment(Base):
    """A project's investment in one year (年度投资, 万元): planned and completed."""

    __tablename__ = "project_investments"
    __table_args__ = (
        CheckConstraint("planned >= 0", name="planned_not_negative"),
        CheckConstraint("completed >= 0", name="completed_not_negative"),
    )

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    planned: Mapped[Decimal | None] = mapped_column(Money)
    completed: Mapped[Decimal | None] = mapped_column(Money)

    project: Mapped[Project] = relationship(back_populates="investments")


class ProjectStageChange(Base):
    """One change of a project's stage: from, to, the date it happened, and the reason
    (required when the project goes back)."""

    __tablename__ = "project_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))

    project: Mapped[Project] = relationship(back_populates="stage_changes")


class ProjectProgress(Base):
    """What a project achieved in one reporting period (本期进展), by period code."""

    __tablename__ = "project_progress"
    __table_args__ = (
        UniqueConstraint("project_id", "period_code", name="uq_project_progress_project_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    period_code: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    project: Mapped[Project] = relationship()


class ProjectTask(Base):
    """A project serves a task of its pilot's plan."""

    __tablename__ = "project_tasks"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    project: Mapped[Project] = relationship(back_populates="task_links")


class Experience(Base):
    """An experience record (经验做法 / 典型案例) of a pilot: ``chosen`` ones go into the
    pilot's report; the regional DRC marks one ``promoted`` (推广)."""

    __tablename__ = "experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="practice")
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    period_code: Mapped[str | None] = mapped_column(String(10))
    tags: Mapped[str] = mapped_column(String(500), default="")  # 、-separated
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    promoted_at: Mapped[dt.datetime | None] = mapped_column()
    promoted_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PilotReport(Base):
    """A pilot's half-year progress report (试点建设进展情况) for one period, and its
    two-level review: 草稿 → 已报送 (to the city DRC) → 市级已审核 (on to the regional DRC)
    → 自治区已审核, or → 已退回 by either level, with who and when at each step."""

    __tablename__ = "pilot_reports"
    __table_args__ = (
        UniqueConstraint("pilot_id", "period_code", name="uq_pilot_reports_pilot_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"))
    period_code: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    overall: Mapped[str] = mapped_column(Text, default="")  # 总体进展
    innovation: Mapped[str] = mapped_column(Text, default="")  # 政策机制创新
    problems: Mapped[str] = mapped_column(Text, default="")  # 存在的问题
    next_steps: Mapped[str] = mapped_column(Text, default="")  # 下一步工作计划
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    first_submitted_at: Mapped[dt.datetime | None] = mapped_column()
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    city_approved_at: Mapped[dt.datetime | None] = mapped_column()
    city_approved_by: Mapped[str | None] = mapped_column(String(100))
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    accepted_by: Mapped[str | None] = mapped_column(String(100))
    returned_at: Mapped[dt.datetime | None] = mapped_column()
    returned_by: Mapped[str | None] = mapped_column(String(100))
    return_level: Mapped[str | None] = mapped_column(String(10))  # city | region
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    pilot: Mapped[Pilot] = relationship()


class PilotEvaluation(Base):
    """The regional DRC's verdict on a pilot for a period (评估): 成效突出 (通报表扬), 正常,
    or 进度滞后 with a deadline to correct by (限期整改, shown in 催办 until rectified).
    The period code ``FINAL`` is the evaluation of a completed pilot (成效评价)."""

    __tablename__ = "pilot_evaluations"
    __table_args__ = (
        UniqueConstraint("pilot_id", "period_code", name="uq_pilot_evaluations_pilot_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"))
    period_code: Mapped[str] = mapped_column(String(10))
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)
    rectified_note: Mapped[str | None] = mapped_column(Text)
    evaluated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    evaluated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
