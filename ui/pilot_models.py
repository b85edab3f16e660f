"""Table models of the 试点 view (STYLE rule 6): the pilot types against their quota, the
pilots with their lights, and one pilot's tasks, key projects and experience records.

Each computes its cells once when its data is set (a row cache); ``data()`` only looks
them up. The dicts come from the services: :func:`tracker.services.pilot_overview.overview`
(types and pilots), :func:`tracker.services.plans.list_tasks` with the task states of
:mod:`tracker.services.task_state`, :func:`tracker.services.projects.list_projects` and
:func:`tracker.services.experience.list_experience`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from tracker.services.inputs import amount_text
from tracker.services.pilot_terms import terms
from tracker.services.projects import year_amounts
from ui.models import ROW_ROLE, SORT_ROLE, Index, _one_line, _ReadOnlyTableModel, _RecordTableModel
from ui.progress_models import LIGHT_DONE, LIGHT_RANK, light_icon, worst_light
from ui.views import pilot_texts as t

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_OVER_QUOTA_COLOR = "#c62828"
TYPE_ROLE = Qt.ItemDataRole.UserRole + 10


def verdict_color(verdict: str) -> str:
    """The colour of a verdict (resources/pilots.json; black for an unknown one)."""
    try:
        return str(terms().verdicts.term(verdict).extra.get("color") or "#000000")
    except KeyError:
        return "#000000"


def _days(days: int) -> str:
    return t.DAYS_LATE.format(days=-days) if days < 0 else t.DAYS_LEFT.format(days=days)


def money(value: Decimal | None) -> str:
    """An amount (万元, 万吨) as the tables show it: 1250.5, 300; empty for none."""
    return amount_text(value) if value is not None else ""


class _Records(_RecordTableModel):
    """A table of service records, each with its ``id``."""

    def row_of(self, record_id: int) -> int | None:
        """The row of the record with this id (None: not listed)."""
        for row, record in enumerate(self._records):
            if record["id"] == record_id:
                return row
        return None


# ---------------------------------------------------------------- types


class PilotTypeModel(_ReadOnlyTableModel):
    """全部类型, then each pilot type: its pilots against the scheme's quota, and the most
    urgent light of its pilots (a report owed, a correction order open)."""

    HEADERS = t.TYPE_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str | None, str, str, str, str | None, bool]] = []

    def set_types(self, quotas: Sequence[Mapping[str, Any]], lights: Mapping[str, str]) -> None:
        """``quotas`` as :func:`tracker.services.pilots.quota_status` lists them; ``lights``:
        type key → its most urgent light."""
        self.beginResetModel()
        total = sum(int(q["count"]) for q in quotas)
        quota = sum(int(q["quota"]) for q in quotas)
        self._rows = [
            (
                None,
                t.ALL_TYPES,
                t.QUOTA.format(count=total, quota=quota),
                "",
                worst_light(lights.values()),
                False,
            )
        ]
        for q in quotas:
            tip = t.QUOTA_OVER_TIP if q["over"] else t.QUOTA_TIP
            self._rows.append(
                (
                    str(q["type"]),
                    str(q["type_label"]),
                    t.QUOTA.format(count=q["count"], quota=q["quota"]),
                    tip.format(type=q["type_label"], count=q["count"], quota=q["quota"]),
                    lights.get(str(q["type"])),
                    bool(q["over"]),
                )
            )
        self.endResetModel()

    def type_key(self, row: int) -> str | None:
        """The type of ``row`` (None: all types)."""
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key, label, counts, tip, light, over = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return label if column == 0 else counts
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return light_icon(light)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and over:
            return QColor(_OVER_QUOTA_COLOR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return _RIGHT
        if role == TYPE_ROLE:
            return key
        return None


# ---------------------------------------------------------------- pilots


class PilotColumn(IntEnum):
    TYPE = 0
    NAME = 1
    REGION = 2
    STATUS = 3
    TASKS = 4
    PROJECTS = 5
    REPORT = 6
    VERDICT = 7
    RECTIFY = 8


def pilot_lights(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The two lights of a pilot: its half-year report (while owed) and its open
    correction order (限期整改)."""
    evaluation = entry.get("evaluation") or {}
    return entry["report"].get("light"), evaluation.get("light")


class PilotTableModel(_Records):
    """The pilots of the overview (:func:`tracker.services.pilot_overview.overview`): type,
    body, region, status, tasks done, projects, the half-year report with its light, the
    evaluation and an open correction order with its light."""

    HEADERS = t.PILOT_HEADERS

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        tasks, report = record["tasks"], record["report"]
        rate = (
            t.RATE.format(done=tasks["completed"], total=tasks["total"], rate=tasks["rate"])
            if tasks["total"]
            else t.NONE
        )
        state = report["state_label"]
        if report.get("light"):
            state += f"（{_days(int(report['days_left']))}）"
        elif report.get("late"):
            state += t.LATE_MARK
        return (
            str(record["type_label"]),
            str(record["name"]),
            str(record["region"]),
            str(record["status_label"]),
            rate,
            str(record["projects"]["count"]),
            state,
            _verdict(record),
            _rectification(record),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        record = self._records[row]
        if column == PilotColumn.TYPE:
            return row  # the overview's order: by type, then number
        if column == PilotColumn.TASKS:
            return record["tasks"]["rate"] if record["tasks"]["rate"] is not None else -1
        if column == PilotColumn.PROJECTS:
            return record["projects"]["count"]
        if column in (PilotColumn.REPORT, PilotColumn.RECTIFY):
            light = pilot_lights(record)[0 if column == PilotColumn.REPORT else 1]
            return (LIGHT_RANK.get(light or LIGHT_DONE, 9), self._cells[row][column])
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record, column = self._records[index.row()], index.column()
        if role == Qt.ItemDataRole.DecorationRole:
            report_light, rectify_light = pilot_lights(record)
            if column == PilotColumn.REPORT and report_light:
                return light_icon(report_light)
            if column == PilotColumn.RECTIFY and rectify_light:
                return light_icon(rectify_light)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == PilotColumn.VERDICT:
            verdict = (record.get("evaluation") or {}).get("verdict")
            return QColor(verdict_color(verdict)) if verdict else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            PilotColumn.TASKS,
            PilotColumn.PROJECTS,
        ):
            return _RIGHT
        return super().data(index, role)

    def type_lights(self) -> dict[str, str]:
        """Pilot type → the most urgent light of its pilots (types without one left out)."""
        lights: dict[str, list[str]] = {}
        for record in self._records:
            for light in pilot_lights(record):
                if light:
                    lights.setdefault(str(record["type"]), []).append(light)
        return {key: worst_light(found) or "" for key, found in lights.items()}


