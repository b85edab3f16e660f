"""The 试点 tab (controller): every pilot the account may see, by type against the quota,
with its lights (half-year report owed, correction order open); the selected pilot's
half-year report with the review actions of the account's role, its evaluation, its plan's
tasks, key projects and experience records; and the exports (the pilot report, the DRC's
overview, the project sheet) and the project sheet's import, run by the one background
helper (:mod:`ui.worker`) with a cancellable progress dialog.

Rights are the services' (:mod:`tracker.services.pilot_access`); the tab only hides what
an account can never do and disables what the report's state does not allow now:

* a pilot body (``pilot_body``) sees its own pilot, writes and submits its report, keeps
  its projects and experience records;
* a city DRC (``city_drc``) sees its region's pilots and approves or returns their reports;
* a coordinator (the regional DRC) does everything: accepts or returns, evaluates, marks a
  correction done, marks an experience record for 推广.

:func:`add_pilots_tab` wires the tab into the main window.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Signal,
)
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import NotFound, TrackerError
from tracker.outputs.common import safe_file_name
from tracker.outputs.pilot_report import export_pilot_report
from tracker.outputs.pilots_overview import export_overview
from tracker.outputs.projects import export_projects, import_projects
from tracker.services import (
    experience,
    pilot_overview,
    pilot_review,
    pilots,
    plans,
    projects,
    task_state,
)
from tracker.services.access import period_name
from tracker.services.actor import Actor
from tracker.services.pilot_terms import terms
from ui import dialogs, errors
from ui.models import ROW_ROLE
from ui.pilot_dialogs import (
    EvaluateDialog,
    ExperienceDialog,
    ProjectDialog,
    StageDialog,
    TextDialog,
    choose_save_file,
)
from ui.pilot_models import money, verdict_color
from ui.stale import ReadsWhenShown
from ui.views import pilot_texts as t
from ui.views.pilots_view import PilotsView
from ui.views.report_form_view import TextInputDialog
from ui.worker import BackgroundTask, run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SETTINGS_SPLITTER = "pilots/splitter"
SETTINGS_FOLDER = "pilots/export_folder"
EDITABLE = (pilot_review.STATE_NONE, *pilot_review.EDITABLE)


class PilotsPanel(PilotsView, ReadsWhenShown):
    """See the module docstring. ``plan_requested`` asks the main window to show a plan
    (a pilot's plan) in its task tab."""

    plan_requested = Signal(int)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(dict(terms().report_sections), parent)
        self._db, self._actor, self._settings = db, actor, settings
        self._today = today or dt.date.today()
        self._data: dict[str, Any] | None = None
        self._pilot: dict[str, Any] | None = None  # the overview's entry of the selection
        self._report: dict[str, Any] | None = None
        self._stale = True
        self._reverting = False
        self.last_task: BackgroundTask | None = None
        self._periods: list[tuple[str, str]] = []
        self._shown_period = ""
        self._saved_texts: dict[str, str] = {}
        self._apply_role()
        self._connect()
        self._restore()

    # ------------------------------------------------------------ set-up

    def _apply_role(self) -> None:
        """Hide what this account can never do (the services refuse it anyway)."""
        actor = self._actor
        keeper = actor.is_coordinator or actor.is_pilot_body
        for button in (
            self.save_button,
            self.submit_button,
            self.add_project_button,
            self.edit_project_button,
            self.stage_button,
            self.note_button,
            self.export_sheet_button,
            self.import_sheet_button,
            self.add_experience_button,
            self.edit_experience_button,
            self.choose_button,
        ):
            button.setVisible(keeper)
        self.approve_button.setVisible(actor.is_coordinator or actor.is_city_drc)
        self.return_button.setVisible(actor.is_coordinator or actor.is_city_drc)
        for button in (
            self.accept_button,
            self.evaluate_button,
            self.rectify_button,
            self.promote_button,
        ):
            button.setVisible(actor.is_coordinator)
        for widget in (self.lists, self.summary_label, self.overview_button):
            widget.setVisible(not actor.is_pilot_body)  # its one pilot: nothing to choose

    def _connect(self) -> None:
        self.period_combo.currentIndexChanged.connect(self._on_period)
        self.refresh_button.clicked.connect(self.load)
        self.overview_button.clicked.connect(self.export_overview)
        self.type_table.selectionModel().currentRowChanged.connect(self._on_type)
        self.pilot_table.selectionModel().currentRowChanged.connect(self._on_pilot)
        self.save_button.clicked.connect(self.save_report)
        self.submit_button.clicked.connect(self.submit_report)
        self.approve_button.clicked.connect(self.approve_report)
        self.accept_button.clicked.connect(self.accept_report)
        self.return_button.clicked.connect(self.return_report)
        self.export_report_button.clicked.connect(self.export_report)
        self.evaluate_button.clicked.connect(self.evaluate)
        self.rectify_button.clicked.connect(self.rectify)
        self.open_plan_button.clicked.connect(self._on_open_plan)
        self.add_project_button.clicked.connect(self.add_project)
        self.edit_project_button.clicked.connect(self.edit_project)
        self.stage_button.clicked.connect(self.change_stage)
        self.note_button.clicked.connect(self.edit_note)
        self.export_sheet_button.clicked.connect(self.export_sheet)
        self.import_sheet_button.clicked.connect(self.import_sheet)
        self.project_table.selectionModel().currentRowChanged.connect(self._update_projects)
        self.project_table.activated.connect(lambda _index: self.edit_project())
        self.add_experience_button.clicked.connect(self.add_experience)
        self.edit_experience_button.clicked.connect(self.edit_experience)
        self.choose_button.clicked.connect(self.toggle_chosen)
        self.promote_button.clicked.connect(self.toggle_promoted)
        self.experience_table.selectionModel().currentRowChanged.connect(self._on_experience)
        self.experience_table.activated.connect(lambda _index: self.edit_experience())
        for edit in self.section_edits.values():
            edit.textChanged.connect(self._update_report_actions)

    def _restore(self) -> None:
        value = self._settings.value(SETTINGS_SPLITTER)
        if isinstance(value, QByteArray) and not value.isEmpty():
            self.splitter.restoreState(value)

    def save_settings(self) -> None:
        """Remember the splitter."""
        self._settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())

    # ------------------------------------------------------------ loading

    def period(self) -> tuple[str, str]:
        """The period shown: (code, name)."""
        code = self.current_period() or pilot_review.latest_ended_period(self._today)
        return code, period_name(int(code[:4]), int(code[-1]))

    def load(self) -> None:
        """Read the overview of the period and show it, keeping the pilot selected."""
        self._stale = False
        if not self._periods:
            self._fill_periods()
        keep = self._pilot["id"] if self._pilot else self._actor.pilot_id
        try:
            self._data = pilot_overview.overview(
                self._db, self._actor, self.period()[0], today=self._today
            )
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        entries = self._data["pilots"]
        self.pilot_model.set_records(entries)
        self.type_model.set_types(self._data["by_type"], self.pilot_model.type_lights())
        self._show_summary(entries)
        self._select_pilot(keep)

    def _fill_periods(self) -> None:
        listed = pilots.list_pilots(self._db, self._actor)
        years = [int(p["approved_on"][:4]) for p in listed if p["approved_on"]]
        codes = pilot_review.periods_since(min(years, default=self._today.year), self._today)
        self._periods = [(c, period_name(int(c[:4]), int(c[-1]))) for c in reversed(codes)]
        self.set_periods(self._periods, pilot_review.latest_ended_period(self._today))

    def _show_summary(self, entries: list[dict[str, Any]]) -> None:
        owed = [e for e in entries if e["report"]["light"]]
        self.summary_label.setText(
            t.SUMMARY.format(
                count=len(entries),
                sent=sum(1 for e in entries if e["report"]["state"] not in EDITABLE),
                owed=len(owed),
                late=sum(1 for e in owed if e["report"]["overdue"]),
                open=sum(1 for e in entries if (e["evaluation"] or {}).get("light")),
            )
        )

    def _select_pilot(self, pilot_id: int | None) -> None:
        row = self.pilot_model.row_of(pilot_id) if pilot_id is not None else None
        index = self.pilot_proxy.mapFromSource(self.pilot_model.index(row or 0, 0))
        if not index.isValid() and self.pilot_proxy.rowCount():
            index = self.pilot_proxy.index(0, 0)
        self._reverting = True  # the texts were dealt with before the reload
        try:
            self.pilot_table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._reverting = False
        self._show_pilot(self._entry_at(index))

    def select_pilot(self, pilot_id: int) -> None:
        """Show ``pilot_id`` (as a click in the list does)."""
        self.load_if_stale()
        self.type_table.selectRow(0)
        self._select_pilot(pilot_id)

    def _entry_at(self, index: QModelIndex) -> dict[str, Any] | None:
        entry = index.data(ROW_ROLE) if index.isValid() else None
        return dict(entry) if entry else None

    # ------------------------------------------------------------ selection

    def _on_period(self, _index: int) -> None:
        if self._reverting:
            return
        if not self.confirm_leave():
            self._reverting = True
            self.period_combo.setCurrentIndex(self.period_combo.findData(self._shown_period))
            self._reverting = False
            return
        self.load()

    def _on_type(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.pilot_proxy.set_type(self.type_model.type_key(current.row()))
        keep = self._pilot["id"] if self._pilot else None
        self._select_pilot(keep)

    def _on_pilot(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._reverting:
            return
        entry = self._entry_at(current)
        if self._pilot and entry and entry["id"] == self._pilot["id"]:
            return
        if not self.confirm_leave():
            self._reverting = True
            self.pilot_table.selectionModel().setCurrentIndex(
                previous,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._reverting = False
            return
        if self._stale:
            self._pilot = entry
            self.load()  # keeps ``entry`` selected
        else:
            self._show_pilot(entry)

    def _show_pilot(self, entry: dict[str, Any] | None) -> None:
        """Read and show one pilot's report, tasks, projects and experience records."""
        self._pilot = entry
        self._shown_period = self.period()[0]
        if entry is None:
            self.header_label.setText(t.NO_PILOT)
            self._report = None
            self.set_section_texts({}, editable=False)
            for model in (self.task_model, self.project_model, self.experience_model):
                model.set_records([])
            self._update_report_actions()
            return
        try:
            self._show_header(entry)
            self._show_report()
            self._show_tasks()
            self._show_projects()
            self._show_experience()
        except TrackerError as exc:
            errors.show_error(exc, self)

    def _show_header(self, entry: Mapping[str, Any]) -> None:
        pilot = pilots.get_pilot(self._db, self._actor, entry["id"])
        plan = t.HEADER_PLAN.format(title=pilot["plan_title"]) if pilot["plan_title"] else ""
        self.header_label.setText(
            t.HEADER.format(
                name=html.escape(pilot["name"]),
                type=pilot["type_label"],
                region=html.escape(pilot["region"]),
                supervisor=html.escape(pilot["supervisor"]),
                status=pilot["status_label"],
                approved=pilot["approved_on"] or "—",
                plan=html.escape(plan) or t.HEADER_NO_PLAN,
            )
        )

    # ------------------------------------------------------------ the report

    def _show_report(self) -> None:
        assert self._pilot is not None
        self._report = pilot_review.get_pilot_report(
            self._db, self._actor, self._pilot["id"], self.period()[0], today=self._today
        )
        texts = {key: s["text"] for key, s in self._report["sections"].items()}
        self.set_section_texts(texts, editable=self._may_edit())
        self._saved_texts = self.section_texts()
        self.state_label.setText(_state_html(self._report, self._note()))
        self.evaluation_label.setText(_evaluation_html(self._pilot.get("evaluation")))
        self._update_report_actions()

    def _keeper(self) -> bool:
        pilot_id = self._pilot["id"] if self._pilot else None
        return self._actor.is_coordinator or (
            self._actor.is_pilot_body and self._actor.pilot_id == pilot_id
        )

    def _may_edit(self) -> bool:
        return bool(self._report) and self._keeper() and self._report_state() in EDITABLE

    def _report_state(self) -> str:
        return str(self._report["state"]) if self._report else pilot_review.STATE_NONE

    def _note(self) -> str:
        if not self._keeper():
            return t.READ_ONLY_NOTE
        return "" if self._report_state() in EDITABLE else t.LOCKED_NOTE

    def is_dirty(self) -> bool:
        """Whether the report's texts have changes not saved yet."""
        return self._may_edit() and self.section_texts() != self._saved_texts

    def _update_report_actions(self) -> None:
        state = self._report_state()
        actor, shown = self._actor, self._report is not None
        self.save_button.setEnabled(shown and self._may_edit() and self.is_dirty())
        self.submit_button.setEnabled(shown and self._may_edit())
        self.approve_button.setEnabled(state == pilot_review.STATE_SUBMITTED)
        self.accept_button.setEnabled(state == pilot_review.STATE_CITY_APPROVED)
        returnable = {pilot_review.STATE_SUBMITTED, pilot_review.STATE_CITY_APPROVED}
        if actor.is_coordinator:
            returnable.add(pilot_review.STATE_ACCEPTED)
        self.return_button.setEnabled(state in returnable)
        self.export_report_button.setEnabled(shown)
        self.evaluate_button.setEnabled(shown)
        evaluation = (self._pilot or {}).get("evaluation") or {}
        self.rectify_button.setEnabled(bool(evaluation.get("light")))

    def confirm_leave(self) -> bool:
        """Before the report shown is left: save or drop unsaved texts, as the user says;
        False when the user chose to stay (or the save was refused)."""
        if not self.is_dirty() or self._pilot is None:
            return True
        name = self.period()[1]
        answer = dialogs.choose(
            self,
            t.UNSAVED_TITLE,
            t.UNSAVED_TEXT.format(pilot=self._pilot["name"], period=name),
            [t.SAVE_ANSWER, t.DISCARD_ANSWER],
            default=0,
        )
        if answer == 0:
            try:
                self._report_call(pilot_review.save_pilot_report, **self.section_texts())()
            except TrackerError as exc:
                errors.show_error(exc, self)
                return False
            self._stale = True  # the list shows the report's state: read it again
        if answer in (0, 1):
            self._saved_texts = self.section_texts()
            return True
        return False

    def _done(self, text: str, **values: Any) -> None:
        """A step that succeeded: reread everything and say so."""
        assert self._pilot is not None
        pilot, period = self._pilot["name"], self.period()[1]
        self.load()
        dialogs.information(self, t.TITLE, text.format(pilot=pilot, period=period, **values))

    def _write(self, step: Callable[[], object], text: str, **values: Any) -> bool:
        """Run one write of the report or the evaluation; a refusal is shown and the
        pilot read again (someone may have changed it), the texts typed kept."""
        try:
            step()
        except TrackerError as exc:
            errors.show_error(exc, self)
            if not self.is_dirty():
                self._show_report()
            return False
        self._saved_texts = self.section_texts()
        self._done(text, **values)
        return True

    def _report_call(self, call: Callable[..., object], **options: Any) -> Callable[[], object]:
        assert self._pilot is not None and self._report is not None
        return lambda: call(
            self._db,
            self._actor,
            self._pilot["id"] if self._pilot else 0,
            self.period()[0],
            expect_version=int(self._report["version"]) if self._report else None,
            today=self._today,
            **options,
        )

    def save_report(self) -> bool:
        """Save the four texts (a draft); False when refused."""
        if self._pilot is None or self._report is None:
            return False
        texts = self.section_texts()
        return self._write(self._report_call(pilot_review.save_pilot_report, **texts), t.SAVED)

    def submit_report(self) -> None:
        """报送: save the texts if changed, then submit to the city DRC."""
        if self._pilot is None or self._report is None:
            return
        name = self.period()[1]
        if not dialogs.confirm(
            self,
            t.SUBMIT_CONFIRM_TITLE,
            t.SUBMIT_CONFIRM.format(pilot=self._pilot["name"], period=name),
            yes=t.SUBMIT_YES,
        ):
            return
        if self.is_dirty() or self._report_state() == pilot_review.STATE_NONE:
            step = self._report_call(pilot_review.save_pilot_report, **self.section_texts())
            try:
                self._report = dict(self._report, version=step()["version"])  # type: ignore[index]
            except TrackerError as exc:
                errors.show_error(exc, self)
                return
            self._saved_texts = self.section_texts()
        self._write(self._report_call(pilot_review.submit_pilot_report), t.SUBMITTED)

    def approve_report(self) -> None:
        """市级审核通过."""
        if self._report is not None:
            self._write(self._report_call(pilot_review.approve_pilot_report), t.APPROVED)

    def accept_report(self) -> None:
        """自治区审核通过."""
        if self._report is not None:
            self._write(self._report_call(pilot_review.accept_pilot_report), t.ACCEPTED)

    def return_report(self) -> None:
        """退回, with a reason."""
        if self._pilot is None or self._report is None:
            return
        prompt = t.RETURN_PROMPT.format(pilot=self._pilot["name"], period=self.period()[1])
        reason = TextInputDialog.ask(self, t.RETURN_TITLE, prompt, t.RETURN)
        if reason:
            self._write(
                self._report_call(pilot_review.return_pilot_report, reason=reason), t.RETURNED
            )

    def evaluate(self) -> None:
        """The coordinator's verdict for the period."""
        if self._pilot is None:
            return
        done = EvaluateDialog.ask(
            self, self._db, self._actor, self._pilot, self.period(), self._pilot.get("evaluation")
        )
        if done:
            self._done(t.EVALUATED, verdict=done["verdict_label"])

    def rectify(self) -> None:
        """Mark an open correction order as done."""
        evaluation = (self._pilot or {}).get("evaluation")
        if self._pilot is None or not evaluation:
            return
        prompt = t.RECTIFY_PROMPT.format(pilot=self._pilot["name"], period=self.period()[1])
        note = TextDialog.ask(self, t.RECTIFY_TITLE, prompt, accept_text=t.RECTIFY_TITLE)
        if note is None:
            return
        pilot_id = self._pilot["id"]
        self._write(
            lambda: pilot_review.mark_rectified(
                self._db,
                self._actor,
                pilot_id,
                self.period()[0],
                expect_version=int(evaluation["version"]),
                note=note,
                today=self._today,
            ),
            t.RECTIFIED,
        )

    # ------------------------------------------------------------ tasks

    def _show_tasks(self) -> None:
        assert self._pilot is not None
        plan_id = self._pilot.get("plan_id")
        self.open_plan_button.setEnabled(plan_id is not None)
        if plan_id is None:
            self.task_model.set_records([])
            self.tasks_label.setText(t.TASKS_NO_PLAN)
            return
        tasks = plans.list_tasks(self._db, self._actor, plan_id=plan_id)
        try:
            states = task_state.task_states(
                self._db, self._actor, self.period()[0], plan_id=plan_id
            )
            info = t.TASKS_INFO.format(count=len(tasks))
        except NotFound:
            states, info = {}, t.TASKS_NO_PERIOD
        self.task_model.set_records(
            [{**task, "state": states.get(task["id"], "")} for task in tasks]
        )
        self.tasks_label.setText(info)

    def _on_open_plan(self) -> None:
        if self._pilot and self._pilot.get("plan_id") is not None:
            self.plan_requested.emit(int(self._pilot["plan_id"]))

    # ------------------------------------------------------------ projects

    def _show_projects(self) -> None:
        assert self._pilot is not None
        code = self.period()[0]
        found = projects.list_projects(self._db, self._actor, pilot=self._pilot["id"], period=code)
        self.project_model.set_projects(found, int(code[:4]))
        figures = self._pilot["projects"]
        self.projects_label.setText(
            t.PROJECTS_INFO.format(
                count=figures["count"], total=money(figures["total_investment"]) or "0"
            )
        )
        self._update_projects()

    def selected_project(self) -> Mapping[str, Any] | None:
        """The project selected in the project table."""
        index = self.project_table.selectionModel().currentIndex()
        return self.project_model.record(index.row()) if index.isValid() else None

    def _update_projects(self, *_args: object) -> None:
        chosen = self.selected_project() is not None
        for button in (self.edit_project_button, self.stage_button, self.note_button):
            button.setEnabled(chosen)

    def _reselect_project(self, project_id: int) -> None:
        row = self.project_model.row_of(project_id)
        if row is not None:
            self.project_table.selectRow(row)

    def add_project(self) -> None:
        """添加项目."""
        if self._pilot is None:
            return
        year = int(self.period()[0][:4])
        done = ProjectDialog.ask(self, self._db, self._actor, self._pilot["id"], year)
        if done:
            self._after_project(done["project"], t.PROJECT_SAVED, done["warnings"])

    def edit_project(self) -> None:
        """修改所选项目."""
        project = self.selected_project()
        if self._pilot is None or project is None or not self._keeper():
            return
        year = int(self.period()[0][:4])
        done = ProjectDialog.ask(self, self._db, self._actor, self._pilot["id"], year, project)
        if done:
            self._after_project(done["project"], t.PROJECT_SAVED, done["warnings"])

    def change_stage(self) -> None:
        """变更所选项目的阶段."""
        project = self.selected_project()
        if project is None:
            return
        done = StageDialog.ask(self, self._db, self._actor, project)
        if done:
            self._after_project(done, t.STAGE_CHANGED)

    def edit_note(self) -> None:
        """本期进展 of the selected project."""
        project = self.selected_project()
        if project is None:
            return
        code, name = self.period()
        text = TextDialog.ask(
            self, t.NOTE_TITLE, t.NOTE_PROMPT.format(name=project["name"], period=name),
            str(project.get("period_note") or ""),
        )  # fmt: skip
        if text is None:
            return
        version = _note_version(self._db, self._actor, int(project["id"]), code)
        try:
            done = projects.set_progress_note(
                self._db, self._actor, int(project["id"]), code, text, expect_version=version
            )
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self._after_project(done, t.NOTE_SAVED, period=name)

    def _after_project(
        self,
        project: Mapping[str, Any],
        text: str,
        warnings: list[str] | None = None,
        **values: Any,
    ) -> None:
        self.load()
        self._reselect_project(int(project["id"]))
        message = text.format(name=project["name"], stage=project["stage_label"], **values)
        if warnings:
            message += t.WARNINGS.format(warnings="\n".join(warnings))
        dialogs.information(self, t.TITLE, message)

    # ------------------------------------------------------------ experience

    def selected_experience(self) -> Mapping[str, Any] | None:
        """The experience record selected."""
        index = self.experience_table.selectionModel().currentIndex()
        return self.experience_model.record(index.row()) if index.isValid() else None

    def _show_experience(self) -> None:
        assert self._pilot is not None
        found = experience.list_experience(self._db, self._actor, pilot=self._pilot["id"])
        self.experience_model.set_records(found)
        self._on_experience()

    def _on_experience(self, *_args: object) -> None:
        record = self.selected_experience()
        self.experience_preview.setHtml(_experience_html(record) if record else "")
        self.edit_experience_button.setEnabled(record is not None)
        self.choose_button.setEnabled(record is not None)
        self.promote_button.setEnabled(record is not None)
        self.choose_button.setText(t.UNCHOOSE if record and record["chosen"] else t.CHOOSE)
        self.promote_button.setText(t.UNPROMOTE if record and record["promoted"] else t.PROMOTE)

    def add_experience(self) -> None:
        """添加经验做法."""
        if self._pilot is None:
            return
        done = ExperienceDialog.ask(
            self, self._db, self._actor, self._pilot["id"], self._periods, self.period()[0]
        )
        if done:
            self._after_experience(done, t.EXPERIENCE_SAVED)

    def edit_experience(self) -> None:
        """修改所选经验做法."""
        record = self.selected_experience()
        if self._pilot is None or record is None or not self._keeper():
            return
        done = ExperienceDialog.ask(
            self, self._db, self._actor, self._pilot["id"], self._periods, self.period()[0], record
        )
        if done:
            self._after_experience(done, t.EXPERIENCE_SAVED)

    def toggle_chosen(self) -> None:
        """选入 or take out of the report."""
        record = self.selected_experience()
        if record is None:
            return
        chosen = not record["chosen"]
        self._experience_step(
            lambda: experience.update_experience(
                self._db, self._actor, int(record["id"]),
                expect_version=int(record["version"]), chosen=chosen,
            ),
            t.CHOSEN if chosen else t.UNCHOSEN,
        )  # fmt: skip

    def toggle_promoted(self) -> None:
        """推广 (coordinator) or take the mark off."""
        record = self.selected_experience()
        if record is None:
            return
        promoted = not record["promoted"]
        self._experience_step(
            lambda: experience.promote_experience(
                self._db, self._actor, int(record["id"]),
                promoted=promoted, expect_version=int(record["version"]),
            ),
            t.PROMOTED if promoted else t.UNPROMOTED,
        )  # fmt: skip

    def _experience_step(self, step: Callable[[], dict[str, Any]], text: str) -> None:
        try:
            done = step()
        except TrackerError as exc:
            errors.show_error(exc, self)
            self.load()
            return
        self._after_experience(done, text)

    def _after_experience(self, record: Mapping[str, Any], text: str) -> None:
        self.load()
        row = self.experience_model.row_of(int(record["id"]))
        if row is not None:
            self.experience_table.selectRow(row)
        dialogs.information(self, t.TITLE, text.format(title=record["title"]))

    # ------------------------------------------------------------ files

    def _save_path(self, title: str, name_filter: str, name: str) -> Path | None:
        folder = self._settings.value(SETTINGS_FOLDER)
        start = Path(str(folder)) if folder else Path.home()
        chosen = choose_save_file(self, title, name_filter, str(start / safe_file_name(name)))
        if not chosen:
            return None
        path = Path(chosen)
        self._settings.setValue(SETTINGS_FOLDER, str(path.parent))
        return path

    def _run_export(self, label: str, job: Callable[[Callable[[int, int], None]], Any]) -> None:
        def finished(result: Any) -> None:
            path = Path(str(result["path"] if isinstance(result, dict) else result.path))
            self._offer_open(path)

        def cancelled() -> None:
            dialogs.information(self, t.TITLE, t.CANCELLED)

        self.last_task = run_in_background(self, job, finished, label=label, on_cancel=cancelled)

    def _offer_open(self, path: Path) -> None:
        answer = dialogs.choose(
            self, t.EXPORT_DONE_TITLE, t.EXPORT_DONE.format(path=path), [t.OPEN_FILE, t.OPEN_FOLDER]
        )
        if answer < 0:
            return
        target = path if answer == 0 else path.parent
        if not dialogs.open_local_file(str(target)):
            dialogs.warning(self, t.EXPORT_DONE_TITLE, t.CANNOT_OPEN.format(path=target))

    def export_report(self) -> None:
        """导出本期试点建设进展情况报告 (.docx)."""
        if self._pilot is None:
            return
        code, name = self.period()
        file_name = t.REPORT_FILE.format(pilot=self._pilot["name"], period=name)
        path = self._save_path(t.SAVE_REPORT_TITLE, t.DOCX_FILTER, file_name)
        if path is None:
            return
        db, actor, pilot_id, today = self._db, self._actor, self._pilot["id"], self._today
        self._run_export(
            t.EXPORTING_REPORT,
            lambda progress: export_pilot_report(
                db, actor, pilot_id, path, period=code, today=today, progress=progress
            ),
        )

    def export_overview(self) -> None:
        """导出试点总览 (.xlsx) of the pilots this account sees."""
        code, name = self.period()
        path = self._save_path(
            t.SAVE_OVERVIEW_TITLE, t.XLSX_FILTER, t.OVERVIEW_FILE.format(period=name)
        )
        if path is None:
            return
        db, actor, today = self._db, self._actor, self._today
        self._run_export(
            t.EXPORTING_OVERVIEW,
            lambda progress: export_overview(
                db, actor, path, period=code, today=today, progress=progress
            ),
        )

    def export_sheet(self) -> None:
        """导出重大项目表 (.xlsx, filled in and imported back)."""
        if self._pilot is None:
            return
        name = t.SHEET_FILE.format(pilot=self._pilot["name"])
        path = self._save_path(t.SAVE_SHEET_TITLE, t.XLSX_FILTER, name)
        if path is None:
            return
        db, actor, pilot_id, code = self._db, self._actor, self._pilot["id"], self.period()[0]
        self._run_export(
            t.EXPORTING_SHEET,
            lambda progress: export_projects(
                db, actor, pilot_id, path, period=code, progress=progress
            ),
        )

    def import_sheet(self) -> None:
        """导入重大项目表: the whole file is checked first; nothing changes on a problem."""
        folder = self._settings.value(SETTINGS_FOLDER)
        chosen = dialogs.choose_open_file(
            self, t.OPEN_SHEET_TITLE, t.XLSX_FILTER, str(folder) if folder else ""
        )
        if not chosen:
            return
        db, actor, today = self._db, self._actor, self._today

        def finished(result: dict[str, Any]) -> None:
            counts = "，".join(f"{k} {v}" for k, v in result["counts"].items())
            self.load()
            text = t.IMPORTED.format(
                file=Path(chosen).name, pilot=result["pilot"], counts=counts or t.IMPORTED_NOTHING
            )
            dialogs.information(self, t.TITLE, text)

        self.last_task = run_in_background(
            self,
            lambda _progress: import_projects(db, actor, Path(chosen), today=today),
            finished,
            label=t.IMPORTING_SHEET,
            cancellable=False,
        )

    # ------------------------------------------------------------ closing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Before the main window closes: unsaved report texts are saved or dropped."""
        if event.type() == QEvent.Type.Close and watched is self.window():
            if not self.confirm_leave():
                event.ignore()
                return True
            self.save_settings()
        return False


def _note_version(db: Database, actor: Actor, project_id: int, code: str) -> int:
    """The version of a project's note for a period (0: none yet), for the write's check."""
    for note in projects.get_project(db, actor, project_id)["notes"]:
        if note["period"] == code:
            return int(note["version"])
    return 0


def _state_html(report: Mapping[str, Any], note: str) -> str:
    days = int(report["days_left"])
    when = ""
    if report["state"] in EDITABLE:
        when = (
            t.STATE_DAYS_LATE.format(days=-days)
            if days < 0
            else t.STATE_DAYS_LEFT.format(days=days)
        )
    facts = ""
    if report.get("submitted_at"):
        facts += t.FACT_SUBMITTED.format(by=report["submitted_by"], at=report["submitted_at"])
    if report.get("city_approved_at"):
        facts += t.FACT_CITY.format(by=report["city_approved_by"], at=report["city_approved_at"])
    if report.get("accepted_at"):
        facts += t.FACT_ACCEPTED.format(by=report["accepted_by"], at=report["accepted_at"])
    if report["state"] == pilot_review.STATE_RETURNED:
        facts += t.FACT_RETURNED.format(
            level=report.get("return_level_label") or "",
            by=report["returned_by"],
            at=report["returned_at"],
            reason=html.escape(str(report.get("return_reason") or "")),
        )
    state = report["state_label"] + (t.STATE_LATE if report.get("late") else "") + note
    return t.STATE.format(state=state, due=report["due_date"], when=when, facts=facts)


def _evaluation_html(evaluation: Mapping[str, Any] | None) -> str:
    if not evaluation:
        return t.NO_EVALUATION
    deadline = ""
    if evaluation.get("rectified_on"):
        note = (
            f"：{html.escape(evaluation['rectified_note'])}"
            if evaluation.get("rectified_note")
            else ""
        )
        deadline = t.EVALUATION_RECTIFIED.format(on=evaluation["rectified_on"], note=note)
    elif evaluation.get("deadline"):
        days = int(evaluation["days_left"])
        when = t.DAYS_LEFT.format(days=days) if days >= 0 else t.DAYS_LATE.format(days=-days)
        deadline = t.EVALUATION_DEADLINE.format(deadline=evaluation["deadline"], when=when)
    comment = f"<br/>{html.escape(evaluation['comment'])}" if evaluation.get("comment") else ""
    action = f"（{evaluation['action']}）" if evaluation.get("action") else ""
    return t.EVALUATION.format(
        color=verdict_color(evaluation["verdict"]),
        verdict=evaluation["verdict_label"],
        action=action,
        by=evaluation["evaluated_by"],
        at=evaluation["evaluated_at"],
        deadline=deadline,
        comment=comment,
    )


def _experience_html(record: Mapping[str, Any]) -> str:
    marks = (t.EXPERIENCE_MARK_CHOSEN if record["chosen"] else "") + (
        t.EXPERIENCE_MARK_PROMOTED if record["promoted"] else ""
    )
    body = "".join(
        f"<p>{html.escape(line)}</p>" for line in str(record["body"]).splitlines() if line
    )
    return t.EXPERIENCE_PREVIEW.format(
        title=html.escape(record["title"]),
        kind=record["kind_label"],
        period=record.get("period") or "",
        tags=html.escape("、".join(record.get("tags") or [])),
        marks=marks,
        summary=html.escape(record["summary"]),
        body=body,
    )


def add_pilots_tab(
    window: MainWindow, db: Database, actor: Actor, settings: QSettings
) -> PilotsPanel | None:
    """Add the 试点 tab to the main window for an account with pilot rights (None for a
    unit reporter): F5 and a task report written in the task tab read it again, its
    开 plan button shows a pilot's plan in the task tab, and the window's close asks
    about unsaved report texts."""
    if not (actor.is_coordinator or actor.is_city_drc or actor.is_pilot_body):
        return None
    panel = PilotsPanel(db, actor, settings)
    window.tabs.addTab(panel, t.TAB)
    window.refresh_action.triggered.connect(panel.mark_stale)
    window.workbench.form.reports_changed.connect(lambda _task: panel.mark_stale())

    def show_plan(plan_id: int) -> None:
        window.reload_plans(select=plan_id)
        window.tabs.setCurrentIndex(0)

    panel.plan_requested.connect(show_plan)
    window.installEventFilter(panel)
    return panel
