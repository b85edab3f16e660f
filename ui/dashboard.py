"""The 统计与催办 tab (controller): the period at a glance, as charts.

Tasks by status (a ring), per area the tasks by status (stacked bars), the units with
reports missing coloured by their 催办 light, and the targets met / not met / without a
value per area. The figures come from :func:`tracker.services.monitoring.summary` and
:func:`~tracker.services.monitoring.remind`, read in the background when the tab is shown
(and again after a change). Clicking a slice or a bar asks the main window to filter the
task table (``filter_requested``: kind and value).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalStackedBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QToolTip, QWidget

from tracker.db import Database
from tracker.services import monitoring
from tracker.services import settings as settings_service
from tracker.services.actor import Actor
from ui import errors
from ui.models import AreaKey, area_label
from ui.progress_models import (
    LIGHT_COLORS,
    LIGHT_GREEN,
    LIGHT_NAMES,
    LIGHT_RANK,
    LIGHT_RED,
    LIGHT_YELLOW,
    NOT_SUBMITTED,
    worst_light,
)
from ui.stale import ReadsWhenShown
from ui.views.dashboard_view import CHART_MIN_HEIGHT, DashboardView
from ui.worker import BackgroundTask, run_in_background

_LOADING = "正在统计"
_SUMMARY = (
    "<b>{period}</b>　任务 {tasks} 项　应报 {expected} 份，已报送 {done} 份，"
    "未报送 {missing} 份，逾期报送 {late} 份"
)
_NO_PERIOD = "请先选择实施方案和报告期。"
_NOT_SUBMITTED_COLOR = "#bdbdbd"
_TARGET_SETS = (("已达到", LIGHT_COLORS[LIGHT_GREEN]), ("未达到", LIGHT_COLORS[LIGHT_RED]))
_TARGET_NONE = ("未填报", _NOT_SUBMITTED_COLOR)
_MAX_UNITS = 8  # the most urgent units in the chart; the table under it lists every one
_LABEL_CHARS = 16  # （八）生态碳汇能力巩固提升行动 whole; longer names on hover
_BAR_HEIGHT = 26  # pixels per bar: Qt hides every other category label when they crowd
_CHART_PADDING = 96  # legend, axis and margins
_BAR_TIP = "{name}\n{label}：{count}"
_NO_TASKS = "本方案没有任务"
_NO_LATE = "本期各单位均已报送"
_NO_TARGETS = "没有从任务中识别出量化目标"

# What the background count hands over: the summary, the 催办 list, the status colours.
_Figures = tuple[dict[str, Any], dict[str, Any], dict[str, str]]


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def read_figures(db: Database, actor: Actor, code: str, plan_id: int) -> _Figures:
    """What the dashboard draws (off the GUI thread): the period's summary, its 催办 list
    and the colours of the shared status vocabulary as the database has them now."""
    summary = monitoring.summary(db, actor, code, plan_id=plan_id)
    remind = monitoring.remind(db, actor, code, plan_id=plan_id)
    statuses = settings_service.get(db).statuses
    return summary, remind, {s.name: s.color for s in statuses if s.color}


def unit_lights(remind: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The units of a 催办 list with their light: the most urgent of their missing tasks."""
    lights: dict[str, list[str]] = {}
    for task in remind["tasks"]:
        for missing in task["missing"]:
            lights.setdefault(missing["unit"], []).append(task["light"])
    return [{**u, "light": worst_light(lights.get(u["unit"], []))} for u in remind["units"]]


