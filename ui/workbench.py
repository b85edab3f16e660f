"""The half-year work in the main window (controller): the period selector, each task's
state in that period, the status and "only late" filters, the report form and history tabs
under the task table, the review and dashboard tabs of a coordinator, and the dialogs of
the 管理 menu.

:class:`ui.main_window.MainWindow` creates one :class:`Workbench` and tells it when the plan
or the selected task changes; everything about periods and reports is decided here, so that
the main window stays the browser of a plan it was.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QSettings, Qt
from PySide6.QtWidgets import QMenu

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.perf import collector_paused
from tracker.services import settings as settings_service
from tracker.services import worklist
from tracker.services.actor import (
    ROLE_CITY_DRC,
    ROLE_COORDINATOR,
    ROLE_PILOT_BODY,
    ROLE_REPORTER,
    Actor,
)
from ui import dialogs, errors
from ui.accounts_dialog import AccountsDialog
from ui.dashboard import Dashboard
from ui.outputs import Outputs
from ui.periods_dialog import PeriodsDialog
from ui.preferences import PreferencesDialog
from ui.printing import PrintPreview, report_html
from ui.progress_models import LIGHT_DONE, LIGHT_RED, NOT_SUBMITTED
from ui.report_form import ReportForm
from ui.review import ReviewPanel
from ui.settings_dialog import SettingsDialog
from ui.task_history import TaskHistory

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_FORM_TAB = "进展填报"
_HISTORY_TAB = "往期与审计"
_REVIEW_TAB = "审核"
_REVIEW_TAB_COUNT = "审核（{count}）"
_DASHBOARD_TAB = "统计与催办"
_PERIOD_ITEM = "{name}（截止 {due}{state}）"
_PERIOD_LOCKED = "，已锁定"
_PERIOD_CURRENT = "，当前"
_NO_PERIODS = "（该方案没有报告期）"
_DUE = "截止 {due}"
_DAYS_LEFT = "剩 {days} 天"
_DAYS_LATE = "<span style='color:#c62828'><b>已逾期 {days} 天</b></span>"
_DUE_TODAY = "<b>今天截止</b>"
_LOCKED = "<span style='color:#6d4c41'>已锁定</span>"
_OWN_FIGURES = "{own}本期应报 {total} 项，已报送 {done} 项，未报送 {missing} 项"
_COORDINATOR_FIGURES = "已报齐 {done} 项任务 / 共 {total} 项；逾期未报 {late} 项"
_CITY_FIGURES = "辖区试点的任务 {total} 项，已报齐 {done} 项；逾期未报 {late} 项"
_UNSAVED_TITLE = "有未保存的填报"
_UNSAVED_TEXT = "以下填报有尚未保存的修改：\n\n{items}\n\n关闭前是否保存？"
_SAVE_ALL = "全部保存"
_DISCARD = "不保存"
_NO_TASK_TITLE = "打印填报单"
_NO_TASK = "请先在表格中选择一项任务。"
_COORDINATOR_ONLY = "仅协调员可以使用此功能。"

SETTINGS_TASK_TAB = "main/task_tab"


@dataclass(frozen=True)
class RoleWords:
    """How the task tab speaks to one kind of account: its title, and whose reports the
    table shows (``own``: 本单位 / 本试点; None: the counts of every unit, as for the
    coordinator and a city DRC, which has no unit of its own)."""

    tab: str
    own: str | None


ROLE_WORDS = {
    ROLE_COORDINATOR: RoleWords("任务", None),
    ROLE_REPORTER: RoleWords("本单位任务", "本单位"),
    ROLE_PILOT_BODY: RoleWords("本试点任务", "本试点"),
    ROLE_CITY_DRC: RoleWords("辖区试点任务", None),
}


def role_words(actor: Actor) -> RoleWords:
    """The words of the task tab for ``actor`` (a reporter's for an unknown role)."""
    return ROLE_WORDS.get(actor.role, ROLE_WORDS[ROLE_REPORTER])


def _period_label(period: Mapping[str, Any], current_id: int | None) -> str:
    state = _PERIOD_LOCKED if period["locked"] else ""
    if period["id"] == current_id:
        state += _PERIOD_CURRENT
    return _PERIOD_ITEM.format(name=period["name"], due=period["due_date"], state=state)


class Workbench(QObject):
    """See the module docstring."""

    def __init__(self, window: MainWindow, db: Database, actor: Actor, settings: QSettings) -> None:
        super().__init__(window)
        self._window = window
        self._db = db
        self._actor = actor
        self._settings = settings
        self._periods: dict[int, dict[str, Any]] = {}
        self._period: dict[str, Any] | None = None
        self._rows: dict[int, dict[str, Any]] = {}
        self._tabs = window.tabs  # kept: the window's attributes go before its tabs do
        self.form = ReportForm(db, actor)
        self.history = TaskHistory(db, actor)
        window.task_tabs.insertTab(0, self.form, _FORM_TAB)
        window.task_tabs.addTab(self.history, _HISTORY_TAB)
        window.task_tabs.setCurrentIndex(0)
        self.review: ReviewPanel | None = None
        self.dashboard: Dashboard | None = None
        if actor.is_coordinator:
            self.review = ReviewPanel(db, actor)
            self.dashboard = Dashboard(db, actor)
            window.tabs.addTab(self.review, _REVIEW_TAB)
            window.tabs.addTab(self.dashboard, _DASHBOARD_TAB)
        else:
            window.tabs.setTabText(0, role_words(actor).tab)
            window.periods_action.setVisible(False)
            window.accounts_action.setVisible(False)
            window.settings_action.setVisible(False)
        self.outputs = Outputs(window, db, actor, settings)
        self._load_statuses()
        self._connect()

    def _load_statuses(self) -> None:
        """The status vocabulary is shared in the database and may have changed at another
        desk: read it again for the filter and the form whenever a plan is (re)loaded."""
        names = settings_service.get(self._db).status_names
        window = self._window
        window.set_statuses([*names, NOT_SUBMITTED], window.current_status())
        self.form.update_statuses(names)

    def _connect(self) -> None:
        window = self._window
        window.period_combo.currentIndexChanged.connect(self._on_period_chosen)
        window.status_combo.currentIndexChanged.connect(self._on_status_filter)
        window.late_check.toggled.connect(self._on_late_filter)
        window.save_action.triggered.connect(self._on_save)
        window.submit_action.triggered.connect(self._on_submit)
        window.print_action.triggered.connect(self._on_print)
        window.preferences_action.triggered.connect(self._on_preferences)
        window.periods_action.triggered.connect(self._on_periods)
        window.accounts_action.triggered.connect(self._on_accounts)
        window.settings_action.triggered.connect(self._on_settings)
        self.outputs.reports_changed.connect(lambda: self._on_reports_changed(0))
        window.tabs.currentChanged.connect(self._on_tab_changed)
        header = window.task_view.horizontalHeader()
        header.customContextMenuRequested.connect(self._on_header_menu)
        self.form.reports_changed.connect(self._on_reports_changed)
        self.form.dirty_changed.connect(self._on_dirty_changed)
        if self.review is not None:
            self.review.reports_changed.connect(self._on_reports_changed)
            self.review.task_requested.connect(self.show_task_by_id)
            self.review.queue_counted.connect(self._on_queue_counted)
        if self.dashboard is not None:
            self.dashboard.filter_requested.connect(self._on_dashboard_filter)
            self.dashboard.forms_requested.connect(self.outputs.export_forms)

    # ------------------------------------------------------------ plan and period

    def load_plan(self, plan_id: int | None) -> None:
        """Read the periods of the plan shown and choose the current one."""
        self._load_statuses()
        self._periods = {}
        found: list[dict[str, Any]] = []
        if plan_id is not None:
            try:
                found = worklist.plan_periods(self._db, self._actor, plan_id)
            except TrackerError as exc:
                errors.show_error(exc, self._window)
        self._periods = {p["id"]: p for p in found}
        current = worklist.choose_current_period(found)
        current_id = int(current["id"]) if current is not None else None
        keep = self._period["id"] if self._period else None
        chosen = keep if keep in self._periods else current_id
        self._window.set_periods([(p["id"], _period_label(p, current_id)) for p in found], chosen)
        self._load_period()

    @property
    def period(self) -> dict[str, Any] | None:
        """The period shown, with its due date and days left."""
        return self._period

    def period_id(self) -> int | None:
        """The period chosen."""
        return self._window.current_period_id()

    def _on_period_chosen(self, _index: int) -> None:
        self._load_period()
        self.show_task(self._window.selected_task())

    def _load_period(self) -> None:
        window = self._window
        period_id = self.period_id()
        plan_id = window.current_plan_id()
        self._rows = {}
        self._period = None
        with collector_paused():
            if plan_id is not None and period_id is not None:
                try:
                    found = worklist.period_tasks(self._db, self._actor, plan_id, period_id)
                except TrackerError as exc:
                    errors.show_error(exc, window)
                else:
                    self._rows, self._period = found["tasks"], found["period"]
            days = self._period["days_left"] if self._period else None
            own = role_words(self._actor).own
            window.task_model.set_progress(self._rows, days, own=own)
        window.area_model.set_lights(window.task_model.area_lights())
        window.refresh_area_counts()
        self._show_period_banner()
        if self.review is not None:
            self.review.set_period(plan_id, period_id)
        if self.dashboard is not None:
            self.dashboard.set_period(plan_id, self._period, window.task_model.area_of_tasks())

    def _show_period_banner(self) -> None:
        period = self._period
        if period is None:
            self._window.period_label.setText(_NO_PERIODS if self._periods == {} else "")
            return
        days = int(period["days_left"])
        if period["locked"]:
            when = _LOCKED
        elif days < 0:
            when = _DAYS_LATE.format(days=-days)
        elif days == 0:
            when = _DUE_TODAY
        else:
            when = _DAYS_LEFT.format(days=days)
        due = _DUE.format(due=period["due_date"])
        figures = self._figures()
        self._window.period_label.setText(
            f"<b>{html.escape(period['name'])}</b>　{due}　{when}　　{html.escape(figures)}"
        )

    def _figures(self) -> str:
        """The period's figures for the banner, in the words of the account's role."""
        rows, total = self._rows.values(), len(self._rows)
        own = role_words(self._actor).own
        if own is not None:
            done = sum(1 for r in rows if r["own"] and r["own"]["done"])
            return _OWN_FIGURES.format(own=own, total=total, done=done, missing=total - done)
        done = sum(1 for r in rows if r["light"] == LIGHT_DONE)
        late = sum(1 for r in rows if r["light"] == LIGHT_RED)
        wording = _CITY_FIGURES if self._actor.is_city_drc else _COORDINATOR_FIGURES
        return wording.format(done=done, total=total, late=late)

    def refresh_rows(self) -> None:
        """Read the period's task states again (after a write), keeping the selection."""
        self._load_period()

    # ------------------------------------------------------------ tasks

    def show_task(self, task: Mapping[str, Any] | None) -> None:
        """The task selected in the table changed."""
        task_id = int(task["id"]) if task is not None and task.get("id") is not None else None
        self.form.show_task(task_id, self.period_id() if task_id is not None else None)
        self.history.show_task(task_id)

    def show_task_by_id(self, task_id: int) -> None:
        """Show ``task_id`` in the task tab (from the review queue)."""
        window = self._window
        row = window.task_model.row_of_task_id(task_id)
        window.tabs.setCurrentIndex(0)
        if row is not None:
            window.select_task_row(row)
            window.task_tabs.setCurrentWidget(self.form)

    def clear_filters(self) -> None:
        """Reset the status and late filters (with the main window's own)."""
        self._window.status_combo.setCurrentIndex(0)
        self._window.late_check.setChecked(False)

    def _on_status_filter(self, _index: int) -> None:
        self._window.task_proxy.set_status(self._window.current_status())
        self._window.refresh_area_counts()

    def _on_late_filter(self, checked: bool) -> None:
        self._window.task_proxy.set_only_late(checked)
        self._window.refresh_area_counts()

    def _on_reports_changed(self, _task_id: int) -> None:
        self.refresh_rows()
        if self.review is not None:
            self.review.mark_stale()
        if self.dashboard is not None:
            self.dashboard.mark_stale()
        if self.sender() is not self.form:
            self.form.reload()

    def _on_dirty_changed(self, dirty: bool) -> None:
        title = self._window.windowTitle().removesuffix(" *")
        self._window.setWindowTitle(f"{title} *" if dirty else title)

    def _on_queue_counted(self, count: int) -> None:
        if self.review is not None:
            # self._tabs, not the window's attribute: while the window is destroyed its
            # tabs remove their pages, which can show the review tab and count the queue
            index = self._tabs.indexOf(self.review)
            text = _REVIEW_TAB_COUNT.format(count=count) if count else _REVIEW_TAB
            self._tabs.setTabText(index, text)

    def _on_tab_changed(self, index: int) -> None:
        widget = self._tabs.widget(index)
        if widget is self.review and self.review is not None:
            self.review.load_if_stale()
        if widget is self.dashboard and self.dashboard is not None:
            self.dashboard.load_if_stale()

    def _on_dashboard_filter(self, kind: str, value: object) -> None:
        """A bar of the dashboard was clicked: show those tasks in the task table."""
        window = self._window
        window.clear_filters()
        if kind == "status" and isinstance(value, str):
            window.status_combo.setCurrentIndex(max(window.status_combo.findData(value), 0))
        elif kind == "area" and isinstance(value, tuple):
            window.select_area(value)
        elif kind == "area_status" and isinstance(value, tuple):
            area, status = value
            window.select_area(area)
            window.status_combo.setCurrentIndex(max(window.status_combo.findData(status), 0))
        elif kind == "unit" and isinstance(value, str):
            window.select_unit(value)
            window.late_check.setChecked(True)
        window.tabs.setCurrentIndex(0)

    def _on_header_menu(self, pos: QPoint) -> None:
        """The task table's columns, to show or hide (right click on the header)."""
        header = self._window.task_view.horizontalHeader()
        model = self._window.task_model
        menu = QMenu(header)
        for column in range(model.columnCount()):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # 序号 always stays
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        menu.exec(header.mapToGlobal(pos))

    # ------------------------------------------------------------ actions

    def _on_save(self) -> None:
        self._window.tabs.setCurrentIndex(0)
        self._window.task_tabs.setCurrentWidget(self.form)
        self.form.save_draft()

    def _on_submit(self) -> None:
        self._window.tabs.setCurrentIndex(0)
        self._window.task_tabs.setCurrentWidget(self.form)
        self.form.submit()

    def _on_print(self) -> None:
        task = self._window.selected_task()
        period = self._period
        if task is None or period is None or self.form.task_id is None:
            dialogs.information(self._window, _NO_TASK_TITLE, _NO_TASK)
            return
        document = report_html(task, period, self.form.current_values(), self.form.unit_label())
        PrintPreview.ask(self._window, f"{task.get('code')} {task.get('title')}", document)

    def _on_preferences(self) -> None:
        PreferencesDialog.ask(self._window, self._settings)

    def _on_periods(self) -> None:
        if not self._actor.is_coordinator:
            dialogs.information(self._window, _REVIEW_TAB, _COORDINATOR_ONLY)
            return
        plan_id = self._window.current_plan_id()
        if plan_id is None:
            return
        if PeriodsDialog.ask(self._window, self._db, self._actor, plan_id):
            self.load_plan(plan_id)
            self.show_task(self._window.selected_task())

    def _on_accounts(self) -> None:
        if not self._actor.is_coordinator:
            dialogs.information(self._window, _REVIEW_TAB, _COORDINATOR_ONLY)
            return
        AccountsDialog.ask(self._window, self._db, self._actor)

    def _on_settings(self) -> None:
        if not self._actor.is_coordinator:
            dialogs.information(self._window, _REVIEW_TAB, _COORDINATOR_ONLY)
            return
        if SettingsDialog.ask(self._window, self._db, self._actor):
            self.load_plan(self._window.current_plan_id())  # statuses, colours, lights
            self.show_task(self._window.selected_task())

    # ------------------------------------------------------------ closing

    def confirm_close(self) -> bool:
        """Whether the window may close: unsaved reports are saved or dropped, as asked."""
        unsaved = self.form.unsaved()
        if not unsaved:
            return True
        items = "\n".join(f"· {label}" for label in unsaved)
        answer = dialogs.choose(
            self._window,
            _UNSAVED_TITLE,
            _UNSAVED_TEXT.format(items=items),
            [_SAVE_ALL, _DISCARD],
            default=0,
        )
        if answer == 0:
            return self.form.save_all()
        if answer == 1:
            self.form.discard_all()
            return True
        return False

    def save_settings(self) -> None:
        """Remember the tab shown under the task table."""
        self._settings.setValue(SETTINGS_TASK_TAB, self._window.task_tabs.currentIndex())

    def restore_settings(self) -> None:
        """The tab shown under the task table last time."""
        value = self._settings.value(SETTINGS_TASK_TAB)
        if isinstance(value, (int, str)) and str(value).isdigit():
            self._window.task_tabs.setCurrentIndex(int(value))
