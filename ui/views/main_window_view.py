"""The main window's layout: plan selector, areas, filters, task table, detail pane.

The view only builds widgets and offers small methods to fill them; the controller
(:class:`ui.main_window.MainWindow`) connects the signals and decides what happens.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.models import TaskColumn, UnitRole
from ui.progress_models import AreaProgressModel, PlanTaskModel, PlanTaskProxy, ProgressColumn
from ui.views.common import APP_TITLE
from ui.views.task_detail_view import TaskDetailView

_MENU_FILE = "文件(&F)"
_MENU_PLAN = "方案(&P)"
_MENU_UNITS = "管理(&M)"
_MENU_REPORT = "填报(&R)"
_MENU_VIEW = "视图(&V)"
_MENU_HELP = "帮助(&H)"
_IMPORT = "导入实施方案(&O)…"
_IMPORT_TIP = (
    "读取 .txt / .docx / .xlsx / .pdf 格式（旧版 .doc / .wps / .xls / .et 经 LibreOffice 转换）"
    "的实施方案，预览任务分工后导入"
)
_WARNINGS = "导入警告(&W)…"
_WARNINGS_TIP = "查看导入当前实施方案时，程序无法确定、需要人工核对的地方"
_QUIT = "退出(&Q)"
_ARCHIVE = "归档当前方案(&A)…"
_ARCHIVE_TIP = "归档：方案不再列出，只能查看、不能修改；可随时恢复"
_UNARCHIVE = "恢复当前方案(&R)"
_UNARCHIVE_TIP = "把已归档的方案恢复为使用中"
_DELETE = "删除当前方案(&D)…"
_DELETE_TIP = "删除方案及其任务和报告期；已有填报的方案须说明理由，建议改为归档"
_HISTORY = "修订历史(&H)…"
_HISTORY_TIP = "该方案各版的来源文件及每版的变动"
_SHOW_ARCHIVED = "显示已归档的方案"
# 文件 menu mnemonics: O W X M T P E D G C Q (导入警告 has W, 导出 X, 导入填报表 M,
# 打印工作台账 T, 打印填报单 P)
_OPEN_DEMO = "打开示例数据库(&D)"
_OPEN_DEMO_TIP = "查看示例市的方案和填报（虚构数据，单独保存，不影响工作数据库）"
_OPEN_WORK = "返回工作数据库(&G)"
_OPEN_WORK_TIP = "离开示例数据库，回到您自己的数据库"
_PASSWORD = "修改密码(&C)…"
_PASSWORD_TIP = "修改当前登录用户的密码"
_UNITS = "单位与别名(&A)…"
_UNITS_TIP = "查看全部单位及其别名，添加别名，合并同一单位的不同名称"
_FIND = "查找任务(&F)"
_SAVE = "保存草稿(&S)"
_SUBMIT = "报送(&B)…"
_PRINT = "打印填报单(&P)…"
_PRINT_TIP = "打印所选任务的进展填报单（A4）；打印工作台账见“打印工作台账…”（Ctrl+P）"
_PREFERENCES = "首选项(&E)…"
_PERIODS = "报告期(&P)…"
_PERIODS_TIP = "修改截止日期，锁定报告期，或说明理由后重新开放"
_ACCOUNTS = "用户账户(&C)…"
_ACCOUNTS_TIP = "添加用户，重置密码"
_SETTINGS = "共享设置(&S)…"
_SETTINGS_TIP = (
    "状态词表（名称、说明、颜色、推进程度）、默认截止日期、催办提前天数、密码长度、佐证材料大小上限"
)
_PERIOD = "报告期："
_PERIOD_TIP = "选择要填报或查看的报告期"
_ALL_STATUSES = "全部状态"
_ONLY_LATE = "只看逾期"
_ONLY_LATE_TIP = "只显示已过截止日期、仍有单位未报送的任务（红灯）"
_TASKS_TAB = "任务"
_DETAIL_TAB = "任务详情"
_REFRESH = "刷新(&R)"
_CLEAR_FILTERS = "清除筛选"
_ABOUT = "关于(&A)"
_PLAN = "实施方案："
_PLAN_TIP = "选择要查看的实施方案"
_SEARCH_HINT = "搜索序号、措施、内容或单位（Ctrl+F）"
_UNIT = "单位："
_ALL_UNITS = "全部单位"
_ROLE_CHOICES = (
    (UnitRole.ANY, "牵头或配合"),
    (UnitRole.LEAD, "仅牵头"),
    (UnitRole.COOPERATING, "仅配合"),
)
_NO_PLAN = "（尚未导入实施方案）"
_WIDEST_LIGHT = "逾期 999 天"


def _with_key(key: str, standard: QKeySequence.StandardKey) -> list[QKeySequence]:
    """``key`` first, then the platform's keys for ``standard`` (without repeating ``key``)."""
    first = QKeySequence(key)
    return [first, *(k for k in QKeySequence.keyBindings(standard) if k != first)]


