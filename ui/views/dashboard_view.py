"""The 统计与催办 tab's layout: four charts (QtCharts) and the two tables under them."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QMargins, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.models import SORT_ROLE
from ui.progress_models import LateUnitModel, TargetProgressModel
from ui.views.common import record_table

_STATES = "任务状态"
_AREAS = "各领域推进情况（点击色块筛选任务）"
_LATE = "催办：未报送的单位（图中为最紧急的 8 个，下表列出全部）"
_EXPORT_LATE = "导出这些单位的填报表…"
_EXPORT_LATE_TIP = "为下表中每个未报送的单位导出本期填报表（每个单位一份 .xlsx），以便发给各单位"
_TARGETS = "量化目标完成情况"
_CLICK_HINT = "点击图中的色块，可在“任务”页中筛选出对应的任务。"
CHART_MIN_HEIGHT = 200


def chart_view() -> QChartView:
    """An empty chart, antialiased, without a title (the group box names it)."""
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    legend = chart.legend()
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    font = QFont(legend.font())
    font.setPointSizeF(max(font.pointSizeF() - 0.5, 8))
    legend.setFont(font)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_MIN_HEIGHT)
    return view


def _group(title: str, *widgets: QWidget, actions: QWidget | None = None) -> QGroupBox:
    """A titled box of charts and tables (one above the other, resizable); ``actions``
    (a row of buttons) goes on top, where it is seen without scrolling."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    if actions is not None:
        layout.addWidget(actions)
    if len(widgets) == 1:
        layout.addWidget(widgets[0])
        return box
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setChildrenCollapsible(False)
    for widget in widgets:
        splitter.addWidget(widget)
    splitter.setSizes([330, 200])
    layout.addWidget(splitter)
    return box


class DashboardView(QWidget):
    """Widgets of the dashboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        hint = QLabel(_CLICK_HINT)
        hint.setStyleSheet("color:#666;")
        self.state_view = chart_view()
        self.area_view = chart_view()
        self.late_view = chart_view()
        self.target_view = chart_view()
        self.late_model = LateUnitModel(self)
        self.late_proxy = QSortFilterProxyModel(self)
        self.late_proxy.setSourceModel(self.late_model)
        self.late_proxy.setSortRole(SORT_ROLE)
        self.late_table = record_table(self.late_proxy, stretch_column=0)
        self.late_table.setSortingEnabled(True)
        self.late_table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # red lights first
        self.target_model = TargetProgressModel(self)
        self.target_proxy = QSortFilterProxyModel(self)
        self.target_proxy.setSourceModel(self.target_model)
        self.target_proxy.setSortRole(SORT_ROLE)
        self.target_table = record_table(self.target_proxy, stretch_column=2)
        self.target_table.setSortingEnabled(True)
        self.target_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # plan order
        for table, fitted in (
            (self.late_table, (1, 2, 3)),
            (self.target_table, (0, 1, 3, 4, 5, 6)),
        ):
            header = table.horizontalHeader()
            for column in fitted:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(_group(_STATES, self.state_view))
        top.addWidget(_group(_AREAS, self.area_view))
        top.setSizes([420, 900])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        self.export_late_button = QPushButton(_EXPORT_LATE)
        self.export_late_button.setToolTip(_EXPORT_LATE_TIP)
        late_actions = QWidget()
        actions_layout = QHBoxLayout(late_actions)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.addStretch(1)
        actions_layout.addWidget(self.export_late_button)
        bottom.addWidget(_group(_LATE, self.late_view, self.late_table, actions=late_actions))
        bottom.addWidget(_group(_TARGETS, self.target_view, self.target_table))
        bottom.setSizes([660, 660])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(bottom)
        body.setSizes([360, 540])
        for splitter in (top, bottom, body):
            splitter.setChildrenCollapsible(False)
        heading = QHBoxLayout()
        heading.addWidget(self.summary_label, 1)
        heading.addWidget(hint)
        # Scrolls on a small screen rather than squeezing ten bars into a sliver.
        body.setMinimumHeight(940)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(heading)
        layout.addWidget(scroll, 1)
