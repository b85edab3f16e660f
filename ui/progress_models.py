"""Table models of the half-year work (STYLE rule 6): the task table with each task's state
in the chosen period, the areas with their lights, the review queue, a report's targets and
evidence, a task's history, periods, accounts and the dashboard's tables.

Like :mod:`ui.models`, every model computes its cells once when its data is set (a row
cache), so that ``data()`` only looks values up — 5,000 tasks sort and filter per keystroke.
The dicts come from the services (:mod:`tracker.services.worklist`, ``reports``, ``periods``,
``users``, ``monitoring``, ``history``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from tracker.services import task_state
from tracker.services.access import format_time
from ui.models import (
    ROW_ROLE,
    SORT_ROLE,
    AreaKey,
    AreaTableModel,
    Index,
    TaskColumn,
    TaskFilterProxy,
    TaskTableModel,
    _one_line,
    _ReadOnlyTableModel,
    _RecordTableModel,
    _wrap_tooltip,
    format_number,
)

LIGHT_RED, LIGHT_YELLOW, LIGHT_GREEN, LIGHT_DONE = "red", "yellow", "green", "done"
LIGHT_COLORS = {
    LIGHT_RED: "#d32f2f",
    LIGHT_YELLOW: "#f9a825",
    LIGHT_GREEN: "#2e7d32",
    LIGHT_DONE: "#9e9e9e",
}
LIGHT_NAMES = {
    LIGHT_RED: "红灯：已逾期未报",
    LIGHT_YELLOW: "黄灯：临近截止未报",
    LIGHT_GREEN: "绿灯：未到截止日期",
    LIGHT_DONE: "已报齐",
}
# Worst first: the order of the 催办 column when sorted, and how an area takes its light.
LIGHT_RANK = {LIGHT_RED: 0, LIGHT_YELLOW: 1, LIGHT_GREEN: 2, LIGHT_DONE: 3}
NOT_SUBMITTED = task_state.NOT_SUBMITTED  # the one word for "no report counts yet"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_DISABLED_USER_COLOR = "#9e9e9e"

_icons: dict[str, QIcon] = {}
# How a target's comparator is shown before its value: ≥150万千瓦, ≤2.1吨, 约30%; a
# target to reach exactly a value shows the value alone (150万千瓦, not =150万千瓦).
_COMPARATORS = {">=": "≥", "≥": "≥", "<=": "≤", "≤": "≤", ">": "＞", "<": "＜", "=": "", "≈": "约"}


def comparator_text(comparator: str | None) -> str:
    """How a target's comparator is printed before its value (≥ rather than >=, nothing
    for =)."""
    return _COMPARATORS.get(comparator or "", comparator or "")


def light_icon(light: str | None) -> QIcon:
    """A coloured dot for a 催办 light (drawn once, then reused)."""
    key = light or ""
    icon = _icons.get(key)
    if icon is None:
        pixmap = QPixmap(14, 14)
        pixmap.fill(Qt.GlobalColor.transparent)
        if light in LIGHT_COLORS:
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(LIGHT_COLORS[light])))
            painter.drawEllipse(2, 2, 10, 10)
            painter.end()
        icon = QIcon(pixmap)
        _icons[key] = icon
    return icon


def light_text(light: str | None, days_left: int | None, *, reporter: bool) -> str:
    """The 催办 cell: 逾期 3 天, 剩 5 天, or that the reports are in."""
    if light == LIGHT_DONE:
        return "已报送" if reporter else "已报齐"
    if light is None or days_left is None:
        return ""
    return f"逾期 {-days_left} 天" if days_left < 0 else f"剩 {days_left} 天"


def worst_light(lights: Iterable[str]) -> str | None:
    """The most urgent of ``lights`` (None for none)."""
    return min(lights, key=lambda light: LIGHT_RANK.get(light, 9), default=None)


# ---------------------------------------------------------------- the task table


class ProgressColumn(IntEnum):
    """Columns the plan's task table adds after those of :class:`ui.models.TaskColumn`."""

    STATUS = 7
    REPORTS = 8
    UPDATED = 9
    LIGHT = 10