class Dashboard(DashboardView, ReadsWhenShown):
    """See the module docstring."""

    filter_requested = Signal(str, object)
    forms_requested = Signal(list)  # the units on the 催办 list: (unit id, label)
    loaded = Signal()

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._plan_id: int | None = None
        self._period: Mapping[str, Any] | None = None
        self._area_of: dict[int, AreaKey] = {}
        self._areas: list[AreaKey] = []
        self._target_areas: list[AreaKey] = []
        self._units: list[str] = []
        self.summary: dict[str, Any] | None = None
        self.remind: dict[str, Any] | None = None
        self._status_colors: dict[str, str] = {}
        self.last_task: BackgroundTask | None = None
        self.summary_label.setText(_NO_PERIOD)
        self.export_late_button.clicked.connect(self._on_export_late)
        self.export_late_button.setEnabled(False)

    def set_period(
        self,
        plan_id: int | None,
        period: Mapping[str, Any] | None,
        area_of: Mapping[int, AreaKey] | None = None,
    ) -> None:
        """The plan and period to show (``area_of``: task id → area, for the targets)."""
        self._plan_id, self._period = plan_id, period
        if area_of is not None:
            self._area_of = dict(area_of)
        self.mark_stale()

    def load(self) -> None:
        """Read the figures in the background, then draw them."""
        self._stale = False
        if self._plan_id is None or self._period is None:
            self.summary_label.setText(_NO_PERIOD)
            return
        if self.last_task is not None and self.last_task.is_running:
            self._stale = True  # a change during the count: count again when it ends
            return
        plan_id, code = self._plan_id, str(self._period["code"])
        db, actor = self._db, self._actor  # the job holds no QObject (see ui.worker)

        def job(_progress: object) -> _Figures:
            return read_figures(db, actor, code, plan_id)

        self.last_task = run_in_background(
            self,
            job,
            self._show,
            label=_LOADING,
            on_error=lambda exc: errors.show_error(exc, self),
            cancellable=False,
        )
        self.last_task.finished.connect(self.load_if_stale)

    # ------------------------------------------------------------ drawing

    def _show(self, found: _Figures) -> None:
        summary, remind, self._status_colors = found
        self.summary, self.remind = summary, remind
        states = summary["reports"]["by_state"]
        done = int(states.get("已报送", 0)) + int(states.get("已审核", 0))
        expected = int(summary["reports"]["expected"])
        self.summary_label.setText(
            _SUMMARY.format(
                period=html.escape(str(self._period["name"] if self._period else "")),
                tasks=summary["task_count"],
                expected=expected,
                done=done,
                missing=expected - done,
                late=summary["reports"]["late"],
            )
        )
        self._draw_states(summary)
        self._draw_areas(summary)
        units = unit_lights(remind)
        self._draw_late(units)
        self.late_model.set_records(units)
        self.export_late_button.setEnabled(bool(units))
        self._draw_targets(summary["targets"])
        self.target_model.set_records(summary["targets"])
        self.loaded.emit()

    def _colors(self) -> dict[str, str]:
        colors = dict(self._status_colors)
        colors[NOT_SUBMITTED] = _NOT_SUBMITTED_COLOR
        return colors

    @staticmethod
    def _reset(chart: QChart) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _draw_states(self, summary: Mapping[str, Any]) -> None:
        chart = self.state_view.chart()
        self._reset(chart)
        series = QPieSeries()
        series.setHoleSize(0.4)
        colors = self._colors()
        for status, count in summary["by_status"].items():
            if not count:
                continue
            piece = series.append(f"{status} {count}", count)
            piece.setColor(QColor(colors.get(status, "#90a4ae")))
            piece.setProperty("status", status)
        series.clicked.connect(self._on_state_clicked)
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    def _on_state_clicked(self, piece: QPieSlice) -> None:
        status = piece.property("status")
        if isinstance(status, str):
            self.filter_requested.emit("status", status)

    def _bars(
        self,
        chart: QChart,
        categories: Sequence[str],
        sets: Sequence[tuple[str, str, Sequence[int]]],
        empty: str,
    ) -> QAbstractBarSeries:
        """Horizontal stacked bars, first category on top; ``empty`` says why there is none."""
        self._reset(chart)
        chart.setTitle("" if categories else empty)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        for label, color, values in sets:
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(color))
            bar_set.setBorderColor(QColor(color))
            bar_set.append([float(v) for v in reversed(values)])
            series.append(bar_set)
        chart.addSeries(series)
        chart.legend().setVisible(bool(categories))
        self._fit_height(chart, len(categories))
        if not categories:
            return series  # no axes: the title says why the chart is empty
        axis_y = QBarCategoryAxis()
        axis_y.append([_short(c) for c in reversed(categories)])
        axis_y.setTruncateLabels(False)  # the labels are cut to _LABEL_CHARS already
        font = QFont(axis_y.labelsFont())
        font.setPointSizeF(8)  # ten areas fit without Qt hiding every other label
        axis_y.setLabelsFont(font)
        axis_x = QValueAxis()
        axis_x.setLabelFormat("%d")
        top = max((sum(v[i] for _l, _c, v in sets) for i in range(len(categories))), default=0)
        if top <= 5:  # whole numbers only: 0 1 2 …, never 0 0 0 1
            axis_x.setRange(0, max(top, 1))
            axis_x.setTickCount(max(top, 1) + 1)
        else:
            axis_x.setRange(0, top)
            axis_x.applyNiceNumbers()
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        names = list(categories)

        def hovered(status: bool, index: int, bar_set: QBarSet) -> None:
            # Every bar names itself on hover: Qt hides category labels that would overlap.
            if status:
                name = names[self._category(index, len(names))]
                tip = _BAR_TIP.format(
                    name=name, label=bar_set.label(), count=int(bar_set.at(index))
                )
                QToolTip.showText(QCursor.pos(), tip)
            else:
                QToolTip.hideText()

        series.hovered.connect(hovered)
        return series

    def _fit_height(self, chart: QChart, bars: int) -> None:
        """Give a bar chart room for a readable label per bar (it scrolls, if need be)."""
        for view in (self.area_view, self.late_view, self.target_view):
            if view.chart() is chart:
                view.setMinimumHeight(max(CHART_MIN_HEIGHT, bars * _BAR_HEIGHT + _CHART_PADDING))

    def _category(self, index: int, count: int) -> int:
        return count - 1 - index  # the bars are drawn bottom-up

    def _draw_areas(self, summary: Mapping[str, Any]) -> None:
        areas = summary["by_area"]
        self._areas = [(str(a["code"]), str(a["title"])) for a in areas]
        colors = self._colors()
        sets = [
            (
                status,
                colors.get(status, "#90a4ae"),
                [int(a["by_status"].get(status, 0)) for a in areas],
            )
            for status in summary["statuses"]
        ]
        labels = [area_label(code, title) for code, title in self._areas]
        self.area_series = self._bars(self.area_view.chart(), labels, sets, _NO_TASKS)
        self.area_series.clicked.connect(self._on_area_clicked)

    def _on_area_clicked(self, index: int, bar_set: QBarSet) -> None:
        area = self._areas[self._category(index, len(self._areas))]
        self.filter_requested.emit("area_status", (area, bar_set.label()))

    def _draw_late(self, units: Sequence[Mapping[str, Any]]) -> None:
        shown = sorted(
            units,
            key=lambda u: (LIGHT_RANK.get(u["light"] or "", 9), -u["missing_tasks"], u["unit"]),
        )[:_MAX_UNITS]
        self._units = [str(u["unit"]) for u in shown]
        sets = [
            (
                LIGHT_NAMES[light],
                LIGHT_COLORS[light],
                [int(u["missing_tasks"]) if u["light"] == light else 0 for u in shown],
            )
            for light in (LIGHT_RED, LIGHT_YELLOW, LIGHT_GREEN)
        ]
        self.late_series = self._bars(self.late_view.chart(), self._units, sets, _NO_LATE)
        self.late_series.clicked.connect(self._on_unit_clicked)

    def late_units(self) -> list[tuple[int, str]]:
        """The units of the 催办 list shown, (id, label) — every one, not only the chart's."""
        return [(int(u["unit_id"]), str(u["unit"])) for u in self.late_model.records()]

    def _on_export_late(self) -> None:
        units = self.late_units()
        if units:
            self.forms_requested.emit(units)

    def _on_unit_clicked(self, index: int, _bar_set: QBarSet) -> None:
        self.filter_requested.emit("unit", self._units[self._category(index, len(self._units))])

    def _draw_targets(self, targets: Sequence[Mapping[str, Any]]) -> None:
        counts: dict[AreaKey, list[int]] = {}
        for target in targets:
            area = self._area_of.get(int(target["task_id"]))
            if area is None:
                continue
            slot = {True: 0, False: 1, None: 2}[target["met"]]
            counts.setdefault(area, [0, 0, 0])[slot] += 1
        self._target_areas = [a for a in self._areas if a in counts]
        names = [*_TARGET_SETS, _TARGET_NONE]
        sets = [
            (label, color, [counts[a][i] for a in self._target_areas])
            for i, (label, color) in enumerate(names)
        ]
        labels = [area_label(*a) for a in self._target_areas]
        self.target_series = self._bars(self.target_view.chart(), labels, sets, _NO_TARGETS)
        self.target_series.clicked.connect(self._on_target_clicked)

    def _on_target_clicked(self, index: int, _bar_set: QBarSet) -> None:
        areas = self._target_areas
        self.filter_requested.emit("area", areas[self._category(index, len(areas))])
