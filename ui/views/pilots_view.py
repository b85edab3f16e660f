"""The 试点 tab's layout: the report period, the pilot types against their quota, the
pilots with their lights, and the selected pilot's half-year report (with its review
actions and evaluation), tasks, key projects and experience records.

The view builds widgets only; :class:`ui.pilots.PilotsPanel` connects them and decides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.pilot_models import (
    ExperienceTableModel,
    PilotColumn,
    PilotTableModel,
    PilotTaskModel,
    PilotTypeModel,
    PilotTypeProxy,
    ProjectColumn,
    ProjectTableModel,
)
from ui.views import pilot_texts as t
from ui.views.common import record_table

SECTION_KEYS = ("overall", "innovation", "problems", "next_steps")


def _button(text: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    if tip:
        button.setToolTip(tip)
        button.setStatusTip(tip)
    return button


def _info_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class PilotsView(QWidget):
    """Widgets of the 试点 tab; see the module docstring."""

    def __init__(self, section_labels: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._section_labels = section_labels
        top = self._build_top()
        self.lists = self._build_lists()
        detail = self._build_detail()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("pilots_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.lists)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([330, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    # ------------------------------------------------------------ building

    def _build_top(self) -> QHBoxLayout:
        self.period_combo = QComboBox()
        self.period_combo.setToolTip(t.PERIOD_TIP)
        self.period_combo.setMinimumContentsLength(10)
        label = QLabel(t.PERIOD)
        label.setBuddy(self.period_combo)
        self.summary_label = QLabel()
        self.overview_button = _button(t.EXPORT_OVERVIEW, t.EXPORT_OVERVIEW_TIP)
        self.refresh_button = _button(t.REFRESH)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.period_combo)
        top.addSpacing(12)
        top.addWidget(self.summary_label)
        top.addStretch(1)
        top.addWidget(self.overview_button)
        top.addWidget(self.refresh_button)
        return top

    def _build_lists(self) -> QWidget:
        self.type_model = PilotTypeModel(self)
        self.type_table = record_table(self.type_model, stretch_column=0)
        self.type_table.setMinimumWidth(170)
        self.type_table.setMaximumWidth(260)
        self.pilot_model = PilotTableModel(self)
        self.pilot_proxy = PilotTypeProxy(self)
        self.pilot_proxy.setSourceModel(self.pilot_model)
        self.pilot_table = record_table(self.pilot_proxy, stretch_column=PilotColumn.NAME)
        self.pilot_table.setSortingEnabled(True)
        self.pilot_table.sortByColumn(PilotColumn.TYPE, Qt.SortOrder.AscendingOrder)
        header = self.pilot_table.horizontalHeader()
        for column in PilotColumn:
            if column != PilotColumn.NAME:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.type_table)
        splitter.addWidget(self.pilot_table)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 1200])
        return splitter

    def _build_detail(self) -> QWidget:
        self.header_label = _info_label()
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setDocumentMode(True)
        self.report_page = self._build_report()
        self.tasks_page = self._build_tasks()
        self.projects_page = self._build_projects()
        self.experience_page = self._build_experience()
        self.detail_tabs.addTab(self.report_page, t.REPORT_TAB)
        self.detail_tabs.addTab(self.tasks_page, t.TASKS_TAB)
        self.detail_tabs.addTab(self.projects_page, t.PROJECTS_TAB)
        self.detail_tabs.addTab(self.experience_page, t.EXPERIENCE_TAB)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.header_label)
        layout.addWidget(self.detail_tabs, 1)
        return box

    def _build_report(self) -> QWidget:
        self.state_label = _info_label()
        self.section_edits: dict[str, QPlainTextEdit] = {}
        grid = QGridLayout()
        for index, key in enumerate(SECTION_KEYS):
            edit = QPlainTextEdit()
            edit.setPlaceholderText(t.SECTION_HINTS[key])
            edit.setTabChangesFocus(True)
            label = QLabel(self._section_labels[key])
            label.setBuddy(edit)
            row, column = divmod(index, 2)
            grid.addWidget(label, 2 * row, column)
            grid.addWidget(edit, 2 * row + 1, column)
            self.section_edits[key] = edit
        self.save_button = _button(t.SAVE, t.SAVE_TIP)
        self.submit_button = _button(t.SUBMIT, t.SUBMIT_TIP)
        self.approve_button = _button(t.APPROVE, t.APPROVE_TIP)
        self.accept_button = _button(t.ACCEPT, t.ACCEPT_TIP)
        self.return_button = _button(t.RETURN, t.RETURN_TIP)
        self.export_report_button = _button(t.EXPORT_REPORT, t.EXPORT_REPORT_TIP)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (
            self.export_report_button,
            self.return_button,
            self.approve_button,
            self.accept_button,
            self.save_button,
            self.submit_button,
        ):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.state_label)
        left.addLayout(grid, 1)
        left.addLayout(buttons)
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.addLayout(left, 3)
        layout.addWidget(self._build_evaluation(), 1)
        return page

    def _build_evaluation(self) -> QGroupBox:
        self.evaluation_label = _info_label()
        self.evaluation_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.evaluate_button = _button(t.EVALUATE, t.EVALUATE_TIP)
        self.rectify_button = _button(t.RECTIFY, t.RECTIFY_TIP)
        box = QGroupBox(t.EVALUATION_BOX)
        layout = QVBoxLayout(box)
        layout.addWidget(self.evaluation_label, 1)
        layout.addWidget(self.evaluate_button)
        layout.addWidget(self.rectify_button)
        return box

    def _build_tasks(self) -> QWidget:
        self.task_model = PilotTaskModel(self)
        self.task_table = record_table(self.task_model, stretch_column=2)
        header = self.task_table.horizontalHeader()
        for column in (0, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 220)
        self.tasks_label = QLabel()
        self.tasks_label.setWordWrap(True)
        self.open_plan_button = _button(t.OPEN_PLAN, t.OPEN_PLAN_TIP)
        bottom = QHBoxLayout()
        bottom.addWidget(self.tasks_label, 1)
        bottom.addWidget(self.open_plan_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.task_table, 1)
        layout.addLayout(bottom)
        return page

    def _build_projects(self) -> QWidget:
        self.project_model = ProjectTableModel(self)
        self.project_table = record_table(self.project_model, stretch_column=ProjectColumn.NOTE)
        header = self.project_table.horizontalHeader()
        for column in ProjectColumn:
            if column not in (ProjectColumn.NAME, ProjectColumn.NOTE):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProjectColumn.NAME, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ProjectColumn.NAME, 220)
        self.projects_label = QLabel()
        self.add_project_button = _button(t.ADD_PROJECT)
        self.edit_project_button = _button(t.EDIT_PROJECT)
        self.stage_button = _button(t.STAGE)
        self.note_button = _button(t.NOTE)
        self.export_sheet_button = _button(t.EXPORT_SHEET, t.EXPORT_SHEET_TIP)
        self.import_sheet_button = _button(t.IMPORT_SHEET, t.IMPORT_SHEET_TIP)
        bottom = QHBoxLayout()
        bottom.addWidget(self.projects_label, 1)
        for button in (
            self.export_sheet_button,
            self.import_sheet_button,
            self.add_project_button,
            self.edit_project_button,
            self.stage_button,
            self.note_button,
        ):
            bottom.addWidget(button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.project_table, 1)
        layout.addLayout(bottom)
        return page

    def _build_experience(self) -> QWidget:
        self.experience_model = ExperienceTableModel(self)
        self.experience_table = record_table(self.experience_model, stretch_column=0)
        header = self.experience_table.horizontalHeader()
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.experience_preview = QTextBrowser()
        self.experience_preview.setPlaceholderText(t.EXPERIENCE_PLACEHOLDER)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.experience_table)
        splitter.addWidget(self.experience_preview)
        splitter.setSizes([760, 560])
        self.add_experience_button = _button(t.ADD_EXPERIENCE)
        self.edit_experience_button = _button(t.EDIT_EXPERIENCE)
        self.choose_button = _button(t.CHOOSE, t.CHOOSE_TIP)
        self.promote_button = _button(t.PROMOTE, t.PROMOTE_TIP)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for button in (
            self.add_experience_button,
            self.edit_experience_button,
            self.choose_button,
            self.promote_button,
        ):
            bottom.addWidget(button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        return page

    # ------------------------------------------------------------ filling

    def set_periods(self, periods: list[tuple[str, str]], current: str) -> None:
        """Fill the period selector with (code, name) pairs without emitting a change."""
        self.period_combo.blockSignals(True)
        try:
            self.period_combo.clear()
            for code, name in periods:
                self.period_combo.addItem(name, code)
            self.period_combo.setCurrentIndex(max(self.period_combo.findData(current), 0))
        finally:
            self.period_combo.blockSignals(False)

    def current_period(self) -> str | None:
        """The period code chosen."""
        data = self.period_combo.currentData()
        return data if isinstance(data, str) else None

    def section_texts(self) -> dict[str, str]:
        """The four texts as typed."""
        return {key: edit.toPlainText() for key, edit in self.section_edits.items()}

    def set_section_texts(self, texts: dict[str, str], *, editable: bool) -> None:
        """Show the four texts (read-only unless ``editable``)."""
        for key, edit in self.section_edits.items():
            edit.blockSignals(True)
            edit.setPlainText(texts.get(key, ""))
            edit.setReadOnly(not editable)
            edit.blockSignals(False)