PROGRESS_HEADERS = {
    ProgressColumn.STATUS: "进展状态",
    ProgressColumn.REPORTS: "报送情况",
    ProgressColumn.UPDATED: "最后更新",
    ProgressColumn.LIGHT: "催办",
}
_OWN_REPORTS_HEADER = "{own}填报"
_PROGRESS_TIPS = {
    ProgressColumn.STATUS: (
        "任务在所选报告期的状态：牵头单位已报送的状态（多个牵头单位时全部已完成才算已完成，"
        "否则取推进程度最低的）；有牵头单位尚未报送为“未报送”"
    ),
    ProgressColumn.REPORTS: "已报送（或已审核）的单位数 / 应报单位数",
    ProgressColumn.UPDATED: "该任务本期填报的最后修改时间和修改人",
    ProgressColumn.LIGHT: "红灯：逾期未报；黄灯：临近截止未报；绿灯：未到截止日期",
}
_OWN_TIPS = {
    ProgressColumn.STATUS: "{own}填报中选择的进展状态",
    ProgressColumn.REPORTS: "{own}在该任务中的角色和本期填报的流程状态",
    ProgressColumn.LIGHT: "{own}的填报是否已报送；未报送时显示剩余或逾期天数",
}
_NO_PERIOD = "—"


class PlanTaskModel(TaskTableModel):
    """The tasks of one stored plan plus, per task, its state in the chosen period (from
    :func:`tracker.services.worklist.period_tasks`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._progress: list[Mapping[str, Any] | None] = []
        self._progress_cells: list[tuple[str, str, str, str]] = []
        self._reporter = False
        self._own = ""
        self._days_left: int | None = None
        self.generation = 0  # changes whenever the rows or their states change

    def set_tasks(self, tasks: Iterable[Mapping[str, Any]]) -> None:
        """Replace every row; the period states are cleared until set again."""
        self.generation += 1
        super().set_tasks(tasks)
        self._progress = [None] * len(self._rows)
        self._progress_cells = [("", "", "", "")] * len(self._rows)

    def set_progress(
        self, rows: Mapping[int, Mapping[str, Any]], days_left: int | None, *, own: str | None
    ) -> None:
        """Show each task's state in a period (``rows``: task id → row of ``period_tasks``).
        ``own`` (本单位, 本试点) shows the account's own report, so named, instead of the
        count of units that reported."""
        self.generation += 1
        self._reporter = own is not None
        self._own = own or ""
        self._days_left = days_left
        self._progress = [rows.get(int(r.task.get("id") or 0)) for r in self._rows]
        self._progress_cells = [self._cells_of(p) for p in self._progress]
        if self._rows:
            self.dataChanged.emit(
                self.index(0, ProgressColumn.STATUS),
                self.index(len(self._rows) - 1, ProgressColumn.LIGHT),
            )
        self.headerDataChanged.emit(
            Qt.Orientation.Horizontal, ProgressColumn.STATUS, ProgressColumn.LIGHT
        )

    def _cells_of(self, row: Mapping[str, Any] | None) -> tuple[str, str, str, str]:
        if row is None:
            return _NO_PERIOD, "", "", ""
        own = row.get("own")
        if self._reporter and own is not None:
            status = str(own.get("status") or "") or NOT_SUBMITTED
            reports = f"{own['state_label']}（{own['role_label']}）"
        else:
            status = str(row.get("status_label") or "")
            reports = f"{row['reports_in']}/{row['reports_expected']}"
        updated = str(row.get("updated_at") or "")
        light = light_text(row.get("light"), self._days_left, reporter=self._reporter)
        return status, reports, updated, light

    def progress(self, row: int) -> Mapping[str, Any] | None:
        """The period state of the task at ``row`` (None before a period is set)."""
        return self._progress[row] if 0 <= row < len(self._progress) else None

    def light(self, row: int) -> str | None:
        """The 催办 light of the task at ``row``."""
        found = self.progress(row)
        return None if found is None else found.get("light")

    def status_label(self, row: int) -> str:
        """What the 进展状态 column shows for ``row``."""
        return self._progress_cells[row][0]

    def area_key(self, row: int) -> AreaKey:
        """The area of the task at ``row``."""
        return self._rows[row].area_key

    def area_of_tasks(self) -> dict[int, AreaKey]:
        """Task id → its area."""
        return {int(r.task.get("id") or 0): r.area_key for r in self._rows}

    def area_lights(self) -> dict[AreaKey | None, list[str]]:
        """The lights of every task per area (None: the whole plan)."""
        lights: dict[AreaKey | None, list[str]] = {None: []}
        for i, r in enumerate(self._rows):
            light = self.light(i)
            if light is not None:
                lights.setdefault(r.area_key, []).append(light)
                lights[None].append(light)
        return lights

    def sort_key(self, row: int, column: int) -> Any:
        """What ``column`` of ``row`` sorts by (the SORT_ROLE value, from the row cache)."""
        if column >= ProgressColumn.STATUS:
            if column == ProgressColumn.LIGHT:
                return LIGHT_RANK.get(self.light(row) or "", 9)
            return self._progress_cells[row][column - ProgressColumn.STATUS]
        r = self._rows[row]
        if column == TaskColumn.CODE:
            return r.position
        if column == TaskColumn.TARGETS:
            return r.target_count
        return r.cells[column]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else ProgressColumn.LIGHT + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        column = index.column()
        if column < ProgressColumn.STATUS:
            return super().data(index, role)
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        cells = self._progress_cells[row]
        offset = column - ProgressColumn.STATUS
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole and column == ProgressColumn.UPDATED:
                found = self._progress[row]
                who = found.get("updated_by") if found else None
                return f"{cells[offset]}　{who}" if who else None
            if role == Qt.ItemDataRole.ToolTipRole and column == ProgressColumn.LIGHT:
                return LIGHT_NAMES.get(self.light(row) or "")
            return cells[offset]
        if role == Qt.ItemDataRole.DecorationRole and column == ProgressColumn.LIGHT:
            return light_icon(self.light(row)) if self.light(row) else None
        if role == SORT_ROLE:
            if column == ProgressColumn.LIGHT:
                return LIGHT_RANK.get(self.light(row) or "", 9)
            return cells[offset]
        if role == ROW_ROLE:
            return self._rows[row].task
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section < ProgressColumn.STATUS:
            return super().headerData(section, orientation, role)
        if section > ProgressColumn.LIGHT:
            return None
        column = ProgressColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if self._reporter and column == ProgressColumn.REPORTS:
                return _OWN_REPORTS_HEADER.format(own=self._own)
            return PROGRESS_HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = _OWN_TIPS if self._reporter else {}
            return tips.get(column, _PROGRESS_TIPS[column]).format(own=self._own)
        return None


class PlanTaskProxy(TaskFilterProxy):
    """:class:`TaskFilterProxy` plus the period filters: one status, only the late tasks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: str | None = None
        self._only_late = False
        # The source rows passing every filter but the area, computed once per change of
        # a filter or of the rows (one pass over 5,000 rows per keystroke, not two).
        self._passing: frozenset[int] | None = None
        self._passing_generation = -1

    def _change(self, apply: Callable[[], None]) -> None:
        def applied() -> None:
            apply()
            self._passing = None

        super()._change(applied)

    def passing_rows(self) -> frozenset[int]:
        """The source rows that pass every filter except the area."""
        model = self._plan_tasks()
        if self._passing is None or self._passing_generation != model.generation:
            terms, unit, role = self._terms, self._unit, self._unit_role
            self._passing = frozenset(
                i
                for i in range(model.rowCount())
                if model.row_matches(i, terms=terms, unit=unit, unit_role=role)
                and self._progress_matches(i)
            )
            self._passing_generation = model.generation
        return self._passing

    def _plan_tasks(self) -> PlanTaskModel:
        model = self.sourceModel()
        assert isinstance(model, PlanTaskModel)
        return model

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # 序号 ascending is the source's own (document) order: leaving the proxy unsorted
        # then spares re-sorting 5,000 rows on every keystroke of the search box.
        if column == TaskColumn.CODE and order == Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)

    def lessThan(self, source_left: Index, source_right: Index) -> bool:
        model = self._plan_tasks()
        left = model.sort_key(source_left.row(), source_left.column())
        right = model.sort_key(source_right.row(), source_right.column())
        return bool(left < right)

    def set_status(self, status: str | None) -> None:
        """Show only the tasks whose 进展状态 is ``status`` (None: any)."""
        if status != self._status:

            def apply() -> None:
                self._status = status

            self._change(apply)

    def set_only_late(self, only_late: bool) -> None:
        """Show only the tasks with a red light (overdue, reports missing)."""
        if only_late != self._only_late:

            def apply() -> None:
                self._only_late = only_late

            self._change(apply)

    @property
    def status(self) -> str | None:
        """The status filtered on, if any."""
        return self._status

    @property
    def only_late(self) -> bool:
        """Whether only late tasks are shown."""
        return self._only_late

    def _progress_matches(self, row: int) -> bool:
        model = self._plan_tasks()
        if self._only_late and model.light(row) != LIGHT_RED:
            return False
        return self._status is None or model.status_label(row) == self._status

    def is_filtered(self) -> bool:
        """Whether any filter besides the area is on."""
        return super().is_filtered() or self._status is not None or self._only_late

    def area_counts(self) -> dict[AreaKey, int]:
        """Per area, the tasks passing every filter but the area."""
        return self._plan_tasks().area_counts(sorted(self.passing_rows()))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid() or source_row not in self.passing_rows():
            return False
        return self._area is None or self._plan_tasks().area_key(source_row) == self._area


