"""Layouts of the 试点 screen's dialogs: a key project, its change of stage, an experience
record, an evaluation, and a short text (a period's note, a correction's note). Each shows
a refusal of the service in its own message line and stays open
(:mod:`ui.pilot_dialogs` holds the controllers)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views import pilot_texts as t

_MESSAGE_STYLE = "QLabel { color: #c62828; }"


def qdate(day: dt.date) -> QDate:
    """A date for a QDateEdit."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """The date a QDateEdit shows."""
    return dt.date(value.year(), value.month(), value.day())


def date_edit(today: dt.date, *, latest: dt.date | None = None) -> QDateEdit:
    """A date field with a calendar, written 2025-03-01, never after ``latest``."""
    edit = QDateEdit(qdate(today))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


class FormDialog(QDialog):
    """A dialog with a form, a message line for refusals, and 确定 / 取消."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(_MESSAGE_STYLE)
        self.message_label.setVisible(False)
        buttons = QDialogButtonBox()
        self.ok_button: QPushButton = buttons.addButton(
            t.OK, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button: QPushButton = buttons.addButton(
            t.CANCEL, QDialogButtonBox.ButtonRole.RejectRole
        )
        self.ok_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message_label)
        self.layout_.addWidget(buttons)

    def add_note(self, text: str) -> None:
        """A grey explanation above the buttons."""
        note = QLabel(text)
        note.setWordWrap(True)
        note.setStyleSheet("QLabel { color: #555; }")
        self.layout_.insertWidget(1, note)

    def show_message(self, text: str) -> None:
        """Show why the service refused (the dialog stays open)."""
        self.message_label.setText(text)
        self.message_label.setVisible(True)


class ProjectFormView(FormDialog):
    """The fields of a key project and the investment of one year."""

    def __init__(self, title: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in t.PROJECT_FIELDS.items():
            edit = QLineEdit()
            if key.startswith("planned_"):
                edit.setPlaceholderText(t.DATE_HINT)
            elif key in ("total_investment", "expected_reduction"):
                edit.setPlaceholderText(t.AMOUNT_HINT)
            self.form.addRow(label, edit)
            self.edits[key] = edit
        self.planned_edit = QLineEdit()
        self.completed_edit = QLineEdit()
        for edit in (self.planned_edit, self.completed_edit):
            edit.setPlaceholderText(t.AMOUNT_HINT)
        self.form.addRow(t.PROJECT_YEAR_PLANNED.format(year=year), self.planned_edit)
        self.form.addRow(t.PROJECT_YEAR_COMPLETED.format(year=year), self.completed_edit)
        self.add_note(t.PROJECT_NOTE)


class StageView(FormDialog):
    """The stage to move to, its date, the dates of stages passed over, a reason."""

    def __init__(
        self, intro: str, stages: list[str], today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(t.STAGE_TITLE, parent)
        intro_label = QLabel(intro)
        intro_label.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(intro_label)
        self.stage_combo = QComboBox()
        self.form.addRow(t.STAGE_TO, self.stage_combo)
        self.date_label = QLabel()
        self.date_edit = date_edit(today, latest=today)
        self.form.addRow(self.date_label, self.date_edit)
        self.passed_edits: dict[str, QDateEdit] = {}
        self.passed_labels: dict[str, QLabel] = {}
        for stage in stages:
            label = QLabel(t.STAGE_PASSED.format(stage=stage))
            edit = date_edit(today, latest=today)
            self.form.addRow(label, edit)
            self.passed_edits[stage] = edit
            self.passed_labels[stage] = label
        self.reason_label = QLabel(t.STAGE_REASON)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(t.STAGE_REASON_HINT)
        self.form.addRow(self.reason_label, self.reason_edit)
        self.add_note(t.STAGE_RULE)

    def show_passed(self, stages: list[str]) -> None:
        """Show the date fields of the stages passed over (and no others)."""
        for stage, edit in self.passed_edits.items():
            self.form.setRowVisible(edit, stage in stages)

    def show_reason(self, shown: bool) -> None:
        """Show the reason field (going back)."""
        self.form.setRowVisible(self.reason_edit, shown)


class ExperienceFormView(FormDialog):
    """The fields of an experience record."""

    def __init__(
        self,
        title: str,
        kinds: list[tuple[str, str]],
        periods: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(620)
        labels = t.EXPERIENCE_FIELDS
        self.title_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for key, name in kinds:
            self.kind_combo.addItem(name, key)
        self.period_combo = QComboBox()
        self.period_combo.addItem(t.EXPERIENCE_NO_PERIOD, "")
        for code, name in periods:
            self.period_combo.addItem(name, code)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(t.TAGS_HINT)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setFixedHeight(64)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(140)
        self.chosen_check = QCheckBox(labels["chosen"])
        self.form.addRow(labels["title"], self.title_edit)
        self.form.addRow(labels["kind"], self.kind_combo)
        self.form.addRow(labels["period"], self.period_combo)
        self.form.addRow(labels["tags"], self.tags_edit)
        self.form.addRow(labels["summary"], self.summary_edit)
        self.form.addRow(labels["body"], self.body_edit)
        self.form.addRow("", self.chosen_check)


class EvaluateView(FormDialog):
    """The verdict, the deadline to correct by (进度滞后), the comment."""

    def __init__(
        self, intro: str, verdicts: list[tuple[str, str]], today: dt.date, parent: QWidget | None
    ) -> None:
        super().__init__(t.EVALUATE_TITLE, parent)
        self.form.addRow(QLabel(intro))
        self.verdict_combo = QComboBox()
        for key, name in verdicts:
            self.verdict_combo.addItem(name, key)
        self.deadline_edit = date_edit(today + dt.timedelta(days=30))
        self.deadline_edit.setMinimumDate(qdate(today))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMinimumHeight(90)
        self.form.addRow(t.EVALUATE_VERDICT, self.verdict_combo)
        self.form.addRow(t.EVALUATE_DEADLINE, self.deadline_edit)
        self.form.addRow(t.EVALUATE_COMMENT, self.comment_edit)
        self.add_note(t.EVALUATE_NOTE)


class TextView(FormDialog):
    """One text, prefilled (a period's note, a correction's note)."""

    def __init__(
        self, title: str, prompt: str, text: str, accept_text: str, parent: QWidget | None
    ) -> None:
        super().__init__(title, parent)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit(text)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        self.form.addRow(label)
        self.form.addRow(self.edit)
        self.ok_button.setText(accept_text)
