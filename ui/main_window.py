"""The main window (controller): choose a plan, filter its tasks, read one in detail.

It reads through the plan services only (:mod:`tracker.services.plans`) and keeps no
database session; long work (imports) goes through :class:`ui.import_dialog.ImportFlow`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent

from tracker import __version__
from tracker import demo as demo_data
from tracker.db import Database
from tracker.errors import TrackerError
from tracker.perf import collector_paused
from tracker.services import pilots, plan_lifecycle, plans, users
from tracker.services.actor import Actor
from tracker.services.pilot_plans import PILOT_KIND
from ui import dialogs, errors
from ui.account import ChangePasswordDialog
from ui.import_dialog import ImportFlow
from ui.models import AreaKey, task_row_at_place
from ui.pilots import add_pilots_tab
from ui.units_dialog import UnitsDialog
from ui.views.common import APP_TITLE
from ui.views.main_window_view import MainWindowView
from ui.views.task_detail_view import TaskDetailDialog
from ui.warnings_dialog import WarningsDialog
from ui.workbench import Workbench

_PLAN_LABEL = "{archived}{title}（{region}，第 {revision} 版，{count} 项任务）"
_ARCHIVED_MARK = "【已归档】"
_ARCHIVE_TITLE = "归档实施方案"
_ARCHIVE_TEXT = (
    "归档“{title}”？\n\n归档后该方案不再出现在列表中，其任务、填报和报告期只能查看、不能修改；"
    "可随时在“视图 → 显示已归档的方案”中找到并恢复。"
)
_ARCHIVE = "归档"
_DELETE_TITLE = "删除实施方案"
_DELETE_TEXT = "删除“{title}”及其全部任务和报告期？\n\n此操作不能撤销。"
_DELETE_WITH_REPORTS = (
    "“{title}”已有 {reports} 份进展填报，删除会一并删除这些填报，且不能撤销。\n\n"
    "如该方案只是不再使用，请改为归档。确需删除，请在下一步说明理由。"
)
_DELETE = "删除"
_REASON_TITLE = "删除理由"
_REASON_LABEL = "删除已有填报的方案必须说明理由（记入审计日志）："
_HISTORY_TITLE = "修订历史"
_HISTORY_LINE = "第 {revision} 版　{source}　{imported_at}　{imported_by}{summary}"
_DONE = "{verb}：{title}"
_COUNTS = "共 {total} 项任务，当前显示 {shown} 项"
_COUNTS_NO_PLAN = "尚未导入实施方案：请选择“文件 → 导入实施方案…”"
_WARNINGS_NOTE = "，导入警告 {count} 条"
_USER = "用户：{name}（{role}）"
_DATABASE = "数据库：{where}"
_COORDINATOR_ONLY = "仅协调员可以使用此功能"
_NO_PLAN_TITLE = "导入警告"
_NO_PLAN_TEXT = "还没有选择实施方案。"
_NO_WARNINGS = "导入“{title}”时没有产生警告。"
_NOT_FOUND_TITLE = "定位任务"
_NOT_FOUND_TEXT = "没有找到位于“{where}”的任务。"
_DROP_TITLE = "导入实施方案"
_DROP_ONLY_COORDINATOR = "仅协调员可以导入实施方案。"
_DROP_SUFFIXES = (".txt", ".docx", ".xlsx")
_DROP_BUSY = "正在导入另一份实施方案，请等它完成后再拖入。"
_DEMO_TITLE = "{app} — 示例数据库 — {name}"
_WORK_TITLE = "{app} — {name}"
_DEMO_BANNER = (
    "示例数据库：示例市的方案和填报均为虚构，演示账户的密码为 {password}。"
    "开始工作请选择“文件 → 返回工作数据库”"
)
_DEMO_PASSWORD_TIP = "示例数据库的账户密码是固定的（{password}），无需修改"
_PASSWORD_CHANGED_TITLE = "修改密码"
_PASSWORD_CHANGED = "密码已修改，下次登录请使用新密码。"
_ABOUT_TITLE = "关于 碳达峰任务台账"
_ABOUT_TEXT = (
    "碳达峰任务台账 {version}\n\n"
    "导入碳达峰实施方案的任务分工，按单位跟踪各项任务的落实情况。\n\n"
    "数据库：{where}"
)

SETTINGS_GEOMETRY = "main/geometry"
SETTINGS_STATE = "main/state"
SETTINGS_MAIN_SPLITTER = "main/main_splitter"
SETTINGS_RIGHT_SPLITTER = "main/right_splitter"
# v2: the table gained the period columns; an older saved state would hide them.
# v3: the 催办 column is wider (a saved v2 width cut "逾期 143 天").
SETTINGS_TASK_HEADER = "main/task_header_v3"
SETTINGS_LAST_PLAN = "main/last_plan"


def describe_database(db: Database) -> str:
    """Where the data lives, for people: the SQLite file, or the server URL without password."""
    url = db.engine.url
    if db.is_sqlite:
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _plan_label(plan: Mapping[str, Any]) -> str:
    """How a plan is named in the selector: title, region, revision, tasks."""
    return _PLAN_LABEL.format(
        archived=_ARCHIVED_MARK if plan.get("archived") else "",
        title=plan["title"],
        region=plan.get("region") or "",
        revision=plan.get("revision") or 1,
        count=plan["task_count"],
    )


class MainWindow(MainWindowView):
    """The application's main window; ``plan_loaded`` is emitted after a plan's tasks are
    shown (with the plan id, or None when there is no plan)."""

    plan_loaded = Signal(object)
    import_finished = Signal()  # an import started here has ended, whatever the outcome
    demo_requested = Signal()  # 文件 → 打开示例数据库
    work_requested = Signal()  # 文件 → 返回工作数据库

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        show_after_ms: int | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self._db = db
        self._actor = actor
        self.is_demo = demo
        self._settings = settings if settings is not None else QSettings()
        self._show_after_ms = show_after_ms
        self._plans: dict[int, dict[str, Any]] = {}
        self._warnings_dialog: WarningsDialog | None = None
        self._detail_dialog: TaskDetailDialog | None = None
        self.import_flow: ImportFlow | None = None
        self.database_label.setText(_DATABASE.format(where=describe_database(db)))
        role = users.ALL_ROLES.get(actor.role, actor.role)
        self.user_label.setText(_USER.format(name=actor.name, role=role))
        self._show_mode(demo)
        if not actor.is_coordinator:
            for action in (
                self.import_action,
                self.archive_action,
                self.unarchive_action,
                self.delete_action,
            ):
                action.setEnabled(False)
                action.setToolTip(_COORDINATOR_ONLY)
        self._connect()
        self.workbench = Workbench(self, db, actor, self._settings)
        self.pilots_panel = add_pilots_tab(self, db, actor, self._settings)
        self.setAcceptDrops(True)
        self._restore_settings()
        self.workbench.restore_settings()

    def _show_mode(self, demo: bool) -> None:
        """Say everywhere whether this is the demo database (title, banner, menu)."""
        title = _DEMO_TITLE if demo else _WORK_TITLE
        self.setWindowTitle(title.format(app=APP_TITLE, name=self._actor.name))
        self.demo_action.setVisible(not demo)
        self.work_action.setVisible(demo)
        self.demo_label.setVisible(demo)
        if demo:
            secret = demo_data.password()
            self.demo_label.setText(_DEMO_BANNER.format(password=secret))
            # the demo signs in with its known password: keep it
            self.password_action.setEnabled(False)
            self.password_action.setToolTip(_DEMO_PASSWORD_TIP.format(password=secret))
        else:
            self.password_action.setEnabled(self._actor.user_id is not None)

    def _connect(self) -> None:
        self.demo_action.triggered.connect(self.demo_requested)
        self.work_action.triggered.connect(self.work_requested)
        self.password_action.triggered.connect(self._on_change_password)
        self.import_action.triggered.connect(self._on_import)
        self.warnings_action.triggered.connect(self._on_show_warnings)
        self.quit_action.triggered.connect(self.close)
        self.units_action.triggered.connect(self._on_units)
        self.find_action.triggered.connect(self._on_find)
        self.refresh_action.triggered.connect(self._on_refresh)
        self.clear_filters_action.triggered.connect(self.clear_filters)
        self.about_action.triggered.connect(self._on_about)
        self.archive_action.triggered.connect(self._on_archive)
        self.unarchive_action.triggered.connect(self._on_unarchive)
        self.delete_action.triggered.connect(self._on_delete)
        self.history_action.triggered.connect(self._on_history)
        self.show_archived_action.toggled.connect(self._on_show_archived)
        self.plan_combo.currentIndexChanged.connect(self._on_plan_changed)
        self.search_edit.textChanged.connect(self._on_search)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_filter)
        self.role_combo.currentIndexChanged.connect(self._on_unit_filter)
        self.unit_edit.editingFinished.connect(self._on_unit_edited)
        self.area_view.selectionModel().currentRowChanged.connect(self._on_area_changed)
        self.task_view.selectionModel().currentRowChanged.connect(self._on_task_changed)
        self.task_view.activated.connect(self._on_task_activated)
        self.task_proxy.rowsInserted.connect(self._update_counts)
        self.task_proxy.rowsRemoved.connect(self._update_counts)
        self.task_proxy.modelReset.connect(self._update_counts)
        self.task_proxy.layoutChanged.connect(self._update_counts)

    # ------------------------------------------------------------ loading

    def reload_plans(self, select: int | None = None) -> None:
        """Read the list of plans and show ``select`` (default: the current or last plan)."""
        found = plans.list_plans(
            self._db, self._actor, include_archived=self.show_archived_action.isChecked()
        )
        self._plans = {p["id"]: p for p in found}
        wanted = select if select is not None else self.current_plan_id()
        if wanted is None or wanted not in self._plans:
            last = self._settings.value(SETTINGS_LAST_PLAN)
            wanted = int(last) if isinstance(last, (int, str)) and str(last).isdigit() else None
        if wanted is None or wanted not in self._plans:
            wanted = self._default_plan(found)
        self.set_plans([(p["id"], _plan_label(p)) for p in found], wanted)
        self.load_plan(self.current_plan_id())

    def _default_plan(self, found: list[dict[str, Any]]) -> int | None:
        """The plan shown when none was chosen: for a pilot account the plan of (the first
        of) its pilots; otherwise the newest plan that is not a pilot's (pilots' plans are
        many and small), else the newest."""
        if not found:
            return None
        if self._actor.is_pilot_body or self._actor.is_city_drc:
            seen = [p["plan_id"] for p in pilots.list_pilots(self._db, self._actor)]
            own = [plan_id for plan_id in seen if plan_id in self._plans]
            if own:
                return int(own[0])
        ordinary = [p for p in found if p["kind"] != PILOT_KIND]
        return int((ordinary or found)[-1]["id"])

    def load_plan(self, plan_id: int | None) -> None:
        """Show the tasks of ``plan_id`` (None: no plan)."""
        previous_unit, previous_area = self.current_unit(), self.task_proxy.area
        with collector_paused():
            tasks = plans.list_tasks(self._db, self._actor, plan_id=plan_id) if plan_id else []
            self.task_model.set_tasks(tasks)
            self.workbench.load_plan(plan_id)
        areas = self.task_model.areas()
        self.area_model.set_areas(areas, self.task_model.area_counts())
        # the units most involved first, as these are the ones looked for most often
        units = sorted(self.task_model.unit_counts().items(), key=lambda item: (-item[1], item[0]))
        unit = previous_unit if any(name == previous_unit for name, _ in units) else None
        self.set_units(units, unit)
        self.task_proxy.set_unit(unit, self.current_role())
        area = previous_area if previous_area in areas else None  # kept on a refresh
        self.task_proxy.set_area(area)
        self.area_view.setCurrentIndex(self.area_model.index(self.area_model.row_of(area), 0))
        self._refresh_area_counts()
        self.warnings_action.setEnabled(plan_id is not None)
        self._update_plan_actions()
        if plan_id is not None and not self.is_demo:  # the demo's ids are not the work's
            self._settings.setValue(SETTINGS_LAST_PLAN, plan_id)
        self._update_counts()
        self._select_first_task()
        self.plan_loaded.emit(plan_id)

    def current_plan(self) -> dict[str, Any] | None:
        """The plan shown (as listed by the plan service)."""
        plan_id = self.current_plan_id()
        return None if plan_id is None else self._plans.get(plan_id)

    # ------------------------------------------------------------ filters

    def clear_filters(self) -> None:
        """Show every task of the plan."""
        self.search_edit.clear()
        self.unit_combo.setCurrentIndex(0)
        self.role_combo.setCurrentIndex(0)
        self.workbench.clear_filters()
        self.area_view.setCurrentIndex(self.area_model.index(0, 0))

    def select_area(self, area: AreaKey | None) -> None:
        """Show the tasks of ``area`` (as a click in the area list does)."""
        self.area_view.setCurrentIndex(self.area_model.index(self.area_model.row_of(area), 0))

    def select_unit(self, name: str) -> None:
        """Filter the tasks on the unit called ``name`` (any role)."""
        self.role_combo.setCurrentIndex(0)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(name), 0))

    def refresh_area_counts(self) -> None:
        """Count the tasks per area again after a filter changed."""
        self._refresh_area_counts()

    def _on_search(self, text: str) -> None:
        self.task_proxy.set_search(text)
        self._refresh_area_counts()

    def _on_unit_filter(self, *_args: object) -> None:
        self.task_proxy.set_unit(self.current_unit(), self.current_role())
        self._refresh_area_counts()

    def _on_unit_edited(self) -> None:
        # Text typed that names no unit must not look like an active filter.
        current = self.unit_combo.currentIndex()
        if self.unit_combo.currentText() != self.unit_combo.itemText(current):
            self.unit_combo.setEditText(self.unit_combo.itemText(current))

    def _on_area_changed(self, current: QModelIndex | QPersistentModelIndex) -> None:
        area = self.area_model.area(current.row()) if current.isValid() else None
        self.task_proxy.set_area(area)
        self._update_counts()

    def _refresh_area_counts(self) -> None:
        self.area_model.set_shown_counts(
            self.task_proxy.area_counts(), self.task_proxy.is_filtered()
        )
        self._update_counts()

    def _update_counts(self, *_args: object) -> None:
        plan = self.current_plan()
        if plan is None:
            self.count_label.setText(_COUNTS_NO_PLAN)
            return
        text = _COUNTS.format(total=self.task_model.rowCount(), shown=self.task_proxy.rowCount())
        if plan.get("warning_count"):
            text += _WARNINGS_NOTE.format(count=plan["warning_count"])
        self.count_label.setText(text)

    # ------------------------------------------------------------ tasks

    def _select_first_task(self) -> None:
        if self.task_proxy.rowCount() > 0:
            self._select_proxy_row(0)
        else:
            self.detail_view.show_task(None)
            self.workbench.show_task(None)

    def _select_proxy_row(self, row: int) -> None:
        index = self.task_proxy.index(row, 0)
        self.task_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.task_view.scrollTo(index)

    def selected_task(self) -> Mapping[str, Any] | None:
        """The task whose detail is shown."""
        current = self.task_view.selectionModel().currentIndex()
        if not current.isValid():
            return None
        return self.task_model.task(self.task_proxy.mapToSource(current).row())

    def select_task_row(self, source_row: int) -> None:
        """Select a task by its row in the task model, clearing filters that hide it."""
        index = self.task_proxy.mapFromSource(self.task_model.index(source_row, 0))
        if not index.isValid():
            self.clear_filters()
            index = self.task_proxy.mapFromSource(self.task_model.index(source_row, 0))
        self._select_proxy_row(index.row())

    def _on_task_changed(self, current: QModelIndex | QPersistentModelIndex) -> None:
        task = None
        if current.isValid():
            task = self.task_model.task(self.task_proxy.mapToSource(current).row())
        self.detail_view.show_task(task)
        self.workbench.show_task(task)

    def _on_task_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid():
            return
        task = self.task_model.task(self.task_proxy.mapToSource(index).row())
        if self._detail_dialog is None:
            self._detail_dialog = TaskDetailDialog(self)
        self._detail_dialog.show_task(task)

    @property
    def detail_dialog(self) -> TaskDetailDialog | None:
        """The separate detail window, once opened."""
        return self._detail_dialog

    # ------------------------------------------------------------ actions

    def _on_plan_changed(self, _index: int) -> None:
        self.load_plan(self.current_plan_id())

    def _on_refresh(self) -> None:
        current = self.selected_task()
        self.reload_plans(self.current_plan_id())
        if current is not None and isinstance(current.get("id"), int):
            row = self.task_model.row_of_task_id(current["id"])
            if row is not None:
                self.select_task_row(row)

    def _on_find(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _new_import_flow(self) -> ImportFlow:
        flow = ImportFlow(
            self, self._db, self._actor, settings=self._settings, show_after_ms=self._show_after_ms
        )
        flow.imported.connect(self._on_imported)
        flow.finished.connect(self._on_import_finished)
        self.import_flow = flow
        self.import_action.setEnabled(False)
        return flow

    def _on_import(self) -> None:
        self._new_import_flow().start()

    def import_file(self, path: str) -> ImportFlow:
        """Import ``path`` with the preview (as 导入实施方案… does after the file dialog)."""
        flow = self._new_import_flow()
        flow.start(path)
        return flow

    def _on_imported(self, plan_id: int, _created: bool) -> None:
        self.reload_plans(select=plan_id)

    def _on_import_finished(self) -> None:
        self.import_action.setEnabled(self._actor.is_coordinator)
        self.import_finished.emit()

    def _on_show_warnings(self) -> None:
        plan = self.current_plan()
        if plan is None:
            dialogs.information(self, _NO_PLAN_TITLE, _NO_PLAN_TEXT)
            return
        warnings = plans.plan_warnings(self._db, plan["id"])
        if not warnings:
            dialogs.information(self, _NO_PLAN_TITLE, _NO_WARNINGS.format(title=plan["title"]))
            return
        if self._warnings_dialog is not None:
            self._warnings_dialog.close()
            self._warnings_dialog.deleteLater()
        dialog = WarningsDialog(plan["title"], warnings, self)
        dialog.place_activated.connect(self.show_task_at_place)
        self._warnings_dialog = dialog
        dialog.show()

    @property
    def warnings_dialog(self) -> WarningsDialog | None:
        """The warnings window, once opened."""
        return self._warnings_dialog

    def show_task_at_place(self, where: str) -> bool:
        """Select the task at a warning's place; False (and a message) when there is none."""
        row = task_row_at_place(self.task_model.tasks(), where)
        if row is None:
            dialogs.information(self, _NOT_FOUND_TITLE, _NOT_FOUND_TEXT.format(where=where))
            return False
        self.select_task_row(row)
        return True

    def _on_change_password(self) -> None:
        if ChangePasswordDialog.ask(self, self._db, self._actor):
            dialogs.information(self, _PASSWORD_CHANGED_TITLE, _PASSWORD_CHANGED)

    def _on_units(self) -> None:
        if UnitsDialog.show_dialog(self, self._db, self._actor):
            self._on_refresh()

    # ------------------------------------------------------------ plan lifecycle

    def _update_plan_actions(self) -> None:
        plan = self.current_plan()
        archived = bool(plan and plan.get("archived"))
        coordinator = self._actor.is_coordinator
        self.archive_action.setEnabled(coordinator and plan is not None and not archived)
        self.unarchive_action.setEnabled(coordinator and archived)
        self.delete_action.setEnabled(coordinator and plan is not None)
        self.history_action.setEnabled(plan is not None)

    def _lifecycle(self, step: Any) -> bool:
        """Run one lifecycle service call; a refused one is shown, False returned."""
        try:
            step()
        except TrackerError as exc:
            errors.show_error(exc, self)
            return False
        return True

    def _on_archive(self) -> None:
        plan = self.current_plan()
        if plan is None or not dialogs.confirm(
            self, _ARCHIVE_TITLE, _ARCHIVE_TEXT.format(title=plan["title"]), yes=_ARCHIVE
        ):
            return
        if self._lifecycle(lambda: plan_lifecycle.archive_plan(self._db, self._actor, plan["id"])):
            self.reload_plans()
            self.statusBar().showMessage(_DONE.format(verb="已归档", title=plan["title"]), 8000)

    def _on_unarchive(self) -> None:
        plan = self.current_plan()
        if plan is None:
            return
        if self._lifecycle(
            lambda: plan_lifecycle.unarchive_plan(self._db, self._actor, plan["id"])
        ):
            self.reload_plans(select=plan["id"])
            self.statusBar().showMessage(_DONE.format(verb="已恢复", title=plan["title"]), 8000)

    def _on_delete(self) -> None:
        plan = self.current_plan()
        if plan is None:
            return
        count = plan_lifecycle.report_count(self._db, plan["id"])
        text = (
            _DELETE_WITH_REPORTS.format(title=plan["title"], reports=count)
            if count
            else _DELETE_TEXT.format(title=plan["title"])
        )
        if not dialogs.confirm(self, _DELETE_TITLE, text, yes=_DELETE):
            return
        reason: str | None = None
        if count:
            reason = dialogs.ask_text(self, _REASON_TITLE, _REASON_LABEL)
            if reason is None:
                return
        if self._lifecycle(
            lambda: plan_lifecycle.delete_plan(
                self._db, self._actor, plan["id"], force=bool(count), reason=reason
            )
        ):
            self.reload_plans()
            self.statusBar().showMessage(_DONE.format(verb="已删除", title=plan["title"]), 8000)

    def _on_history(self) -> None:
        plan = self.current_plan()
        if plan is None:
            return
        lines = [
            _HISTORY_LINE.format(
                revision=s["revision"],
                source=s["source"],
                imported_at=s["imported_at"],
                imported_by=s["imported_by"] or "",
                summary=f"\n　　{s['summary']}" if s["summary"] else "",
            )
            for s in plans.plan_sources(self._db, plan["id"])
        ]
        dialogs.information(self, _HISTORY_TITLE, f"{plan['title']}\n\n" + "\n".join(lines))

    def _on_show_archived(self, _checked: bool) -> None:
        self.reload_plans(self.current_plan_id())

    def _on_about(self) -> None:
        dialogs.information(
            self,
            _ABOUT_TITLE,
            _ABOUT_TEXT.format(version=__version__, where=describe_database(self._db)),
        )

    # ------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        for key, restore in (
            (SETTINGS_GEOMETRY, self.restoreGeometry),
            (SETTINGS_STATE, self.restoreState),
            (SETTINGS_MAIN_SPLITTER, self.main_splitter.restoreState),
            (SETTINGS_RIGHT_SPLITTER, self.right_splitter.restoreState),
            (SETTINGS_TASK_HEADER, self.task_view.horizontalHeader().restoreState),
        ):
            value = self._settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)

    def save_settings(self) -> None:
        """Remember the window's geometry, splitters, columns and plan."""
        self._settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        self._settings.setValue(SETTINGS_STATE, self.saveState())
        self._settings.setValue(SETTINGS_MAIN_SPLITTER, self.main_splitter.saveState())
        self._settings.setValue(SETTINGS_RIGHT_SPLITTER, self.right_splitter.saveState())
        self._settings.setValue(SETTINGS_TASK_HEADER, self.task_view.horizontalHeader().saveState())
        plan_id = self.current_plan_id()
        if plan_id is not None and not self.is_demo:
            self._settings.setValue(SETTINGS_LAST_PLAN, plan_id)
        self._settings.sync()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_plan(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_plan(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        if not self._actor.is_coordinator:
            dialogs.warning(self, _DROP_TITLE, _DROP_ONLY_COORDINATOR)
        elif not self.import_action.isEnabled():
            self.statusBar().showMessage(_DROP_BUSY, 5000)  # one import at a time
        else:
            self.import_file(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.workbench.confirm_close():
            event.ignore()
            return
        self.workbench.save_settings()
        self.save_settings()
        for window in (self._warnings_dialog, self._detail_dialog):
            if window is not None:
                window.close()
        super().closeEvent(event)


def _dropped_plan(event: QDragEnterEvent | QDropEvent) -> str | None:
    """The local plan document dragged onto the window (one .txt/.docx/.xlsx), if any."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = urls[0].toLocalFile()
    return path if path.lower().endswith(_DROP_SUFFIXES) else None