class AreaProgressModel(AreaTableModel):
    """The areas with their task counts and the most urgent 催办 light of their tasks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lights: dict[AreaKey | None, list[str]] = {}

    def set_lights(self, lights: Mapping[AreaKey | None, list[str]]) -> None:
        """The lights of each area's tasks (see :meth:`PlanTaskModel.area_lights`)."""
        self._lights = {key: list(values) for key, values in lights.items()}
        if self._areas:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._areas) - 1, 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._areas):
            return None
        area = self._areas[index.row()]
        lights = self._lights.get(area, [])
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            worst = worst_light(lights)
            return light_icon(worst) if worst is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and lights:
            counts = [
                f"{LIGHT_NAMES[name]} {sum(1 for light in lights if light == name)} 项"
                for name in LIGHT_RANK
                if name in lights
            ]
            return f"{super().data(index, role)}\n" + "，".join(counts)
        return super().data(index, role)


# ---------------------------------------------------------------- review and history


def _percent(value: Any) -> str:
    return "" if value is None else f"{format_number(float(value))}%"


class ReviewQueueModel(_RecordTableModel):
    """Reports waiting for review (:func:`tracker.services.worklist.review_queue`)."""

    HEADERS = ("序号", "行动措施", "填报单位", "角色", "状态", "完成", "报送时间", "逾期")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("task_code") or ""),
            _one_line(str(record.get("task_title") or "")),
            str(record.get("unit") or ""),
            str(record.get("role_label") or ""),
            str(record.get("status") or ""),
            _percent(record.get("percent")),
            str(record.get("submitted_at") or ""),
            "逾期" if record.get("late") else "",
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == 0:
            return row  # task order
        if column == 5:
            return float(self._records[row].get("percent") or -1)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and index.column() == 7
            and self._records[index.row()].get("late")
        ):
            return QColor(LIGHT_COLORS[LIGHT_RED])
        return super().data(index, role)


