"""Table models fed from the core's plain results (STYLE rule 6).

Each model keeps a row cache computed once when its data is set, so that ``data()`` only
looks values up. :class:`TaskFilterProxy` filters the task table by search text, unit and
area; :class:`PreviewTaskModel` adds what correcting an import preview needs. The task dicts
are those of :func:`tracker.services.plans.list_tasks`, or
:func:`tracker.importing.result.task_json` for a preview — both have the same keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from tracker.services.revisions import FIELD_LABELS, PlanDiff, TaskChange

Index = QModelIndex | QPersistentModelIndex

# The whole row's dict (tasks, units, warnings) and the value used for sorting.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
# The area key (code, title) of a row of the area model; None for 全部领域.
AREA_KEY_ROLE = Qt.ItemDataRole.UserRole + 3

AreaKey = tuple[str, str]

_NONE = "—"
_UNIT_SEPARATOR = "、"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_TOOLTIP_WIDTH = 40
_CHINESE_NUMERALS = frozenset("〇零一二三四五六七八九十百")  # characters per line of a long tooltip


def area_label(code: str, title: str) -> str:
    """How an area is named on screen: its code and title, without repeating the code."""
    code, title = code.strip(), title.strip()
    if not code or title.startswith(code):
        return title
    if code[-1] in "）)、.．" or code[0] in "（(":
        return code + title
    if all(c in _CHINESE_NUMERALS for c in code):
        return f"{code}、{title}"  # 一、能源绿色低碳转型行动, as headings are written
    return f"{code} {title}"


def format_number(value: float) -> str:
    """A target value without a spurious ``.0`` (5000, 14.5, 0.25)."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _wrap_tooltip(text: str) -> str:
    """Plain text cut into short lines (a tooltip does not wrap Chinese text by itself)."""
    text = text.strip()
    lines = [text[i : i + _TOOLTIP_WIDTH] for i in range(0, len(text), _TOOLTIP_WIDTH)]
    return "\n".join(lines)


# ---------------------------------------------------------------- tasks


class TaskColumn(IntEnum):
    CODE = 0
    AREA = 1
    MEASURE = 2
    CONTENT = 3
    LEAD = 4
    COOPERATING = 5
    TARGETS = 6


TASK_HEADERS = {
    TaskColumn.CODE: "序号",
    TaskColumn.AREA: "重点领域",
    TaskColumn.MEASURE: "行动措施",
    TaskColumn.CONTENT: "主要工作",
    TaskColumn.LEAD: "牵头单位",
    TaskColumn.COOPERATING: "配合单位",
    TaskColumn.TARGETS: "目标数",
}
_TASK_HEADER_TIPS = {
    TaskColumn.CODE: "任务在方案中的编号（按此列排序即为文件顺序）",
    TaskColumn.TARGETS: "从任务原文中识别出的量化目标个数",
}


@dataclass(frozen=True)
class _TaskRow:
    task: Mapping[str, Any]
    position: int
    area_key: AreaKey
    cells: tuple[str, ...]
    target_count: int
    lead: frozenset[str]
    cooperating: frozenset[str]
    haystack: str  # casefolded text the search looks in


def _task_row(task: Mapping[str, Any], position: int) -> _TaskRow:
    lead = [str(u) for u in task.get("lead_units") or []]
    coop = [str(u) for u in task.get("cooperating_units") or []]
    area = area_label(str(task.get("area_code") or ""), str(task.get("area") or ""))
    cells = (
        str(task.get("code") or ""),
        area,
        _one_line(str(task.get("title") or "")),
        _one_line(str(task.get("content") or "")),
        _UNIT_SEPARATOR.join(lead) or _NONE,
        _UNIT_SEPARATOR.join(coop) or _NONE,
    )
    targets = task.get("targets") or []
    haystack = "\n".join((*cells, str(task.get("where") or ""))).casefold()
    return _TaskRow(
        task=task,
        position=position,
        area_key=(str(task.get("area_code") or ""), str(task.get("area") or "")),
        cells=cells,
        target_count=len(targets),
        lead=frozenset(lead),
        cooperating=frozenset(coop),
        haystack=haystack,
    )


