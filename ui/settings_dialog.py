"""共享设置 (controller, coordinators): the status vocabulary — add, edit (description,
colour, rank), rename, move, remove — and the other shared settings (default due dates of
the two halves, the 催办 warning window, the minimum password length, the evidence size
cap), each change through :mod:`tracker.services.settings` (one transaction, audited).

What the service refuses — two statuses at the top rank, a status in use removed without
a replacement or belonging to a locked period — is shown as a dialog and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import settings as settings_service
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.views.settings_dialog_view import ReplacementView, SettingsDialogView, StatusEditView

_RENAME_TITLE = "重命名状态"
_RENAME_LABEL = "“{name}”的新名称："
_RENAME_IN_USE_TITLE = "重命名状态"
_RENAME_IN_USE = (
    "状态“{name}”已有 {count} 份填报使用。重命名会同时把这些填报的状态改为“{new}”"
    "（含义不变，记入审计日志）。确定重命名吗？"
)
_RENAME = "重命名"
_REMOVE_TITLE = "删除状态"
_REMOVE_TEXT = "从状态词表中删除“{name}”？"
_REMOVE = "删除"
_NO_NAME = "请填写状态名称。"
_SAVED = "已保存：{items}。"
_NOTHING_CHANGED = "设置没有改动。"
_MB = 1024 * 1024
_WHAT = "修改共享设置"


@dataclass(frozen=True)
class StatusValues:
    """What the status editor holds."""

    name: str
    description: str
    color: str
    rank: int


class StatusEditDialog(StatusEditView):
    """Adds (``status`` None) or edits a status; see :class:`StatusEditView`."""

    def __init__(
        self, status: Mapping[str, Any] | None, default_rank: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(None if status is None else str(status["name"]), parent)
        self.values: StatusValues | None = None
        if status is not None:
            self.description_edit.setText(str(status.get("description") or ""))
            self.color_edit.setText(str(status.get("color") or ""))
            self.rank_spin.setValue(int(status.get("rank") or 0))
        else:
            self.rank_spin.setValue(default_rank)
        self.ok_button.clicked.connect(self._on_ok)

    def _on_ok(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self.message_label.setText(_NO_NAME)
            return
        self.values = StatusValues(
            name,
            self.description_edit.text().strip(),
            self.color_edit.text().strip(),
            self.rank_spin.value(),
        )
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, status: Mapping[str, Any] | None, default_rank: int
    ) -> StatusValues | None:
        """The values entered, or None when cancelled (tests patch this)."""
        dialog = cls(status, default_rank, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values


class ReplacementDialog(ReplacementView):
    """Asks which status the reports of a removed status take instead."""

    @classmethod
    def ask(cls, parent: QWidget | None, name: str, count: int, others: list[str]) -> str | None:
        """The replacement chosen, or None when cancelled (tests patch this)."""
        dialog = cls(name, count, others, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.combo.currentText()


class SettingsDialog(SettingsDialogView):
    """See the module docstring; ``changed`` is True once something was saved."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        # the menu hides it from reporters; refused here too, before anything is shown
        actor.require_coordinator(_WHAT)
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.changed = False
        self._shown: dict[str, str] = {}
        self.add_button.clicked.connect(self.add_status)
        self.edit_button.clicked.connect(self.edit_status)
        self.rename_button.clicked.connect(self.rename_status)
        self.up_button.clicked.connect(lambda: self.move_status(-1))
        self.down_button.clicked.connect(lambda: self.move_status(1))
        self.remove_button.clicked.connect(self.remove_status)
        self.save_button.clicked.connect(self.save_settings)
        self.status_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.status_table.activated.connect(lambda _index: self.edit_status())
        self._show(settings_service.show(db), fields=True)

    # ------------------------------------------------------------ showing

    def _show(
        self, shown: Mapping[str, Any], select: str | None = None, *, fields: bool = False
    ) -> None:
        """Show the statuses (and, with ``fields``, the other settings: a status changed
        leaves other settings being edited as they are)."""
        keep = select or (self.selected() or {}).get("name")
        statuses = list(shown["statuses"])
        self.status_model.set_records(statuses)
        names = [s["name"] for s in statuses]
        if keep in names:
            self.select_status(str(keep))
        if fields:
            for entry in shown["settings"]:
                key = entry["key"]
                if key in self.fields:
                    self.field_labels[key].setText(f"{entry['label']}：")
                    self.field_hints[key].setText(entry["hint"])
                    self._fill(key, entry["value"])
            self._shown = self._texts()
        self._update_buttons()

    def _fill(self, key: str, value: Any) -> None:
        if key == "due_dates.H1":
            self.due_h1_edit.set_value(value["month"], value["day"], False)
        elif key == "due_dates.H2":
            self.due_h2_edit.set_value(value["month"], value["day"], bool(value["next_year"]))
        elif key == "reminder_warning_days":
            self.warning_spin.setValue(int(value))
        elif key == "password_min_length":
            self.password_spin.setValue(int(value))
        elif key == "evidence_max_bytes":
            self.evidence_spin.setValue(int(value) / _MB)

    def _texts(self) -> dict[str, str]:
        """Each setting as the service reads it."""
        return {
            "due_dates.H1": self.due_h1_edit.text(),
            "due_dates.H2": self.due_h2_edit.text(),
            "reminder_warning_days": str(self.warning_spin.value()),
            "password_min_length": str(self.password_spin.value()),
            "evidence_max_bytes": f"{self.evidence_spin.value():g}MB",
        }

    def selected(self) -> Mapping[str, Any] | None:
        """The status selected."""
        rows = self.status_table.selectionModel().selectedRows()
        return self.status_model.record(rows[0].row()) if rows else None

    def select_status(self, name: str) -> None:
        """Select the status called ``name`` (as a click does)."""
        for row, record in enumerate(self.status_model.records()):
            if record["name"] == name:
                self.status_table.selectionModel().setCurrentIndex(
                    self.status_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    def _update_buttons(self, *_args: object) -> None:
        status = self.selected()
        count = self.status_model.rowCount()
        position = int(status["position"]) if status else 0
        for button in (self.edit_button, self.rename_button):
            button.setEnabled(status is not None)
        self.remove_button.setEnabled(status is not None and count > 1)
        self.up_button.setEnabled(status is not None and position > 1)
        self.down_button.setEnabled(status is not None and position < count)

    # ------------------------------------------------------------ writing

    def _apply(
        self,
        call: Callable[[], dict[str, Any]],
        select: str | None = None,
        *,
        fields: bool = False,
    ) -> bool:
        """Run one service call; a refusal is shown and nothing changes."""
        try:
            shown = call()
        except TrackerError as exc:
            errors.show_error(exc, self)
            self._show(settings_service.show(self._db))
            return False
        self.changed = True
        self._show(shown, select, fields=fields)
        return True

    def _lowest_rank(self) -> int:
        ranks = [int(s["rank"]) for s in self.status_model.records()]
        return min(ranks, default=1) - 1

    def add_status(self) -> None:
        """添加…: a new status (by default the least advanced)."""
        values = StatusEditDialog.ask(self, None, self._lowest_rank())
        if values is not None:
            self._apply(
                lambda: settings_service.add_status(
                    self._db,
                    self._actor,
                    values.name,
                    description=values.description,
                    color=values.color,
                    rank=values.rank,
                ),
                values.name,
            )

    def edit_status(self) -> None:
        """修改…: description, colour and rank of the selected status."""
        status = self.selected()
        if status is None:
            return
        values = StatusEditDialog.ask(self, status, int(status["rank"]))
        if values is not None:
            self._apply(
                lambda: settings_service.edit_status(
                    self._db,
                    self._actor,
                    str(status["name"]),
                    description=values.description,
                    color=values.color,
                    rank=values.rank,
                )
            )

    def rename_status(self) -> None:
        """重命名…: reports that use the status are renamed with it, once confirmed."""
        status = self.selected()
        if status is None:
            return
        name = str(status["name"])
        new = dialogs.ask_text(self, _RENAME_TITLE, _RENAME_LABEL.format(name=name))
        if not new or new == name:
            return
        count = int(status["reports"])
        if count and not dialogs.confirm(
            self,
            _RENAME_IN_USE_TITLE,
            _RENAME_IN_USE.format(name=name, count=count, new=new),
            yes=_RENAME,
        ):
            return
        self._apply(
            lambda: settings_service.rename_status(
                self._db, self._actor, name, new, update_reports=bool(count)
            ),
            new,
        )

    def move_status(self, step: int) -> None:
        """上移 (-1) / 下移 (1) the selected status in the order lists show."""
        status = self.selected()
        if status is None:
            return
        position = int(status["position"]) + step
        self._apply(
            lambda: settings_service.edit_status(
                self._db, self._actor, str(status["name"]), position=position
            )
        )

    def remove_status(self) -> None:
        """删除…: a status in use needs the status its reports take instead."""
        status = self.selected()
        if status is None:
            return
        name, count = str(status["name"]), int(status["reports"])
        replacement: str | None = None
        if count:
            others = [s["name"] for s in self.status_model.records() if s["name"] != name]
            replacement = ReplacementDialog.ask(self, name, count, others)
            if replacement is None:
                return
        elif not dialogs.confirm(self, _REMOVE_TITLE, _REMOVE_TEXT.format(name=name), yes=_REMOVE):
            return
        self._apply(
            lambda: settings_service.remove_status(
                self._db, self._actor, name, replace_with=replacement
            )
        )

    def save_settings(self) -> bool:
        """保存设置: the other settings that were changed, in one transaction."""
        now = self._texts()
        changes = {key: text for key, text in now.items() if text != self._shown.get(key)}
        if not changes:
            self.message_label.setText(_NOTHING_CHANGED)
            return False
        if not self._apply(
            lambda: settings_service.set_values(self._db, self._actor, changes), fields=True
        ):
            return False
        items = "、".join(str(self.field_labels[key].text()).rstrip("：") for key in changes)
        self.message_label.setText(_SAVED.format(items=items))
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, actor: Actor) -> bool:
        """Show the dialog; True when something was changed (tests patch this)."""
        try:
            dialog = cls(db, actor, parent)
        except TrackerError as exc:
            errors.show_error(exc, parent)
            return False
        dialog.exec()
        return dialog.changed
