"""The 审核 tab (controller): approve or return submitted reports, one or several at once
(one transaction: all of them or, when one is refused, none), and 批示 on a task."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.models import STATE_APPROVED, STATE_SUBMITTED
from tracker.services import instructions, reports, worklist
from tracker.services.actor import Actor
from tracker.services.reports import ReportKey
from ui import dialogs, errors
from ui.models import format_number
from ui.stale import ReadsWhenShown
from ui.views.report_form_view import TEXT_FIELD_NAMES, TextInputDialog, text_label
from ui.views.review_view import ReviewView
from ui.worker import BackgroundTask, run_in_background

_COUNT = "待审核 {submitted} 份{approved}；已选 {selected} 份"
_COUNT_APPROVED = "，已审核 {count} 份"
_APPROVING = "正在审核"
_RETURNING = "正在退回"
_APPROVED = "已审核通过 {count} 份填报。"
_RETURNED = "已退回 {count} 份填报。"
_TITLE = "审核"
_RETURN_TITLE = "退回填报"
_RETURN_PROMPT = "退回所选的 {count} 份填报。请说明理由（各单位将在填报顶部看到）："
_INSTRUCT_TITLE = "批示 / 督办意见"
_INSTRUCT_PROMPT = "对任务 {code}（{title}）的批示或督办意见："
_INSTRUCTED = "已对任务 {code} 下达批示。"
_HEAD = "{code}　{title}"
_FACTS = "{unit}（{role}）· {state} · {status}{percent} · 报送：{at} {by}{late}"


class ReviewPanel(ReviewView, ReadsWhenShown):
    """See the module docstring. ``reports_changed`` carries a task id whose reports were
    reviewed here; ``task_requested`` asks the main window to show a task."""

    reports_changed = Signal(int)
    task_requested = Signal(int)
    queue_counted = Signal(int)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._plan_id: int | None = None
        self._period_id: int | None = None
        self.last_task: BackgroundTask | None = None
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(self._on_open)
        self.show_approved_check.toggled.connect(lambda _checked: self.load())
        self.approve_button.clicked.connect(self.approve_selected)
        self.return_button.clicked.connect(self.return_selected)
        self.instruct_button.clicked.connect(self.instruct)
        self.open_button.clicked.connect(self._on_open)
        self._on_selection()

    def set_period(self, plan_id: int | None, period_id: int | None) -> None:
        """The plan and period to review; read now when visible, else when shown."""
        self._plan_id, self._period_id = plan_id, period_id
        self.mark_stale()

    def load(self) -> None:
        """Read the reports waiting for review."""
        self._stale = False
        records: list[dict[str, Any]] = []
        if self._plan_id is not None and self._period_id is not None:
            states = [STATE_SUBMITTED]
            if self.show_approved_check.isChecked():
                states.append(STATE_APPROVED)
            try:
                records = worklist.review_queue(
                    self._db, self._actor, self._plan_id, self._period_id, states=states
                )
            except TrackerError as exc:
                errors.show_error(exc, self)
        self.model.set_records(records)
        self.queue_counted.emit(sum(1 for r in records if r["state"] == STATE_SUBMITTED))
        self._on_selection()

    # ------------------------------------------------------------ selection

    def selected(self) -> list[Mapping[str, Any]]:
        """The reports selected, in the order shown."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [self.model.record(self.proxy.mapToSource(i).row()) for i in rows]

    def select_rows(self, rows: list[int]) -> None:
        """Select the reports shown in ``rows`` (as clicks with Ctrl do)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(
                self.proxy.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _on_selection(self, *_args: object) -> None:
        chosen = self.selected()
        records = self.model.records()
        submitted = sum(1 for r in records if r["state"] == STATE_SUBMITTED)
        approved = len(records) - submitted
        self.count_label.setText(
            _COUNT.format(
                submitted=submitted,
                approved=_COUNT_APPROVED.format(count=approved) if approved else "",
                selected=len(chosen),
            )
        )
        self.approve_button.setEnabled(
            bool(chosen) and all(r["state"] == STATE_SUBMITTED for r in chosen)
        )
        self.return_button.setEnabled(bool(chosen))
        self.instruct_button.setEnabled(len(chosen) == 1)
        self.open_button.setEnabled(len(chosen) == 1)
        self.preview.setHtml("".join(self._preview(r) for r in chosen[:20]))

    @staticmethod
    def _preview(record: Mapping[str, Any]) -> str:
        percent = record.get("percent")
        facts = _FACTS.format(
            unit=record["unit"],
            role=record["role_label"],
            state=record["state_label"],
            status=record.get("status") or "",
            percent="" if percent is None else f"，完成 {format_number(float(percent))}%",
            at=record.get("submitted_at") or "",
            by=record.get("submitted_by") or "",
            late="（逾期）" if record.get("late") else "",
        )
        texts = "".join(
            f"<p style='margin:2px 0'><span style='color:#555'>{text_label(n)}：</span>"
            f"{html.escape(str(record.get(n) or '—'))}</p>"
            for n in TEXT_FIELD_NAMES
        )
        head = _HEAD.format(code=record["task_code"], title=record["task_title"])
        return (
            f"<h4 style='margin:8px 0 2px 0'>{html.escape(head)}</h4>"
            f"<p style='margin:2px 0; color:#333'>{html.escape(facts)}</p>{texts}<hr/>"
        )

    # ------------------------------------------------------------ actions

    @staticmethod
    def _keys(chosen: list[Mapping[str, Any]]) -> list[ReportKey]:
        return [
            ReportKey(int(r["task_id"]), int(r["period_id"]), int(r["unit_id"]), int(r["version"]))
            for r in chosen
        ]

    def _run(self, label: str, job: Any, done_text: str, chosen: list[Mapping[str, Any]]) -> None:
        def finished(_result: object) -> None:
            self.load()
            self.reports_changed.emit(int(chosen[0]["task_id"]))
            dialogs.information(self, _TITLE, done_text.format(count=len(chosen)))

        def failed(exc: BaseException) -> None:
            errors.show_error(exc, self)
            self.load()  # the queue as it is now: someone may have changed a report

        self.last_task = run_in_background(
            self, job, finished, label=label, on_error=failed, cancellable=False
        )

    def approve_selected(self) -> None:
        """审核通过 every selected report (one transaction)."""
        chosen = self.selected()
        if not chosen:
            return
        keys = self._keys(chosen)
        db, actor = self._db, self._actor  # the job holds no QObject (see ui.worker)
        self._run(
            _APPROVING,
            lambda _progress: reports.approve_reports(db, actor, keys),
            _APPROVED,
            chosen,
        )

    def return_selected(self) -> None:
        """退回 every selected report with one reason (one transaction)."""
        chosen = self.selected()
        if not chosen:
            return
        reason = TextInputDialog.ask(
            self, _RETURN_TITLE, _RETURN_PROMPT.format(count=len(chosen)), "退回"
        )
        if not reason:
            return
        keys = self._keys(chosen)
        db, actor = self._db, self._actor  # the job holds no QObject (see ui.worker)
        self._run(
            _RETURNING,
            lambda _progress: reports.return_reports(db, actor, keys, reason=reason),
            _RETURNED,
            chosen,
        )

    def instruct(self) -> None:
        """批示 on the task of the selected report."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        record = chosen[0]
        text = TextInputDialog.ask(
            self,
            _INSTRUCT_TITLE,
            _INSTRUCT_PROMPT.format(code=record["task_code"], title=record["task_title"]),
        )
        if not text:
            return
        try:
            instructions.add_instruction(self._db, self._actor, int(record["task_id"]), text)
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self.reports_changed.emit(int(record["task_id"]))
        dialogs.information(self, _TITLE, _INSTRUCTED.format(code=record["task_code"]))

    def _on_open(self, *_args: object) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.task_requested.emit(int(chosen[0]["task_id"]))