class UnitRole(IntEnum):
    """Which role of a unit the unit filter accepts."""

    ANY = 0
    LEAD = 1
    COOPERATING = 2


class _ReadOnlyTableModel(QAbstractTableModel):
    """A flat, read-only, selectable table whose column titles are ``HEADERS``."""

    HEADERS: tuple[str, ...] = ()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class TaskTableModel(_ReadOnlyTableModel):
    """The tasks of one plan (or one preview), one row each, in document order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_TaskRow] = []

    # ------------------------------------------------------------ data in

    def set_tasks(self, tasks: Iterable[Mapping[str, Any]]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = [_task_row(task, i) for i, task in enumerate(tasks)]
        self.endResetModel()

    def task(self, row: int) -> Mapping[str, Any]:
        """The dict of the task at ``row``."""
        return self._rows[row].task

    def tasks(self) -> list[Mapping[str, Any]]:
        """Every task dict, in document order."""
        return [r.task for r in self._rows]

    def row_of_task_id(self, task_id: int) -> int | None:
        """The row of the task with this id (stored tasks only)."""
        for i, r in enumerate(self._rows):
            if r.task.get("id") == task_id:
                return i
        return None

    def area_counts(self, rows: Iterable[int] | None = None) -> dict[AreaKey, int]:
        """How many of ``rows`` (default: all) fall in each area."""
        counts: dict[AreaKey, int] = {}
        for i in range(len(self._rows)) if rows is None else rows:
            key = self._rows[i].area_key
            counts[key] = counts.get(key, 0) + 1
        return counts

    def areas(self) -> list[AreaKey]:
        """The areas of the tasks, in order of first appearance."""
        return list(dict.fromkeys(r.area_key for r in self._rows))

    def unit_counts(self) -> dict[str, int]:
        """How many tasks each unit leads or cooperates on."""
        counts: dict[str, int] = {}
        for r in self._rows:
            for unit in r.lead | r.cooperating:
                counts[unit] = counts.get(unit, 0) + 1
        return counts

    def row_matches(
        self,
        row: int,
        *,
        terms: Sequence[str] = (),
        unit: str | None = None,
        unit_role: UnitRole = UnitRole.ANY,
        area: AreaKey | None = None,
    ) -> bool:
        """Whether a row passes the filters: every search term (casefolded) occurs in its
        text, the unit has the chosen role on it, and it lies in the area."""
        r = self._rows[row]
        if area is not None and r.area_key != area:
            return False
        if unit is not None:
            in_lead = unit in r.lead
            in_coop = unit in r.cooperating
            if unit_role == UnitRole.LEAD and not in_lead:
                return False
            if unit_role == UnitRole.COOPERATING and not in_coop:
                return False
            if unit_role == UnitRole.ANY and not (in_lead or in_coop):
                return False
        return all(term in r.haystack for term in terms)

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TaskColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = TaskColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TaskColumn.TARGETS:
                return str(r.target_count) if r.target_count else ""
            return r.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (TaskColumn.CONTENT, TaskColumn.MEASURE):
                return _wrap_tooltip(r.cells[column])
            if column in (TaskColumn.LEAD, TaskColumn.COOPERATING, TaskColumn.AREA):
                return r.cells[column]
            return None
        if role == SORT_ROLE:
            if column == TaskColumn.CODE:
                return r.position
            if column == TaskColumn.TARGETS:
                return r.target_count
            return r.cells[column]
        if role == ROW_ROLE:
            return r.task
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TaskColumn.TARGETS:
            return _CENTER
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TaskColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return TASK_HEADERS[TaskColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TASK_HEADER_TIPS.get(TaskColumn(section))
        return None


EDITED_MARK = "✎"
_EDITED_TIP = "已手工修改"
_EDITED_CELL_TIP = "已手工修改，原为：\n{before}"
_EXCLUDED_TIP = "不导入此项（勾选即恢复导入）"
_INCLUDE_HEADER_TIP = "勾选的任务将被导入；取消勾选（或按 Delete）则不导入该项"


class PreviewTaskModel(TaskTableModel):
    """The tasks of an import preview, which a person corrects before they are stored.

    The 序号 column carries a check box: checked tasks are imported. An excluded row is
    grey and struck through; an edited row shows ✎ after its 序号 and its changed cells in
    bold, with the value as imported in the tooltip. Ticking the check box does not change
    the row by itself: the model emits :attr:`exclusion_requested` and the controller
    decides (it pushes an undoable command that calls :meth:`set_excluded`).
    """

    exclusion_requested = Signal(int, bool)  # row, excluded

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._original: list[_TaskRow] = []
        self._excluded: set[int] = set()
        self._edited: set[int] = set()

    def set_tasks(self, tasks: Iterable[Mapping[str, Any]]) -> None:
        """Replace every row; these tasks are the "as imported" state edits compare with."""
        tasks = list(tasks)
        self.beginResetModel()
        self._rows = [_task_row(task, i) for i, task in enumerate(tasks)]
        self._original = list(self._rows)
        self._excluded = set()
        self._edited = set()
        self.endResetModel()

    def replace_task(self, row: int, task: Mapping[str, Any]) -> None:
        """Show ``task`` (a task dict) in ``row`` instead of what was there."""
        self._rows[row] = _task_row(task, row)
        if self._rows[row].task != self._original[row].task:
            self._edited.add(row)
        else:
            self._edited.discard(row)
        self._row_changed(row)

    def set_excluded(self, row: int, excluded: bool) -> None:
        """Mark ``row`` as not to be imported (or to be imported again)."""
        if excluded == (row in self._excluded):
            return
        if excluded:
            self._excluded.add(row)
        else:
            self._excluded.discard(row)
        self._row_changed(row)

    def is_excluded(self, row: int) -> bool:
        """Whether the task in ``row`` is left out of the import."""
        return row in self._excluded

    def is_edited(self, row: int) -> bool:
        """Whether the task in ``row`` differs from the task as imported."""
        return row in self._edited

    def excluded_rows(self) -> list[int]:
        """The rows left out of the import, in order."""
        return sorted(self._excluded)

    def included_rows(self) -> list[int]:
        """The rows to import, in order."""
        return [i for i in range(len(self._rows)) if i not in self._excluded]

    def edited_rows(self) -> list[int]:
        """The rows whose task was changed by hand, in order."""
        return sorted(self._edited)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(TaskColumn) - 1))

    def _cell_edited(self, row: int, column: TaskColumn) -> bool:
        r, before = self._rows[row], self._original[row]
        if column == TaskColumn.TARGETS:
            return r.target_count != before.target_count
        return r.cells[column] != before.cells[column]

    # ------------------------------------------------------------ Qt model

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == TaskColumn.CODE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), TaskColumn(index.column())
        excluded = row in self._excluded
        edited = row in self._edited
        if column == TaskColumn.CODE:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Unchecked if excluded else Qt.CheckState.Checked
            if role == Qt.ItemDataRole.DisplayRole and edited:
                return f"{self._rows[row].cells[column]} {EDITED_MARK}"
            if role == Qt.ItemDataRole.ToolTipRole:
                tips = [_EDITED_TIP] if edited else []
                if excluded:
                    tips.append(_EXCLUDED_TIP)
                return "\n".join(tips) or None
        if role == Qt.ItemDataRole.ForegroundRole and excluded:
            return Qt.GlobalColor.gray
        if role == Qt.ItemDataRole.FontRole and (excluded or edited):
            font = QFont()
            font.setStrikeOut(excluded and column != TaskColumn.CODE)
            font.setBold(edited and self._cell_edited(row, column))
            return font
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and edited
            and column != TaskColumn.TARGETS
            and self._cell_edited(row, column)
        ):
            before = _wrap_tooltip(self._original[row].cells[column])
            current = super().data(index, role)
            note = _EDITED_CELL_TIP.format(before=before)
            return f"{current}\n\n{note}" if current else note
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() != TaskColumn.CODE
            or not 0 <= index.row() < len(self._rows)
        ):
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        excluded = state != Qt.CheckState.Checked
        if excluded != self.is_excluded(index.row()):
            self.exclusion_requested.emit(index.row(), excluded)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == TaskColumn.CODE
        ):
            return f"{_TASK_HEADER_TIPS[TaskColumn.CODE]}\n{_INCLUDE_HEADER_TIP}"
        return super().headerData(section, orientation, role)


def search_terms(text: str) -> list[str]:
    """The words of a search box, casefolded; every one must occur in a matching task."""
    return [t.casefold() for t in text.split()]


class TaskFilterProxy(QSortFilterProxyModel):
    """Filters a :class:`TaskTableModel` by search text, unit (and its role) and area."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self._unit: str | None = None
        self._unit_role = UnitRole.ANY
        self._area: AreaKey | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def _tasks(self) -> TaskTableModel:
        model = self.sourceModel()
        assert isinstance(model, TaskTableModel)
        return model

    def _change(self, apply: Callable[[], None]) -> None:
        self.beginFilterChange()
        apply()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        """Show only tasks containing every word of ``text``."""
        terms = search_terms(text)
        if terms != self._terms:

            def apply() -> None:
                self._terms = terms

            self._change(apply)

    def set_unit(self, unit: str | None, role: UnitRole = UnitRole.ANY) -> None:
        """Show only tasks where ``unit`` has ``role`` (None: every unit)."""
        if (unit, role) != (self._unit, self._unit_role):

            def apply() -> None:
                self._unit, self._unit_role = unit, role

            self._change(apply)

    def set_area(self, area: AreaKey | None) -> None:
        """Show only the tasks of one area (None: every area)."""
        if area != self._area:

            def apply() -> None:
                self._area = area

            self._change(apply)

    @property
    def search(self) -> list[str]:
        """The current search terms."""
        return list(self._terms)

    @property
    def unit(self) -> str | None:
        """The unit filtered on, if any."""
        return self._unit

    @property
    def area(self) -> AreaKey | None:
        """The area filtered on, if any."""
        return self._area

    def is_filtered(self) -> bool:
        """Whether the search or the unit filter is on (the area choice aside)."""
        return bool(self._terms) or self._unit is not None

    def area_counts(self) -> dict[AreaKey, int]:
        """Per area, the tasks that pass the search and unit filters (ignoring the area)."""
        model = self._tasks()
        rows = [
            i
            for i in range(model.rowCount())
            if model.row_matches(i, terms=self._terms, unit=self._unit, unit_role=self._unit_role)
        ]
        return model.area_counts(rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        return self._tasks().row_matches(
            source_row,
            terms=self._terms,
            unit=self._unit,
            unit_role=self._unit_role,
            area=self._area,
        )


# ---------------------------------------------------------------- areas


class AreaTableModel(_ReadOnlyTableModel):
    """The areas (重点领域) of a plan with their task counts; the first row is 全部领域."""

    ALL_AREAS = "全部领域"
    HEADERS = ("重点领域", "任务")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._areas: list[AreaKey | None] = [None]
        self._totals: dict[AreaKey, int] = {}
        self._shown: dict[AreaKey, int] = {}
        self._filtered = False

    def set_areas(self, areas: Sequence[AreaKey], totals: Mapping[AreaKey, int]) -> None:
        """Replace the areas; ``totals`` are their task counts."""
        self.beginResetModel()
        self._areas = [None, *areas]
        self._totals = dict(totals)
        self._shown = dict(totals)
        self._filtered = False
        self.endResetModel()

    def set_shown_counts(self, shown: Mapping[AreaKey, int], filtered: bool) -> None:
        """Update the counts after the search or unit filter changed."""
        self._shown = dict(shown)
        self._filtered = filtered
        if self._areas:
            self.dataChanged.emit(
                self.index(0, 1),
                self.index(len(self._areas) - 1, 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    def area(self, row: int) -> AreaKey | None:
        """The area key of ``row`` (None for 全部领域)."""
        return self._areas[row]

    def row_of(self, area: AreaKey | None) -> int:
        """The row showing ``area`` (0 when unknown)."""
        try:
            return self._areas.index(area)
        except ValueError:
            return 0

    def _count(self, area: AreaKey | None) -> tuple[int, int]:
        if area is None:
            return sum(self._shown.values()), sum(self._totals.values())
        return self._shown.get(area, 0), self._totals.get(area, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._areas)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._areas):
            return None
        area = self._areas[index.row()]
        shown, total = self._count(area)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return self.ALL_AREAS if area is None else area_label(*area)
            return f"{shown}/{total}" if self._filtered else str(total)
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self.ALL_AREAS if area is None else area_label(*area)
            if self._filtered:
                return f"{name}\n共 {total} 项任务，符合当前筛选 {shown} 项"
            return f"{name}\n共 {total} 项任务"
        if role == AREA_KEY_ROLE:
            return area
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and self._filtered and shown == 0:
            return Qt.GlobalColor.gray
        return None


# ---------------------------------------------------------------- simple read-only tables


class _RecordTableModel(_ReadOnlyTableModel):
    """A read-only table of dicts; subclasses say how a record becomes its cells."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[Mapping[str, Any]] = []
        self._cells: list[tuple[str, ...]] = []

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        raise NotImplementedError

    def _sort_key(self, row: int, column: int) -> Any:
        return self._cells[row][column]

    def set_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._records = list(records)
        self._cells = [self._cells_of(r) for r in self._records]
        self.endResetModel()

    def record(self, row: int) -> Mapping[str, Any]:
        """The dict shown in ``row``."""
        return self._records[row]

    def records(self) -> list[Mapping[str, Any]]:
        """Every dict, in order."""
        return list(self._records)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][index.column()]
        if role == SORT_ROLE:
            return self._sort_key(index.row(), index.column())
        if role == ROW_ROLE:
            return self._records[index.row()]
        return None


class TargetTableModel(_RecordTableModel):
    """The targets (目标) of one task: year, indicator, commitment, source text."""

    HEADERS = ("年份", "指标", "目标值", "原文")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        value = record.get("value")
        amount = format_number(float(value)) if value is not None else ""
        commitment = f"{record.get('verb') or ''}{amount}{record.get('unit') or ''}"
        return (
            str(record.get("year") or ""),
            str(record.get("indicator") or ""),
            commitment,
            _one_line(str(record.get("text") or "")),
        )


class WarningTableModel(_RecordTableModel):
    """Importer warnings (``{"where", "message"}``), with their place in the file."""

    HEADERS = ("位置", "说明")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return str(record.get("where") or ""), _one_line(str(record.get("message") or ""))

    def _sort_key(self, row: int, column: int) -> Any:
        if column == 0:
            return row  # places sort in file order, not as text (第10行 after 第9行)
        return self._cells[row][column]


class UnitTableModel(_RecordTableModel):
    """Units (from :func:`tracker.services.units.list_units`): label (the name, with its
    region where another unit has the same name), region, aliases and task count."""

    HEADERS = ("单位名称", "地区", "别名", "任务数")
    COUNT_COLUMN = 3

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        aliases = _UNIT_SEPARATOR.join(str(a) for a in record.get("aliases") or [])
        region = str(record.get("region") or "")
        level = str(record.get("region_level") or "")
        return (
            str(record.get("label") or record.get("name") or ""),
            f"{region}（{level}）" if level else region,
            aliases,
            str(record.get("task_count") or 0),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == self.COUNT_COLUMN:
            return int(self._records[row].get("task_count") or 0)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and index.isValid()
            and index.column() == self.COUNT_COLUMN
        ):
            return _RIGHT
        return super().data(index, role)

    def row_of_unit(self, label: str) -> int | None:
        """The row of the unit shown as ``label`` (its name, or 地区·名称)."""
        for i, record in enumerate(self._records):
            if record.get("label", record.get("name")) == label:
                return i
        return None


# ---------------------------------------------------------------- revision diff


class DiffColumn(IntEnum):
    KIND = 0
    CODE = 1
    MEASURE = 2
    WHAT = 3


_KIND_LABELS = {"added": "新增", "removed": "撤销", "changed": "变动", "unchanged": "未变"}
_KIND_COLORS = {"added": "#1b7a2f", "removed": "#b3261e", "changed": "#8a5a00"}


def change_note(change: TaskChange) -> str:
    """What a line of the diff says in its 说明 column."""
    if change.kind == "added":
        lead = _UNIT_SEPARATOR.join(change.new.lead_units) if change.new else ""
        return f"新任务，牵头：{lead or _NONE}"
    if change.kind == "removed":
        count = change.old.report_count if change.old else 0
        return f"将归档（保留已有填报 {count} 份）"
    if change.kind == "unchanged":
        return ""
    labels = "、".join(FIELD_LABELS[f] for f in change.fields)
    note = f"{labels}有变动（相似度 {change.similarity:.0f}%）"
    dropped = _UNIT_SEPARATOR.join(change.reported_units_dropped)
    return f"{note}；{dropped}已有填报，移出后填报保留" if dropped else note


class RevisionDiffModel(_ReadOnlyTableModel):
    """The lines of a :class:`~tracker.services.revisions.PlanDiff`, unchanged tasks
    hidden unless asked for."""

    HEADERS = ("变动", "序号", "行动措施", "说明")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[TaskChange] = []
        self._rows: list[TaskChange] = []
        self._show_unchanged = False

    def set_diff(self, diff: PlanDiff | None) -> None:
        """Show ``diff`` (None: nothing)."""
        self.beginResetModel()
        self._all = list(diff.changes) if diff is not None else []
        self._filter()
        self.endResetModel()

    def set_show_unchanged(self, show: bool) -> None:
        """Show the tasks that did not change too."""
        self.beginResetModel()
        self._show_unchanged = show
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        self._rows = [c for c in self._all if self._show_unchanged or c.kind != "unchanged"]

    def change(self, row: int) -> TaskChange:
        """The change shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        change = self._rows[index.row()]
        task = change.new or change.old
        assert task is not None
        column = DiffColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == DiffColumn.KIND:
                return _KIND_LABELS[change.kind]
            if column == DiffColumn.CODE:
                if change.old and change.new and change.old.code != change.new.code:
                    return f"{change.old.code} → {change.new.code}"
                return task.code
            if column == DiffColumn.MEASURE:
                return _one_line(task.title)
            return change_note(change)
        if role == Qt.ItemDataRole.ForegroundRole and column == DiffColumn.KIND:
            color = _KIND_COLORS.get(change.kind)
            return QColor(color) if color else None
        if role == Qt.ItemDataRole.FontRole and column == DiffColumn.KIND:
            font = QFont()
            font.setBold(change.kind != "unchanged")
            return font
        return None


# ---------------------------------------------------------------- places


_PLACE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("page", re.compile(r"第\s*(\d+)\s*页(?:第\s*(\d+)\s*行)?")),
    ("sheet", re.compile(r"工作表“([^”]*)”第\s*(\d+)\s*行")),
    ("table", re.compile(r"表\s*(\d+)\s*第\s*(\d+)\s*行")),
    ("line", re.compile(r"第\s*(\d+)\s*行")),
    ("paragraph", re.compile(r"第\s*(\d+)\s*段")),
)


def parse_place(where: str) -> tuple[tuple[str, str], int] | None:
    """The container and the number of the first place named in ``where``: ("line", "") and
    12 for 第12行, ("table", "2") and 5 for 表2第5行, ("sheet", "分工") and 7 for
    工作表“分工”第7行, ("page", "") and 300012 for 第3页第12行 (a PDF). None when ``where``
    names no place."""
    for kind, pattern in _PLACE_PATTERNS:
        match = pattern.search(where)
        if match is None:
            continue
        if kind == "page":  # 第3页第12行: pages first, then lines (a PDF)
            return ("page", ""), int(match.group(1)) * 100_000 + int(match.group(2) or 0)
        if kind in ("sheet", "table"):
            return (kind, match.group(1)), int(match.group(2))
        return (kind, ""), int(match.group(1))
    return None


def task_row_at_place(tasks: Sequence[Mapping[str, Any]], where: str) -> int | None:
    """The task a warning's place points at: the task whose place is ``where``, else the
    task whose text the place falls in (the last task starting at or before it in the same
    table, sheet or text). None when no task starts before that place."""
    where = where.strip()
    if not where:
        return None
    for i, task in enumerate(tasks):
        if str(task.get("where") or "").strip() == where:
            return i
    wanted = parse_place(where)
    if wanted is None:
        return None
    container, number = wanted
    best: tuple[int, int] | None = None  # (start number, row)
    for i, task in enumerate(tasks):
        place = parse_place(str(task.get("where") or ""))
        if place is None or place[0] != container or place[1] > number:
            continue
        if best is None or place[1] >= best[0]:
            best = (place[1], i)
    return None if best is None else best[1]