class ReportHistoryModel(_RecordTableModel):
    """A task's reports in every period (:func:`tracker.services.worklist.report_history`)."""

    HEADERS = ("报告期", "单位", "流程", "状态", "完成", "工作进展", "最后修改")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        unit = str(record.get("unit") or "")
        role = record.get("role_label")
        return (
            str(record.get("period_name") or ""),
            f"{unit}（{role}）" if role else unit,
            str(record.get("state_label") or ""),
            str(record.get("status") or ""),
            _percent(record.get("percent")),
            _one_line(str(record.get("progress") or "")),
            f"{record.get('updated_at') or ''} {record.get('updated_by') or ''}".strip(),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 5:
            return _wrap_tooltip(self._cells[index.row()][5])
        return super().data(index, role)


class AuditModel(_RecordTableModel):
    """Audit records (:func:`tracker.services.history.list_audit`), oldest first."""

    HEADERS = ("时间", "用户", "操作", "对象", "内容", "原值", "新值")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("at") or ""),
            str(record.get("user") or ""),
            str(record.get("action_label") or ""),
            str(record.get("subject") or record.get("object_label") or ""),
            str(record.get("field_label") or ""),
            _one_line(str(record.get("before") or "")),
            _one_line(str(record.get("after") or "")),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        return row if column == 0 else self._cells[row][column]


