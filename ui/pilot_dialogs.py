"""The 试点 screen's dialogs (controllers): add or change a key project, move it to another
stage, add or change an experience record, evaluate a pilot, and ask for a short text.
Each lets the service decide and shows a refusal in the dialog, which stays open; each
offers ``ask()`` for the tests to replace. :func:`choose_save_file` is the save-file
chooser of the screen's exports (patched by the tests as well)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import experience, pilot_review, projects
from tracker.services.actor import Actor
from tracker.services.inputs import amount_text
from tracker.services.pilot_terms import terms
from ui.views import pilot_texts as t
from ui.views.pilot_dialogs_view import (
    EvaluateView,
    ExperienceFormView,
    FormDialog,
    ProjectFormView,
    StageView,
    TextView,
    pydate,
    qdate,
)

LAGGING = "lagging"


def _text(value: object) -> str:
    """A stored value as the form shows it: amounts without trailing zeros, "" for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return amount_text(value)
    return str(value)


def choose_save_file(parent: QWidget | None, title: str, name_filter: str, path: str) -> str:
    """A file chooser for writing, starting at ``path``; the path chosen ("" if none)."""
    chosen, _selected = QFileDialog.getSaveFileName(parent, title, path, name_filter)
    return chosen


def _attempt(dialog: FormDialog, step: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """Run the service call of a dialog's 确定: its result, and the dialog accepted; or
    None, the refusal shown in the dialog, which stays open."""
    try:
        result = step()
    except TrackerError as exc:
        dialog.show_message(str(exc))
        return None
    dialog.accept()
    return result


class ProjectDialog(ProjectFormView):
    """Adds a project to a pilot, or changes one (its fields and the period year's
    investment), through :mod:`tracker.services.projects`."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        pilot_id: int,
        year: int,
        project: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = t.PROJECT_ADD_TITLE if project is None else t.PROJECT_EDIT_TITLE
        super().__init__(title, year, parent)
        self._db, self._actor, self._pilot_id, self._year = db, actor, pilot_id, year
        self._project = project
        self.result_: dict[str, Any] | None = None
        if project is not None:
            self._fill(project)
        self.ok_button.clicked.connect(self._on_ok)

    def _fill(self, project: Mapping[str, Any]) -> None:
        for key, edit in self.edits.items():
            value = project.get(key)
            edit.setText(_text(value))
        for row in project.get("investments") or []:
            if row["year"] == self._year:
                self.planned_edit.setText(_text(row["planned"]))
                self.completed_edit.setText(_text(row["completed"]))

    def _on_ok(self) -> None:
        fields = {key: edit.text() for key, edit in self.edits.items()}
        year = {self._year: (self.planned_edit.text(), self.completed_edit.text())}
        project = self._project
        if project is None:
            self.result_ = _attempt(
                self,
                lambda: projects.add_project(
                    self._db, self._actor, self._pilot_id, fields=fields, investments=year
                ),
            )
            return
        self.result_ = _attempt(
            self,
            lambda: projects.update_project(
                self._db,
                self._actor,
                int(project["id"]),
                expect_version=int(project["version"]),
                fields=fields,
                investments=year,
            ),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        db: Database,
        actor: Actor,
        pilot_id: int,
        year: int,
        project: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """``{"project", "warnings"}`` once saved, None when cancelled (tests patch this)."""
        dialog = cls(db, actor, pilot_id, year, project, parent)
        dialog.exec()
        return dialog.result_


class StageDialog(StageView):
    """Moves a project to another stage by the stage rule
    (:func:`tracker.services.projects.change_stage`)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        project: Mapping[str, Any],
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self._today = today or dt.date.today()
        self._names = terms().stages.names
        current = str(project["stage_label"])
        reached = project["stage_dates"].get(current)
        intro = t.STAGE_CURRENT.format(
            name=project["name"],
            stage=current,
            since=t.STAGE_SINCE.format(date=reached) if reached else "",
        )
        super().__init__(intro, self._names[1:], self._today, parent)
        self._db, self._actor, self._project = db, actor, project
        self._current = self._names.index(current)
        self.result_: dict[str, Any] | None = None
        for index, name in enumerate(self._names):
            if index != self._current:
                self.stage_combo.addItem(name, index)
        following = min(self._current + 1, len(self._names) - 1)
        self.stage_combo.setCurrentIndex(max(self.stage_combo.findData(following), 0))
        self.stage_combo.currentIndexChanged.connect(self._on_stage)
        self.ok_button.clicked.connect(self._on_ok)
        self._on_stage()

    def _target(self) -> int:
        return int(self.stage_combo.currentData())

    def _passed(self) -> list[str]:
        """The stages the move passes over (forward by more than one)."""
        return self._names[self._current + 1 : self._target()]

    def _on_stage(self, *_args: object) -> None:
        target = self._target()
        back = target < self._current
        self.date_label.setText(
            t.STAGE_BACK_DATE if back else t.STAGE_DATE.format(stage=self._names[target])
        )
        self.show_passed(self._passed())
        self.show_reason(back)

    def _on_ok(self) -> None:
        target = self._target()
        back = target < self._current
        passed = {s: pydate(self.passed_edits[s].date()) for s in self._passed()}
        self.result_ = _attempt(
            self,
            lambda: projects.change_stage(
                self._db,
                self._actor,
                int(self._project["id"]),
                self._names[target],
                expect_version=int(self._project["version"]),
                on=pydate(self.date_edit.date()),
                reason=self.reason_edit.text() if back else None,
                passed=passed,
                today=self._today,
            ),
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, db: Database, actor: Actor, project: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The project after the change, None when cancelled (tests patch this)."""
        dialog = cls(db, actor, project, parent=parent)
        dialog.exec()
        return dialog.result_


class ExperienceDialog(ExperienceFormView):
    """Adds an experience record to a pilot, or changes one
    (:mod:`tracker.services.experience`)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        pilot_id: int,
        periods: list[tuple[str, str]],
        period: str,
        record: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        kinds = terms().experience_kinds
        title = t.EXPERIENCE_ADD_TITLE if record is None else t.EXPERIENCE_EDIT_TITLE
        super().__init__(title, [(k, kinds.name(k)) for k in kinds.keys], periods, parent)
        self._db, self._actor, self._pilot_id, self._record = db, actor, pilot_id, record
        self.result_: dict[str, Any] | None = None
        self.period_combo.setCurrentIndex(max(self.period_combo.findData(period), 0))
        if record is not None:
            self.title_edit.setText(str(record["title"]))
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(record["kind"]), 0))
            self.period_combo.setCurrentIndex(
                max(self.period_combo.findData(record.get("period") or ""), 0)
            )
            self.tags_edit.setText("、".join(record.get("tags") or []))
            self.summary_edit.setPlainText(str(record["summary"]))
            self.body_edit.setPlainText(str(record["body"]))
            self.chosen_check.setChecked(bool(record["chosen"]))
        self.ok_button.clicked.connect(self._on_ok)

    def _values(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text(),
            "summary": self.summary_edit.toPlainText(),
            "body": self.body_edit.toPlainText(),
            "period": str(self.period_combo.currentData() or ""),
            "tags": self.tags_edit.text(),
            "kind": str(self.kind_combo.currentData()),
            "chosen": self.chosen_check.isChecked(),
        }

    def _on_ok(self) -> None:
        values, record = self._values(), self._record
        if record is None:
            values["period"] = values["period"] or None
            self.result_ = _attempt(
                self,
                lambda: experience.add_experience(self._db, self._actor, self._pilot_id, **values),
            )
            return
        self.result_ = _attempt(
            self,
            lambda: experience.update_experience(
                self._db,
                self._actor,
                int(record["id"]),
                expect_version=int(record["version"]),
                **values,
            ),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        db: Database,
        actor: Actor,
        pilot_id: int,
        periods: list[tuple[str, str]],
        period: str,
        record: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The record once saved, None when cancelled (tests patch this)."""
        dialog = cls(db, actor, pilot_id, periods, period, record, parent)
        dialog.exec()
        return dialog.result_


class EvaluateDialog(EvaluateView):
    """The regional DRC's verdict on a pilot for a period
    (:func:`tracker.services.pilot_review.evaluate_pilot`)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        pilot: Mapping[str, Any],
        period: tuple[str, str],
        current: Mapping[str, Any] | None,
        parent: QWidget | None = None,
    ) -> None:
        verdicts = terms().verdicts
        today = dt.date.today()
        intro = t.EVALUATE_INTRO.format(pilot=pilot["name"], period=period[1])
        super().__init__(intro, [(k, verdicts.name(k)) for k in verdicts.keys], today, parent)
        self._db, self._actor, self._pilot_id, self._period = db, actor, int(pilot["id"]), period
        self._version = int(current["version"]) if current else 0
        self.result_: dict[str, Any] | None = None
        if current:
            self.verdict_combo.setCurrentIndex(
                max(self.verdict_combo.findData(current["verdict"]), 0)
            )
            self.comment_edit.setPlainText(str(current.get("comment") or ""))
            if current.get("deadline"):
                self.deadline_edit.setDate(qdate(dt.date.fromisoformat(current["deadline"])))
        self.verdict_combo.currentIndexChanged.connect(self._on_verdict)
        self.ok_button.clicked.connect(self._on_ok)
        self._on_verdict()

    def _on_verdict(self, *_args: object) -> None:
        self.deadline_edit.setEnabled(self.verdict_combo.currentData() == LAGGING)

    def _on_ok(self) -> None:
        verdict = str(self.verdict_combo.currentData())
        deadline = pydate(self.deadline_edit.date()) if verdict == LAGGING else None
        comment = self.comment_edit.toPlainText()
        self.result_ = _attempt(
            self,
            lambda: pilot_review.evaluate_pilot(
                self._db,
                self._actor,
                self._pilot_id,
                self._period[0],
                verdict,
                expect_version=self._version,
                comment=comment,
                deadline=deadline,
            ),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        db: Database,
        actor: Actor,
        pilot: Mapping[str, Any],
        period: tuple[str, str],
        current: Mapping[str, Any] | None,
    ) -> dict[str, Any] | None:
        """The evaluation once saved, None when cancelled (tests patch this)."""
        dialog = cls(db, actor, pilot, period, current, parent)
        dialog.exec()
        return dialog.result_


class TextDialog(TextView):
    """Asks for one text, prefilled; empty allowed unless ``required``."""

    def __init__(
        self,
        title: str,
        prompt: str,
        text: str = "",
        accept_text: str = t.OK,
        *,
        required: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, prompt, text, accept_text, parent)
        if required:
            self.ok_button.setEnabled(bool(text.strip()))
            self.edit.textChanged.connect(
                lambda: self.ok_button.setEnabled(bool(self.edit.toPlainText().strip()))
            )
        self.ok_button.clicked.connect(self.accept)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        prompt: str,
        text: str = "",
        accept_text: str = t.OK,
        *,
        required: bool = False,
    ) -> str | None:
        """The text entered, None when cancelled (tests patch this)."""
        dialog = cls(title, prompt, text, accept_text, required=required, parent=parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.edit.toPlainText().strip()