def _verdict(record: Mapping[str, Any]) -> str:
    evaluation = record.get("evaluation")
    if not evaluation:
        return ""
    action = evaluation.get("action")
    return (
        f"{evaluation['verdict_label']}（{action}）" if action else str(evaluation["verdict_label"])
    )


def _rectification(record: Mapping[str, Any]) -> str:
    evaluation = record.get("evaluation") or {}
    if not evaluation.get("deadline"):
        return ""
    if evaluation.get("rectified_on"):
        return t.RECTIFIED_ON.format(on=evaluation["rectified_on"])
    return t.DEADLINE.format(
        deadline=evaluation["deadline"], when=_days(int(evaluation["days_left"]))
    )


class PilotTypeProxy(QSortFilterProxyModel):
    """The pilots of one type (None: all), sortable by :data:`ui.models.SORT_ROLE`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._type: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_type(self, key: str | None) -> None:
        """Show only the pilots of type ``key``."""
        if key != self._type:
            self.beginFilterChange()
            self._type = key
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._type is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        record = index.data(ROW_ROLE)
        return bool(record) and record["type"] == self._type


# ---------------------------------------------------------------- one pilot


class PilotTaskModel(_RecordTableModel):
    """The tasks of a pilot's plan (``plans.list_tasks`` dicts with ``state`` added)."""

    HEADERS = t.TASK_HEADERS

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("code") or ""),
            _one_line(str(record.get("title") or "")),
            _one_line(str(record.get("content") or "")),
            "、".join(str(u) for u in record.get("lead_units") or []),
            str(record.get("state") or ""),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == 0:
            return row  # the plan's order
        return self._cells[row][column]


class ProjectColumn(IntEnum):
    CODE = 0
    NAME = 1
    OWNER = 2
    STAGE = 3
    STAGE_DATE = 4
    TOTAL = 5
    PLANNED = 6
    COMPLETED = 7
    TO_DATE = 8
    REDUCTION = 9
    NOTE = 10


_MONEY_COLUMNS = (
    ProjectColumn.TOTAL,
    ProjectColumn.PLANNED,
    ProjectColumn.COMPLETED,
    ProjectColumn.TO_DATE,
    ProjectColumn.REDUCTION,
)


class ProjectTableModel(_Records):
    """A pilot's key projects (``projects.list_projects`` with a period): number, name,
    owner, stage and the date it was reached, investment (total, the year's planned and
    completed, completed to date, 万元), expected reduction (万吨CO₂), the period's note."""

    HEADERS: tuple[str, ...] = t.PROJECT_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._year = 0

    def set_projects(self, projects: Iterable[Mapping[str, Any]], year: int) -> None:
        """The projects, with the investment of ``year`` (the period's)."""
        self._year = year
        headers = list(type(self).HEADERS)
        headers[ProjectColumn.PLANNED] = t.YEAR_PLANNED.format(year=year)
        headers[ProjectColumn.COMPLETED] = t.YEAR_COMPLETED.format(year=year)
        self.HEADERS = tuple(headers)  # this table's own titles
        self.set_records(projects)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)

    def _amounts(self, record: Mapping[str, Any]) -> tuple[Decimal | None, ...]:
        """Total, the year's planned and completed, completed to date, reduction."""
        return (
            record["total_investment"],
            *year_amounts(record, self._year),
            record["expected_reduction"],
        )

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record["code"]),
            str(record["name"]),
            str(record["owner"] or ""),
            str(record["stage_label"]),
            str(record["stage_dates"].get(record["stage_label"]) or ""),
            *(money(a) for a in self._amounts(record)),
            _one_line(str(record.get("period_note") or "")),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == ProjectColumn.CODE:
            code = self._cells[row][column]
            return (0, int(code), "") if code.isdigit() else (1, 0, code)
        if column in _MONEY_COLUMNS:
            amounts = self._amounts(self._records[row])
            value = amounts[_MONEY_COLUMNS.index(ProjectColumn(column))]
            return value if value is not None else Decimal(-1)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and index.isValid()
            and index.column() in _MONEY_COLUMNS
        ):
            return _RIGHT
        return super().data(index, role)


class ExperienceTableModel(_Records):
    """A pilot's experience records: title, kind, period, tags, chosen into the report,
    marked for 推广."""

    HEADERS = t.EXPERIENCE_HEADERS

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record["title"]),
            str(record["kind_label"]),
            str(record.get("period") or t.NONE),
            "、".join(record.get("tags") or []),
            t.YES if record["chosen"] else "",
            t.YES if record["promoted"] else "",
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() >= 4:
            return _CENTER
        return super().data(index, role)
