"""The report form (controller): one unit's report on the chosen task and period.

A reporter edits the unit's own report; a coordinator chooses the unit, and may approve,
return or write a 批示. Every write goes through :mod:`tracker.services.reports` with the
version the user saw (``expect_version``), so a report changed meanwhile by someone else is
never overwritten: the conflict dialog says who changed it and offers to reload or compare.

Nothing typed is lost: the edits of a report not yet saved are kept (per task, period and
unit) when the user moves to another task, restored when they come back, and asked about
when the window closes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import ConflictError, TrackerError
from tracker.services import instructions, reports
from tracker.services import settings as settings_service
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.models import format_number
from ui.views.report_form_view import (
    TEXT_FIELD_NAMES,
    ConflictDialog,
    ReportFormView,
    TextInputDialog,
    others_html,
    text_label,
)
from ui.worker import BackgroundTask, run_in_background

_TITLE = "进展填报"
_NO_STATUS = "请先选择进展状态。"
_STATE = "{state} · 版本 {version} · 最后修改 {at} {by}"
_STATE_NEW = "尚未填报 · 填写后点击“保存草稿”或“报送”"
_RETURNED = "已退回，请修改后重新报送。退回理由：{reason}（{by} {at}）"
_INSTRUCTIONS = "批示 / 督办意见：\n{items}"
_INSTRUCTION = "· {text}（{by} {at}）"
_LOCKED = "报告期 {period} 已锁定，不能再修改。"
_SUBMITTED = "已于 {at} 报送，等待协调员审核；如需修改，请联系协调员退回。"
_SUBMITTED_REVIEW = "已于 {at} 报送，待审核：请“审核通过”或“退回”。"
_APPROVED = "已审核通过（{by} {at}）。"
_RESTORED = "已恢复您尚未保存的修改。"
_NOT_OWN = "这是其他单位的填报，只能查看。"
_CITY_READ_ONLY = "辖区试点的填报，地级市发展改革委只能查看。"
_NO_OTHERS = "本任务没有其他单位。"
_OTHER_HEAD = "{unit}（{role}）· {state}"
_OTHER_STATUS = "{status}{percent}"
_UNIT_ITEM = "{unit}（{role}）· {state}"
_NOT_REPORTED = "未填报"
_SUBMIT_TITLE = "报送"
_SUBMIT_TEXT = "报送后由协调员审核，在退回之前不能再修改。\n\n确定报送{what}吗？"
_CONSOLIDATED = "已把 {merged} 的填报汇总到本单位填报。"
_CONSOLIDATED_NONE = "配合单位都还没有报送，没有可汇总的内容。"
_CONSOLIDATE_MISSING = "\n尚未报送：{missing}。"
_RETURN_TITLE = "退回填报"
_RETURN_PROMPT = "退回{what}。请说明理由（将显示在该单位填报的顶部）："
_INSTRUCT_TITLE = "批示 / 督办意见"
_INSTRUCT_PROMPT = "对任务 {code}（{title}）的批示或督办意见："
_EVIDENCE_TITLE = "添加佐证材料"
_EVIDENCE_FILTER = "所有文件 (*)"
_ADDING_EVIDENCE = "正在添加佐证材料"
_REMOVE_TITLE = "删除佐证材料"
_REMOVE_TEXT = "从填报中删除佐证材料“{name}”？"
_OPEN_FAILED = "没有程序可以打开“{name}”。文件已保存在：{path}"
_FIELD_STATUS = "进展状态"
_FIELD_PERCENT = "完成进度"
_EMPTY = "（空）"


@dataclass(frozen=True)
class FormValues:
    """What the form holds, as text: comparable, so that unsaved edits can be found."""

    status: str
    percent: str
    texts: tuple[tuple[str, str], ...]
    actuals: tuple[tuple[int, str], ...]

    @classmethod
    def of_report(
        cls, report: Mapping[str, Any] | None, targets: Sequence[Mapping[str, Any]]
    ) -> FormValues:
        """The values of a stored report (None: an empty form)."""
        report = report or {}
        given = {int(a["target_id"]): a["value"] for a in report.get("actuals") or []}
        percent = report.get("percent")
        return cls(
            status=str(report.get("status") or ""),
            percent="" if percent is None else format_number(float(percent)),
            texts=tuple((name, str(report.get(name) or "")) for name in TEXT_FIELD_NAMES),
            actuals=tuple(
                (
                    int(t["id"]),
                    "" if given.get(int(t["id"])) is None else format_number(given[int(t["id"])]),
                )
                for t in targets
            ),
        )

    def text(self, name: str) -> str:
        """One of the four texts."""
        return dict(self.texts)[name]


DraftKey = tuple[int, int, int]  # task id, period id, unit id


def save_values(
    db: Database,
    actor: Actor,
    key: DraftKey,
    values: FormValues,
    expect_version: int,
    evidence: Sequence[str] = (),
) -> dict[str, Any]:
    """Save the form's values (and ``evidence`` files) on top of ``expect_version``; a
    plain function, so that a background job holds no QObject (see :mod:`ui.worker`)."""
    task_id, period_id, unit_id = key
    texts = dict(values.texts)
    return reports.save_report(
        db,
        actor,
        task_id,
        period_id,
        unit_id,
        status=values.status or None,
        progress=texts["progress"],
        results=texts["results"],
        problems=texts["problems"],
        next_steps=texts["next_steps"],
        percent=values.percent,
        actuals=dict(values.actuals),
        evidence=evidence,
        expect_version=expect_version,
    )


@dataclass
class Draft:
    """Edits not saved yet, with the version they were made on."""

    values: FormValues
    base_version: int
    label: str


class ReportForm(ReportFormView):
    """See the module docstring. ``reports_changed`` carries the id of a task whose reports
    were written here; ``dirty_changed`` whether the form holds unsaved edits."""

    reports_changed = Signal(int)
    dirty_changed = Signal(bool)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._context: dict[str, Any] | None = None
        self._unit_id: int | None = None
        self._report: Mapping[str, Any] | None = None
        self._loaded = FormValues("", "", (), ())
        self._base_version = 0
        self._editable = False
        self._filling = False
        self._dirty = False
        self._drafts: dict[DraftKey, Draft] = {}
        self._files_dir: Path | None = None
        self.last_task: BackgroundTask | None = None
        self._statuses: list[str] = []
        self._statuses_pending = False
        self.update_statuses(settings_service.get(db).status_names)
        for button in (self.approve_button, self.return_button, self.instruct_button):
            button.setVisible(actor.is_coordinator)
        self._connect()

    def _connect(self) -> None:
        self.unit_combo.currentIndexChanged.connect(self._on_unit_chosen)
        self.status_combo.currentIndexChanged.connect(self._on_edited)
        self.percent_spin.valueChanged.connect(self._on_edited)
        for edit in self.text_edits.values():
            edit.textChanged.connect(self._on_edited)
        self.actuals_model.edited.connect(self._on_edited)
        self.save_button.clicked.connect(self.save_draft)
        self.submit_button.clicked.connect(self.submit)
        self.revert_button.clicked.connect(self.revert)
        self.consolidate_button.clicked.connect(self.consolidate)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.return_report)
        self.instruct_button.clicked.connect(self.instruct)
        self.add_evidence_button.clicked.connect(self.add_evidence)
        self.open_evidence_button.clicked.connect(self.open_evidence)
        self.remove_evidence_button.clicked.connect(self.remove_evidence)
        self.evidence_view.activated.connect(self.open_evidence)
        self.evidence_view.selectionModel().selectionChanged.connect(self._update_buttons)

    # ------------------------------------------------------------ showing

    def update_statuses(self, names: Sequence[str]) -> None:
        """The statuses a report may take (the shared vocabulary, read by the caller); the
        choice shown changes only when the form shows a report next, so that unsaved edits
        keep their status."""
        if list(names) == self._statuses:
            return
        self._statuses = list(names)
        if self._context is None:
            self.set_statuses(self._statuses)
        else:
            self._statuses_pending = True

    def show_task(self, task_id: int | None, period_id: int | None) -> None:
        """Show the report on ``task_id`` for ``period_id`` (None: nothing), keeping the
        unsaved edits of the report shown so far."""
        self._keep_draft()
        if self._statuses_pending:  # after the draft kept its status
            self._statuses_pending = False
            self.set_statuses(self._statuses)
        self._context = None
        if task_id is None or period_id is None:
            self.show_body(False)
            return
        try:
            self._context = reports.task_reports(self._db, self._actor, task_id, period_id)
        except TrackerError as exc:
            self.show_body(False, str(exc))
            errors.show_error(exc, self)
            return
        self._fill_units()
        self._load_unit()
        self.show_body(True)

    def reload(self) -> None:
        """Read the shown report again (after a write, or on 刷新)."""
        if self._context is not None:
            unit = self._unit_id
            self.show_task(self._context["task"]["id"], self._context["period"]["id"])
            self._choose_unit(unit)

    @property
    def task_id(self) -> int | None:
        """The task shown."""
        return None if self._context is None else int(self._context["task"]["id"])

    @property
    def unit_id(self) -> int | None:
        """The unit whose report is shown."""
        return self._unit_id

    def unit_label(self) -> str:
        """The unit whose report is shown, with its role (for printing)."""
        entry = self._entry() if self._context is not None else None
        return f"{entry['unit']}（{entry['role_label']}）" if entry else ""

    def _entries(self) -> list[dict[str, Any]]:
        assert self._context is not None
        units: list[dict[str, Any]] = self._context["units"]
        if self._reads_every_unit():
            return units
        return [u for u in units if u["unit_id"] == self._actor.unit_id]

    def _reads_every_unit(self) -> bool:
        """A coordinator (who may write for any unit) and a city DRC (who reads the pilots
        of its region and has no unit) choose the unit; everyone else sees their own."""
        return self._actor.is_coordinator or self._actor.is_city_drc

    def _fill_units(self) -> None:
        keep = self._unit_id
        self._filling = True
        try:
            self.unit_combo.clear()
            for entry in self._entries():
                report = entry["report"]
                state = report["state_label"] if report else _NOT_REPORTED
                text = _UNIT_ITEM.format(unit=entry["unit"], role=entry["role_label"], state=state)
                self.unit_combo.addItem(text, entry["unit_id"])
            index = self.unit_combo.findData(keep) if keep is not None else -1
            self.unit_combo.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False
        self.unit_combo.setEnabled(self._reads_every_unit() and self.unit_combo.count() > 1)
        data = self.unit_combo.currentData()
        self._unit_id = data if isinstance(data, int) else None

    def _choose_unit(self, unit_id: int | None) -> None:
        index = self.unit_combo.findData(unit_id) if unit_id is not None else -1
        if index >= 0 and index != self.unit_combo.currentIndex():
            self.unit_combo.setCurrentIndex(index)

    def _on_unit_chosen(self, _index: int) -> None:
        if self._filling or self._context is None:
            return
        self._keep_draft()
        data = self.unit_combo.currentData()
        self._unit_id = data if isinstance(data, int) else None
        self._load_unit()

    def _entry(self) -> dict[str, Any] | None:
        return next((u for u in self._entries() if u["unit_id"] == self._unit_id), None)

    def _load_unit(self) -> None:
        assert self._context is not None
        entry = self._entry()
        self._report = entry["report"] if entry else None
        targets = self._context["task"]["targets"]
        self._loaded = FormValues.of_report(self._report, targets)
        version = int(self._report["version"]) if self._report else 0
        draft = self._drafts.get(self._key()) if entry else None
        self._base_version = draft.base_version if draft else version
        self._editable = entry is not None and self._can_edit()
        self._fill(draft.values if draft else self._loaded, targets)
        self._show_banners(restored=draft is not None)
        self._show_others()
        self._update_dirty()

    def _can_edit(self) -> bool:
        assert self._context is not None
        if self._context["period"]["locked"]:
            return False
        if not self._actor.is_coordinator and self._unit_id != self._actor.unit_id:
            return False
        return self._report is None or self._report["state"] in reports.EDITABLE_STATES

    def _fill(self, values: FormValues, targets: Sequence[Mapping[str, Any]]) -> None:
        self._filling = True
        try:
            index = self.status_combo.findData(values.status)
            if index < 0 and values.status:  # a status no longer in the vocabulary
                self.status_combo.addItem(values.status, values.status)
                index = self.status_combo.count() - 1
            self.status_combo.setCurrentIndex(max(index, 0))
            self.percent_spin.setValue(float(values.percent) if values.percent else -1)
            for name, edit in self.text_edits.items():
                edit.setPlainText(values.text(name))
            self.actuals_model.set_targets(targets, dict(values.actuals), not self._editable)
            evidence = list(self._report["evidence"]) if self._report else []
            self.evidence_model.set_records(evidence)
            others = len(self._context["units"]) - 1 if self._context else 0
            self.set_side_counts(others, len(targets), len(evidence))
        finally:
            self._filling = False
        self.set_editable(self._editable)

    def _show_banners(self, *, restored: bool) -> None:
        assert self._context is not None
        report = self._report or {}
        state = report.get("state")
        returned = state == "returned" and report.get("return_reason")
        self.return_banner.setText(
            _RETURNED.format(
                reason=report.get("return_reason"),
                by=report.get("reviewed_by") or "",
                at=report.get("reviewed_at") or "",
            )
            if returned
            else ""
        )
        self.return_banner.setVisible(bool(returned))
        items = [
            _INSTRUCTION.format(text=i["text"], by=i["created_by"], at=i["created_at"])
            for i in self._context["instructions"]
        ]
        self.instruction_banner.setText(_INSTRUCTIONS.format(items="\n".join(items)))
        self.instruction_banner.setVisible(bool(items))
        self.notice_banner.setText(self._notice(restored))
        self.notice_banner.setVisible(bool(self.notice_banner.text()))
        if report:
            self.state_label.setText(
                _STATE.format(
                    state=report["state_label"],
                    version=report["version"],
                    at=report["updated_at"],
                    by=report["updated_by"],
                )
            )
        else:
            self.state_label.setText(_STATE_NEW)

    def _notice(self, restored: bool) -> str:
        assert self._context is not None
        period = self._context["period"]
        report = self._report or {}
        if period["locked"]:
            return _LOCKED.format(period=period["name"])
        if self._actor.is_city_drc:
            return _CITY_READ_ONLY
        if not self._actor.is_coordinator and self._unit_id != self._actor.unit_id:
            return _NOT_OWN
        if report.get("state") == "submitted":
            text = _SUBMITTED_REVIEW if self._actor.is_coordinator else _SUBMITTED
            return text.format(at=report.get("submitted_at") or "")
        if report.get("state") == "approved":
            return _APPROVED.format(by=report.get("reviewed_by"), at=report.get("reviewed_at"))
        return _RESTORED if restored else ""

    def _show_others(self) -> None:
        assert self._context is not None
        blocks = []
        for entry in self._context["units"]:
            if entry["unit_id"] == self._unit_id:
                continue
            report = entry["report"] or {}
            head = _OTHER_HEAD.format(
                unit=entry["unit"],
                role=entry["role_label"],
                state=report.get("state_label") or _NOT_REPORTED,
            )
            lines: list[tuple[str, str]] = []
            if report.get("status"):
                percent = report.get("percent")
                shown = "" if percent is None else f"，完成 {format_number(float(percent))}%"
                lines.append(
                    (_FIELD_STATUS, _OTHER_STATUS.format(status=report["status"], percent=shown))
                )
            lines += [(text_label(n), report[n]) for n in TEXT_FIELD_NAMES if report.get(n)]
            blocks.append((head, lines))
        self.others_text.setHtml(others_html(blocks) if blocks else _NO_OTHERS)

    # ------------------------------------------------------------ edits

    def current_values(self) -> FormValues:
        """What the form holds now."""
        percent = self.percent_spin.value()
        return FormValues(
            status=str(self.status_combo.currentData() or ""),
            percent="" if percent < 0 else format_number(percent),
            texts=tuple((n, self.text_edits[n].toPlainText()) for n in TEXT_FIELD_NAMES),
            actuals=tuple(self.actuals_model.values().items()),
        )

    def is_dirty(self) -> bool:
        """Whether the form holds edits not saved yet."""
        return self._dirty

    def _on_edited(self, *_args: object) -> None:
        if not self._filling:
            self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self._context is not None and self._editable
        dirty = dirty and self._normalized(self.current_values()) != self._normalized(self._loaded)
        changed = dirty != self._dirty
        self._dirty = dirty
        self._update_buttons()
        if changed:
            self.dirty_changed.emit(dirty)

    @staticmethod
    def _normalized(values: FormValues) -> FormValues:
        # The service keeps texts stripped; trailing spaces typed are not an edit.
        return FormValues(
            values.status,
            values.percent,
            tuple((n, t.strip()) for n, t in values.texts),
            values.actuals,
        )

    def _update_buttons(self, *_args: object) -> None:
        report = self._report or {}
        state = report.get("state")
        locked = bool(self._context and self._context["period"]["locked"])
        entry = self._entry() if self._context is not None else None
        is_lead = entry is not None and entry["role"] == "lead"
        has_coop = self._context is not None and any(
            u["role"] == "cooperating" for u in self._context["units"]
        )
        selected = self.evidence_view.selectionModel().hasSelection()
        self.save_button.setEnabled(self._editable)
        self.submit_button.setEnabled(self._editable)
        self.revert_button.setEnabled(self._dirty)
        self.consolidate_button.setVisible(is_lead and has_coop)
        self.consolidate_button.setEnabled(self._editable)
        self.add_evidence_button.setEnabled(self._editable)
        self.remove_evidence_button.setEnabled(self._editable and selected)
        self.open_evidence_button.setEnabled(selected)
        self.approve_button.setEnabled(not locked and state == "submitted")
        self.return_button.setEnabled(not locked and state in ("submitted", "approved"))
        self.instruct_button.setEnabled(self._context is not None)

    def revert(self) -> None:
        """Drop the unsaved edits: show the report as stored."""
        if self._context is None:
            return
        self._drafts.pop(self._key(), None)
        self._base_version = int(self._report["version"]) if self._report else 0
        self._fill(self._loaded, self._context["task"]["targets"])
        self._show_banners(restored=False)
        self._update_dirty()

    # ------------------------------------------------------------ unsaved drafts

    def _key(self) -> DraftKey:
        assert self._context is not None and self._unit_id is not None
        return (int(self._context["task"]["id"]), int(self._context["period"]["id"]), self._unit_id)

    def _label(self) -> str:
        assert self._context is not None
        task, period = self._context["task"], self._context["period"]
        entry = self._entry()
        unit = entry["unit"] if entry else ""
        return f"任务 {task['code']}（{task['title']}）{unit} {period['name']}"

    def _keep_draft(self) -> None:
        if self._context is None or self._unit_id is None:
            return
        if self._dirty:
            self._drafts[self._key()] = Draft(
                self.current_values(), self._base_version, self._label()
            )
        else:
            self._drafts.pop(self._key(), None)

    def unsaved(self) -> list[str]:
        """The reports with edits not saved yet (the shown one included), for people."""
        self._keep_draft()
        return [draft.label for draft in self._drafts.values()]

    def save_all(self) -> bool:
        """Save every unsaved draft; False (after saying why) when one is refused."""
        self._keep_draft()
        for key, draft in list(self._drafts.items()):
            task_id, period_id, unit_id = key
            try:
                self._write(task_id, period_id, unit_id, draft.values, draft.base_version)
            except TrackerError as exc:
                errors.show_error(exc, self)
                return False
            del self._drafts[key]
            self.reports_changed.emit(task_id)
        self._dirty = False
        self.reload()
        return True

    def discard_all(self) -> None:
        """Forget every unsaved draft."""
        self._drafts.clear()
        self.revert()

    # ------------------------------------------------------------ writing

    def _write(
        self,
        task_id: int,
        period_id: int,
        unit_id: int,
        values: FormValues,
        expect_version: int,
    ) -> dict[str, Any]:
        return save_values(
            self._db, self._actor, (task_id, period_id, unit_id), values, expect_version
        )

    def _check_status(self) -> bool:
        if self.current_values().status:
            return True
        dialogs.warning(self, _TITLE, _NO_STATUS)
        self.status_combo.setFocus()
        return False

    def save_draft(self) -> bool:
        """保存草稿 (Ctrl+S): write the form; True when it was saved."""
        if self._context is None or not self._editable or not self._check_status():
            return False
        values = self.current_values()
        task_id, period_id, unit_id = self._key()
        try:
            self._write(task_id, period_id, unit_id, values, self._base_version)
        except ConflictError as exc:
            self._on_conflict(exc, values)
            return False
        except TrackerError as exc:
            errors.show_error(exc, self)
            return False
        self._after_write()
        return True

    def _after_write(self) -> None:
        if self._context is None:
            return
        task_id = int(self._context["task"]["id"])
        self._drafts.pop(self._key(), None)
        self._dirty = False
        self.reload()
        self.reports_changed.emit(task_id)

    def _differences(
        self, mine: FormValues, theirs: Mapping[str, Any] | None
    ) -> list[tuple[str, str, str]]:
        assert self._context is not None
        stored = FormValues.of_report(theirs, self._context["task"]["targets"])
        rows = [(_FIELD_STATUS, mine.status, stored.status)]
        rows.append((_FIELD_PERCENT, mine.percent, stored.percent))
        rows += [(text_label(n), mine.text(n), stored.text(n)) for n in TEXT_FIELD_NAMES]
        names = {int(t["id"]): t["indicator"] for t in self._context["task"]["targets"]}
        theirs_actuals = dict(stored.actuals)
        rows += [(names.get(i, str(i)), v, theirs_actuals.get(i, "")) for i, v in mine.actuals]
        return [(label, a or _EMPTY, b or _EMPTY) for label, a, b in rows if a.strip() != b.strip()]

    def _on_conflict(self, exc: ConflictError, values: FormValues) -> None:
        """Someone else saved first: show who, then reload, compare or keep one's text."""
        task_id, period_id, unit_id = self._key()
        try:
            theirs = reports.get_report(self._db, self._actor, task_id, period_id, unit_id)
        except TrackerError as error:
            errors.show_error(error, self)
            return
        choice = ConflictDialog.ask(self, str(exc), self._differences(values, theirs))
        if choice == ConflictDialog.RELOAD:
            self._drafts.pop(self._key(), None)
            self._dirty = False
            self.reload()
        elif choice == ConflictDialog.OVERWRITE:
            self._base_version = int(theirs["version"]) if theirs else 0
            try:
                self._write(task_id, period_id, unit_id, values, self._base_version)
            except TrackerError as error:
                errors.show_error(error, self)
                return
            self._after_write()

    def _what(self) -> str:
        assert self._context is not None
        entry = self._entry()
        task = self._context["task"]
        unit = entry["unit"] if entry else ""
        return f"“{unit}”对任务 {task['code']}（{task['title']}）的填报"

    def submit(self) -> bool:
        """报送: save the edits, then send the report for review."""
        if self._context is None or not self._editable or not self._check_status():
            return False
        if not dialogs.confirm(
            self, _SUBMIT_TITLE, _SUBMIT_TEXT.format(what=self._what()), yes=_SUBMIT_TITLE
        ):
            return False
        if (self._dirty or self._report is None) and not self.save_draft():
            return False
        task_id, period_id, unit_id = self._key()
        try:
            reports.submit_report(
                self._db,
                self._actor,
                task_id,
                period_id,
                unit_id,
                expect_version=self._base_version,
            )
        except ConflictError as exc:
            self._on_conflict(exc, self.current_values())
            return False
        except TrackerError as exc:
            errors.show_error(exc, self)
            return False
        self._after_write()
        return True

    def consolidate(self) -> None:
        """汇总: take the cooperating units' submitted texts into this (lead) report."""
        if self._context is None or not self._editable:
            return
        if self._dirty and not self.save_draft():
            return
        task_id, period_id, unit_id = self._key()
        try:
            result = reports.consolidate(
                self._db,
                self._actor,
                task_id,
                period_id,
                unit_id,
                expect_version=self._base_version,
            )
        except ConflictError as exc:
            self._on_conflict(exc, self.current_values())
            return
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        merged, missing = result["merged"], result["missing"]
        text = _CONSOLIDATED.format(merged="、".join(merged)) if merged else _CONSOLIDATED_NONE
        if missing:
            text += _CONSOLIDATE_MISSING.format(missing="、".join(missing))
        self._after_write()
        dialogs.information(self, _TITLE, text)

    def _review(self, call: Any) -> None:
        task_id, period_id, unit_id = self._key()
        try:
            call(task_id, period_id, unit_id)
        except TrackerError as exc:
            errors.show_error(exc, self)
            self.reload()
            return
        self._after_write()

    def approve(self) -> None:
        """审核通过 the shown report (coordinator)."""
        if self._context is None or self._report is None:
            return
        version = int(self._report["version"])
        self._review(
            lambda t, p, u: reports.approve_report(
                self._db, self._actor, t, p, u, expect_version=version
            )
        )

    def return_report(self) -> None:
        """退回 the shown report with a reason (coordinator)."""
        if self._context is None or self._report is None:
            return
        reason = TextInputDialog.ask(
            self, _RETURN_TITLE, _RETURN_PROMPT.format(what=self._what()), "退回"
        )
        if not reason:
            return
        version = int(self._report["version"])
        self._review(
            lambda t, p, u: reports.return_report(
                self._db, self._actor, t, p, u, reason=reason, expect_version=version
            )
        )

    def instruct(self) -> None:
        """批示: attach a remark to the task (coordinator)."""
        if self._context is None:
            return
        task = self._context["task"]
        text = TextInputDialog.ask(
            self,
            _INSTRUCT_TITLE,
            _INSTRUCT_PROMPT.format(code=task["code"], title=task["title"]),
        )
        if not text:
            return
        try:
            instructions.add_instruction(self._db, self._actor, int(task["id"]), text)
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self._keep_draft()
        self.reload()

    # ------------------------------------------------------------ evidence

    def add_evidence(self) -> None:
        """Attach files: saved with the form's values in one write, in the background."""
        if self._context is None or not self._editable or not self._check_status():
            return
        paths = dialogs.choose_open_files(self, _EVIDENCE_TITLE, _EVIDENCE_FILTER)
        if not paths:
            return
        values = self.current_values()
        key = self._key()
        version = self._base_version
        db, actor = self._db, self._actor  # the job holds no QObject (see ui.worker)

        def job(_progress: object) -> dict[str, Any]:
            return save_values(db, actor, key, values, version, paths)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConflictError):
                self._on_conflict(exc, values)
            else:
                errors.show_error(exc, self)

        self.last_task = run_in_background(
            self,
            job,
            lambda _result: self._after_write(),
            label=_ADDING_EVIDENCE,
            on_error=failed,
            cancellable=False,
        )

    def _selected_evidence(self) -> Mapping[str, Any] | None:
        rows = self.evidence_view.selectionModel().selectedRows()
        return self.evidence_model.record(rows[0].row()) if rows else None

    def select_evidence(self, row: int) -> None:
        """Select the evidence file in ``row`` (as a click does)."""
        self.evidence_view.selectionModel().setCurrentIndex(
            self.evidence_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def open_evidence(self, *_args: object) -> Path | None:
        """Copy the selected file out of the database and open it; returns where it is."""
        record = self._selected_evidence()
        if record is None:
            return None
        try:
            name, content = reports.evidence_content(self._db, self._actor, int(record["id"]))
        except TrackerError as exc:
            errors.show_error(exc, self)
            return None
        if self._files_dir is None:
            self._files_dir = Path(tempfile.mkdtemp(prefix="tracker-evidence-"))
        folder = self._files_dir / str(record["id"])
        folder.mkdir(exist_ok=True)
        path = folder / Path(name).name
        path.write_bytes(content)
        if not dialogs.open_local_file(str(path)):
            dialogs.information(self, _TITLE, _OPEN_FAILED.format(name=name, path=path))
        return path

    def remove_evidence(self) -> None:
        """Detach the selected file (after saving the edits, and asking)."""
        record = self._selected_evidence()
        if record is None or self._context is None or not self._editable:
            return
        if not dialogs.confirm(
            self, _REMOVE_TITLE, _REMOVE_TEXT.format(name=record["name"]), yes="删除"
        ):
            return
        if self._dirty and not self.save_draft():
            return
        try:
            reports.remove_evidence(
                self._db, self._actor, int(record["id"]), expect_version=self._base_version
            )
        except ConflictError as exc:
            self._on_conflict(exc, self.current_values())
            return
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self._after_write()