def size_text(size: int) -> str:
    """A file size for people: 12 字节, 3.4 KB, 1.2 MB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


class EvidenceModel(_RecordTableModel):
    """The evidence files of a report (``report_dict(...)["evidence"]``)."""

    HEADERS = ("文件名", "大小", "添加人", "添加时间")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("name") or ""),
            size_text(int(record.get("size") or 0)),
            str(record.get("added_by") or ""),
            str(record.get("added_at") or ""),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == 1:
            return int(self._records[row].get("size") or 0)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() == 1:
            return _RIGHT
        return super().data(index, role)


class ActualsModel(_ReadOnlyTableModel):
    """A task's targets with the actual value the report gives for each (editable)."""

    HEADERS = ("年份", "指标", "目标", "实际值")
    VALUE_COLUMN = 3
    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._targets: list[Mapping[str, Any]] = []
        self._values: list[str] = []
        self._read_only = False

    def set_targets(
        self, targets: Sequence[Mapping[str, Any]], values: Mapping[int, str], read_only: bool
    ) -> None:
        """The task's targets (``task_reports(...)["task"]["targets"]``) and the values as
        text, by target id."""
        self.beginResetModel()
        self._targets = list(targets)
        self._values = [values.get(int(t["id"]), "") for t in self._targets]
        self._read_only = read_only
        self.endResetModel()

    def values(self) -> dict[int, str]:
        """Target id → the value typed (text, "" for none)."""
        return {int(t["id"]): v.strip() for t, v in zip(self._targets, self._values, strict=True)}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._targets)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.VALUE_COLUMN and not self._read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._targets):
            return None
        target, column = self._targets[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return str(target.get("year") or "")
            if column == 1:
                return str(target.get("indicator") or "")
            if column == 2:
                value = format_number(float(target.get("value") or 0))
                return (
                    f"{comparator_text(target.get('comparator'))}{value}{target.get('unit') or ''}"
                )
            return self._values[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _wrap_tooltip(str(target.get("text") or ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.VALUE_COLUMN:
            return _RIGHT
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() != self.VALUE_COLUMN
            or self._read_only
            or not 0 <= index.row() < len(self._targets)
        ):
            return False
        text = "" if value is None else str(value).strip()
        if text != self._values[index.row()]:
            self._values[index.row()] = text
            self.dataChanged.emit(index, index)
            self.edited.emit()
        return True


# ---------------------------------------------------------------- periods and accounts


class PeriodModel(_RecordTableModel):
    """A plan's periods (:func:`tracker.services.periods.list_periods`)."""

    HEADERS = ("报告期", "截止日期", "状态", "已报送 / 应报", "锁定或重新开放")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        counts = record.get("report_counts") or {}
        done = int(counts.get("submitted", 0)) + int(counts.get("approved", 0))
        if record.get("locked"):
            note = f"{record.get('locked_by') or ''} {record.get('locked_at') or ''}".strip()
        elif record.get("reopen_reason"):
            note = f"重新开放：{record['reopen_reason']}"
        else:
            note = ""
        return (
            str(record.get("name") or ""),
            str(record.get("due_date") or ""),
            str(record.get("state") or ""),
            f"{done} / {record.get('expected_reports') or 0}",
            _one_line(note),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        return row if column == 0 else self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and index.column() == 2
            and self._records[index.row()].get("locked")
        ):
            return QColor("#6d4c41")
        return super().data(index, role)


def _local_time(stored: Any) -> str:
    """A stored UTC time given as ISO text, in the computer's local time."""
    if not stored:
        return ""
    return format_time(dt.datetime.fromisoformat(str(stored))) or ""


_BOUND_PILOT = "试点：{pilot}"
_BOUND_REGION = "地区：{region}"


def bound_to(user: Mapping[str, Any]) -> str:
    """What an account is bound to, as the accounts list shows it: a pilot body's pilot, a
    city DRC's region, else the unit (``""`` for none)."""
    if user.get("pilot"):
        return _BOUND_PILOT.format(pilot=user["pilot"])
    if user.get("region"):
        return _BOUND_REGION.format(region=user["region"])
    return str(user.get("unit") or "")


class UserModel(_RecordTableModel):
    """Accounts (:func:`tracker.services.users.list_users`)."""

    HEADERS = ("用户名", "角色", "单位 / 试点 / 地区", "状态", "创建时间")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("name") or ""),
            str(record.get("role_label") or ""),
            bound_to(record) or "—",
            str(record.get("state_label") or ""),
            _local_time(record.get("created_at")),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and 0 <= index.row() < len(self._records)
            and self._records[index.row()].get("disabled")
        ):
            return QColor(_DISABLED_USER_COLOR)  # a disabled account is greyed
        return super().data(index, role)


# ---------------------------------------------------------------- dashboard tables


class LateUnitModel(_RecordTableModel):
    """Units with reports missing in a period, with their light (dashboard, 催办)."""

    HEADERS = ("单位", "未报送任务", "其中逾期", "催办")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("unit") or ""),
            str(record.get("missing_tasks") or 0),
            str(record.get("overdue_tasks") or 0),
            LIGHT_NAMES.get(str(record.get("light") or ""), ""),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        record = self._records[row]
        if column == 1:
            return int(record.get("missing_tasks") or 0)
        if column == 2:
            return int(record.get("overdue_tasks") or 0)
        if column == 3:
            return LIGHT_RANK.get(str(record.get("light") or ""), 9)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 3:
            return light_icon(str(self._records[index.row()].get("light") or ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2):
            return _RIGHT
        return super().data(index, role)


_MET_LABELS = {True: "已达到", False: "未达到", None: "未填报"}


class TargetProgressModel(_RecordTableModel):
    """Targets against the latest reported values (``monitoring.summary(...)["targets"]``)."""

    HEADERS = ("任务", "年份", "指标", "目标", "实际值", "报告期", "情况")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        unit = str(record.get("unit") or "")
        target = format_number(float(record.get("target_value") or 0))
        actual = record.get("actual")
        return (
            str(record.get("task_code") or ""),
            str(record.get("year") or ""),
            str(record.get("indicator") or ""),
            f"{comparator_text(record.get('comparator'))}{target}{unit}",
            "" if actual is None else f"{format_number(float(actual))}{unit}",
            str(record.get("actual_period") or ""),
            _MET_LABELS[record.get("met")],
        )

    def _sort_key(self, row: int, column: int) -> Any:
        return row if column == 0 else self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 6:
            met = self._records[index.row()].get("met")
            if met is not None:
                return QColor(LIGHT_COLORS[LIGHT_GREEN] if met else LIGHT_COLORS[LIGHT_RED])
        return super().data(index, role)


# ---------------------------------------------------------------- shared settings

_COMPLETED_MARK = "已完成（推进程度最高）"


def color_icon(color: str) -> QIcon:
    """A square swatch of a status colour (none for an empty colour)."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    if color:
        painter = QPainter(pixmap)
        painter.setPen(QColor("#757575"))
        painter.setBrush(QBrush(QColor(color)))
        painter.drawRect(1, 1, 11, 11)
        painter.end()
    return QIcon(pixmap)


class StatusModel(_RecordTableModel):
    """The status vocabulary (``settings.show(db)["statuses"]``): order, name, description,
    colour, rank, whether it means done, and how many reports use it."""

    HEADERS = ("顺序", "状态", "说明", "颜色", "推进程度", "含义", "填报数")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            str(record.get("position") or ""),
            str(record.get("name") or ""),
            _one_line(str(record.get("description") or "")),
            str(record.get("color") or ""),
            str(record.get("rank") if record.get("rank") is not None else ""),
            _COMPLETED_MARK if record.get("completed") else "",
            str(record.get("reports") or 0),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        record = self._records[row]
        if column in (0, 4, 6):
            key = ("position", "", "", "", "rank", "", "reports")[column]
            return int(record.get(key) or 0)
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 3:
            return color_icon(str(self._records[index.row()].get("color") or ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4, 6):
            return _RIGHT
        return super().data(index, role)
