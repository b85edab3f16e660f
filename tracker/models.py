"""The ORM model: one ``DeclarativeBase``, typed columns (SQLAlchemy 2).

The schema is created and changed only by the Alembic migrations in ``db/``; these classes
must match the newest migration (a test compares them).

Vocabulary (DESIGN.md): a ``Plan`` (实施方案) holds ``Area`` s (重点领域/行动) which hold
``Task`` s (主要工作/任务, the unit of assignment and reporting). A task names its units
(``TaskUnit``: role ``lead`` 牵头 or ``cooperating`` 配合, in document order) and its
quantitative ``Target`` s (目标).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    type_annotation_map = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Plan(Base):
    """One imported document (实施方案)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="region")
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)

    areas: Mapped[list[Area]] = relationship(
        back_populates="plan", order_by="Area.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", order_by="Task.position", cascade="all, delete-orphan"
    )
    warnings: Mapped[list[PlanWarning]] = relationship(
        back_populates="plan", order_by="PlanWarning.id", cascade="all, delete-orphan"
    )


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
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_tasks_plan_code"),)

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
    """One real unit (单位), under its canonical name."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitAlias(Base):
    """Another name of a unit (别名), added by a user or by a merge."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)
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