class MainWindowView(QMainWindow):
    """Widgets of the main window; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self.resize(1440, 900)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()
        self._set_tab_order()

    # ------------------------------------------------------------ building

    def _build_actions(self) -> None:
        style = self.style()
        self.import_action = QAction(_IMPORT, self)
        self.import_action.setShortcuts(_with_key("Ctrl+I", QKeySequence.StandardKey.Open))
        self.import_action.setToolTip(_IMPORT_TIP)
        self.import_action.setStatusTip(_IMPORT_TIP)
        self.import_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.warnings_action = QAction(_WARNINGS, self)
        self.warnings_action.setToolTip(_WARNINGS_TIP)
        self.warnings_action.setStatusTip(_WARNINGS_TIP)
        self.warnings_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        self.demo_action = QAction(_OPEN_DEMO, self)
        self.demo_action.setToolTip(_OPEN_DEMO_TIP)
        self.demo_action.setStatusTip(_OPEN_DEMO_TIP)
        self.work_action = QAction(_OPEN_WORK, self)
        self.work_action.setToolTip(_OPEN_WORK_TIP)
        self.work_action.setStatusTip(_OPEN_WORK_TIP)
        self.password_action = QAction(_PASSWORD, self)
        self.password_action.setToolTip(_PASSWORD_TIP)
        self.password_action.setStatusTip(_PASSWORD_TIP)
        self.quit_action = QAction(_QUIT, self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.units_action = QAction(_UNITS, self)
        self.units_action.setToolTip(_UNITS_TIP)
        self.units_action.setStatusTip(_UNITS_TIP)
        self.units_action.setIcon(
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        )
        self.find_action = QAction(_FIND, self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.refresh_action = QAction(_REFRESH, self)
        self.refresh_action.setShortcuts(_with_key("F5", QKeySequence.StandardKey.Refresh))
        self.refresh_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.clear_filters_action = QAction(_CLEAR_FILTERS, self)
        self.clear_filters_action.setIcon(
            style.standardIcon(QStyle.StandardPixmap.SP_DialogResetButton)
        )
        self.save_action = QAction(_SAVE, self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        self.submit_action = QAction(_SUBMIT, self)
        self.print_action = QAction(_PRINT, self)
        # Ctrl+P prints the task view's document, the 工作台账 (ui.outputs); the one
        # report under the table has its own key.
        self.print_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.print_action.setToolTip(_PRINT_TIP)
        self.print_action.setStatusTip(_PRINT_TIP)
        self.preferences_action = QAction(_PREFERENCES, self)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.periods_action = QAction(_PERIODS, self)
        self.periods_action.setToolTip(_PERIODS_TIP)
        self.periods_action.setStatusTip(_PERIODS_TIP)
        self.accounts_action = QAction(_ACCOUNTS, self)
        self.accounts_action.setToolTip(_ACCOUNTS_TIP)
        self.accounts_action.setStatusTip(_ACCOUNTS_TIP)
        self.settings_action = QAction(_SETTINGS, self)
        self.settings_action.setToolTip(_SETTINGS_TIP)
        self.settings_action.setStatusTip(_SETTINGS_TIP)
        self.about_action = QAction(_ABOUT, self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.archive_action = QAction(_ARCHIVE, self)
        self.unarchive_action = QAction(_UNARCHIVE, self)
        self.delete_action = QAction(_DELETE, self)
        self.history_action = QAction(_HISTORY, self)
        for action, tip in (
            (self.archive_action, _ARCHIVE_TIP),
            (self.unarchive_action, _UNARCHIVE_TIP),
            (self.delete_action, _DELETE_TIP),
            (self.history_action, _HISTORY_TIP),
        ):
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.show_archived_action = QAction(_SHOW_ARCHIVED, self)
        self.show_archived_action.setCheckable(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_MENU_FILE)
        self.file_menu = file_menu
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.warnings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_action)
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addAction(self.work_action)
        file_menu.addSeparator()
        file_menu.addAction(self.password_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        report_menu = bar.addMenu(_MENU_REPORT)
        report_menu.addAction(self.save_action)
        report_menu.addAction(self.submit_action)
        view_menu = bar.addMenu(_MENU_VIEW)
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.clear_filters_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        view_menu.addAction(self.show_archived_action)
        plan_menu = bar.addMenu(_MENU_PLAN)
        plan_menu.addAction(self.history_action)
        plan_menu.addSeparator()
        plan_menu.addAction(self.archive_action)
        plan_menu.addAction(self.unarchive_action)
        plan_menu.addAction(self.delete_action)
        units_menu = bar.addMenu(_MENU_UNITS)
        self.manage_menu = units_menu
        units_menu.addAction(self.periods_action)
        units_menu.addAction(self.accounts_action)
        units_menu.addAction(self.settings_action)
        units_menu.addAction(self.units_action)
        help_menu = bar.addMenu(_MENU_HELP)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar()
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(toolbar)
        plan_label = QLabel(_PLAN)
        plan_label.setContentsMargins(6, 0, 4, 0)
        toolbar.addWidget(plan_label)
        self.plan_combo = QComboBox()
        self.plan_combo.setToolTip(_PLAN_TIP)
        self.plan_combo.setMinimumContentsLength(42)
        self.plan_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        plan_label.setBuddy(self.plan_combo)
        toolbar.addWidget(self.plan_combo)
        period_label = QLabel(_PERIOD)
        period_label.setContentsMargins(10, 0, 4, 0)
        toolbar.addWidget(period_label)
        self.period_combo = QComboBox()
        self.period_combo.setToolTip(_PERIOD_TIP)
        self.period_combo.setMinimumContentsLength(30)  # 2026年全年（截止 2027-01-10，当前） whole
        self.period_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        period_label.setBuddy(self.period_combo)
        toolbar.addWidget(self.period_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.save_action)
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.warnings_action)
        toolbar.addAction(self.units_action)
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)

    def _build_filter_bar(self) -> QWidget:
        bar = QWidget()
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_SEARCH_HINT)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(180)
        layout.addWidget(self.search_edit, 3)
        unit_label = QLabel(_UNIT)
        layout.addWidget(unit_label)
        self.unit_combo = QComboBox()
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_combo.setMinimumContentsLength(10)
        self.unit_combo.setMaxVisibleItems(25)
        unit_edit = self.unit_combo.lineEdit()
        assert unit_edit is not None  # the combo is editable
        self.unit_edit: QLineEdit = unit_edit
        completer = QCompleter(self.unit_combo.model(), self.unit_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.unit_combo.setCompleter(completer)
        unit_label.setBuddy(self.unit_combo)
        layout.addWidget(self.unit_combo, 2)
        self.role_combo = QComboBox()
        for role, text in _ROLE_CHOICES:
            self.role_combo.addItem(text, role)
        layout.addWidget(self.role_combo)
        self.status_combo = QComboBox()
        self.status_combo.setMinimumContentsLength(6)
        layout.addWidget(self.status_combo)
        self.late_check = QCheckBox(_ONLY_LATE)
        self.late_check.setToolTip(_ONLY_LATE_TIP)
        layout.addWidget(self.late_check)
        self.clear_filters_button = QToolButton()
        self.clear_filters_button.setDefaultAction(self.clear_filters_action)
        self.clear_filters_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        layout.addWidget(self.clear_filters_button)
        return bar

    def _build_central(self) -> None:
        self.area_model = AreaProgressModel(self)
        self.area_view = QTreeView()
        self.area_view.setModel(self.area_model)
        self.area_view.setRootIsDecorated(False)
        self.area_view.setUniformRowHeights(True)
        self.area_view.setAllColumnsShowFocus(True)
        self.area_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.area_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        area_header = self.area_view.header()
        area_header.setStretchLastSection(False)
        area_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        area_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.area_view.setIconSize(QSize(14, 14))

        self.task_model = PlanTaskModel(self)
        self.task_proxy = PlanTaskProxy(self)
        self.task_proxy.setSourceModel(self.task_model)
        self.task_view = QTableView()
        self.task_view.setModel(self.task_proxy)
        self.task_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.task_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.task_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.task_view.setSortingEnabled(True)
        self.task_view.sortByColumn(TaskColumn.CODE, Qt.SortOrder.AscendingOrder)
        self.task_view.setWordWrap(False)
        self.task_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.task_view.setAlternatingRowColors(True)
        self.task_view.verticalHeader().setVisible(False)
        self.task_view.verticalHeader().setDefaultSectionSize(
            self.task_view.fontMetrics().height() + 10
        )
        header = self.task_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # The 催办 cell holds a light and "逾期 143 天": wide enough for three digits.
        metrics = self.task_view.fontMetrics()
        light_width = metrics.horizontalAdvance(_WIDEST_LIGHT) + 14 + 28
        widths = {
            TaskColumn.CODE: 64,
            TaskColumn.AREA: 150,
            TaskColumn.MEASURE: 180,
            TaskColumn.LEAD: 130,
            TaskColumn.COOPERATING: 160,
            TaskColumn.TARGETS: 64,
            ProgressColumn.STATUS: 80,
            ProgressColumn.REPORTS: 100,
            ProgressColumn.UPDATED: 124,
            ProgressColumn.LIGHT: light_width,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(TaskColumn.CONTENT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        # The area is in the list on the left and the targets in the detail: hidden until
        # chosen in the header's menu (right click), to leave room for the period columns.
        for column in (TaskColumn.AREA, TaskColumn.TARGETS):
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.detail_view = TaskDetailView()

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        self.period_label.setTextFormat(Qt.TextFormat.RichText)
        table_layout.addWidget(self.period_label)
        table_layout.addWidget(self._build_filter_bar())
        table_layout.addWidget(self.task_view, 1)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.setObjectName("right_splitter")
        self.right_splitter.addWidget(table_box)
        self.task_tabs = QTabWidget()
        self.task_tabs.setDocumentMode(True)
        self.task_tabs.addTab(self.detail_view, _DETAIL_TAB)
        self.right_splitter.addWidget(self.task_tabs)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.right_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.area_view)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([260, 1180])
        self.right_splitter.setSizes([330, 520])
        self.main_splitter.setContentsMargins(6, 6, 6, 6)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.main_splitter, _TASKS_TAB)
        self.setCentralWidget(self.tabs)

    def _set_tab_order(self) -> None:
        """Tab goes as the eye does: plan and period, the filters, the areas, the table,
        then the report form under it."""
        chain = [
            self.plan_combo,
            self.period_combo,
            self.search_edit,
            self.unit_combo,
            self.role_combo,
            self.status_combo,
            self.late_check,
            self.clear_filters_button,
            self.area_view,
            self.task_view,
            self.task_tabs,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.demo_label = QLabel()
        self.demo_label.setStyleSheet(
            "QLabel { background: #fff3cd; color: #5c4400; padding: 1px 8px; }"
        )
        self.demo_label.setVisible(False)
        status.addWidget(self.demo_label)
        self.count_label = QLabel()
        self.user_label = QLabel()
        self.database_label = QLabel()
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status.addWidget(self.count_label, 1)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.database_label)

    # ------------------------------------------------------------ filling

    def set_plans(self, plans: list[tuple[int, str]], current: int | None) -> None:
        """Fill the plan selector with (id, label) pairs without emitting a change."""
        self.plan_combo.blockSignals(True)
        try:
            self.plan_combo.clear()
            for plan_id, label in plans:
                self.plan_combo.addItem(label, plan_id)
                self.plan_combo.setItemData(
                    self.plan_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole
                )
            if not plans:
                self.plan_combo.addItem(_NO_PLAN, None)
            index = self.plan_combo.findData(current) if current is not None else 0
            self.plan_combo.setCurrentIndex(max(index, 0))
            self.plan_combo.setEnabled(bool(plans))
        finally:
            self.plan_combo.blockSignals(False)

    def current_plan_id(self) -> int | None:
        """The id of the plan chosen in the selector."""
        data = self.plan_combo.currentData()
        return data if isinstance(data, int) else None

    def set_units(self, units: list[tuple[str, int]], current: str | None) -> None:
        """Fill the unit filter with (name, task count) pairs without emitting a change."""
        self.unit_combo.blockSignals(True)
        try:
            self.unit_combo.clear()
            self.unit_combo.addItem(_ALL_UNITS, None)
            for name, count in units:
                self.unit_combo.addItem(f"{name}（{count}）", name)
            index = self.unit_combo.findData(current) if current is not None else 0
            self.unit_combo.setCurrentIndex(max(index, 0))
        finally:
            self.unit_combo.blockSignals(False)

    def current_unit(self) -> str | None:
        """The unit chosen in the unit filter (None: all units)."""
        data = self.unit_combo.currentData()
        return data if isinstance(data, str) else None

    def current_role(self) -> UnitRole:
        """The role chosen next to the unit filter."""
        return UnitRole(self.role_combo.currentData())

    def set_periods(self, periods: list[tuple[int, str]], current: int | None) -> None:
        """Fill the period selector with (id, label) pairs without emitting a change."""
        self.period_combo.blockSignals(True)
        try:
            self.period_combo.clear()
            for period_id, label in periods:
                self.period_combo.addItem(label, period_id)
            index = self.period_combo.findData(current) if current is not None else -1
            self.period_combo.setCurrentIndex(max(index, 0))
            self.period_combo.setEnabled(bool(periods))
        finally:
            self.period_combo.blockSignals(False)

    def current_period_id(self) -> int | None:
        """The id of the period chosen in the selector."""
        data = self.period_combo.currentData()
        return data if isinstance(data, int) else None

    def set_statuses(self, statuses: list[str], current: str | None) -> None:
        """Fill the status filter without emitting a change."""
        self.status_combo.blockSignals(True)
        try:
            self.status_combo.clear()
            self.status_combo.addItem(_ALL_STATUSES, None)
            for status in statuses:
                self.status_combo.addItem(status, status)
            index = self.status_combo.findData(current) if current is not None else 0
            self.status_combo.setCurrentIndex(max(index, 0))
        finally:
            self.status_combo.blockSignals(False)

    def current_status(self) -> str | None:
        """The status chosen in the status filter (None: any)."""
        data = self.status_combo.currentData()
        return data if isinstance(data, str) else None
