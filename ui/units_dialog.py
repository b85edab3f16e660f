"""Units and aliases (controller): list, add an alias, merge two units after confirmation."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QWidget

from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import units as unit_service
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.views.units_dialog_view import AliasDialog, MergeUnitDialog, UnitsDialogView

_SELECT_FIRST = "请先在表格中选择一个单位。"
_SELECT_TITLE = "单位与别名"
_CONFIRM_TITLE = "确认合并单位"
_CONFIRM_TEXT = (
    "确定要把“{source}”并入“{target}”吗？\n\n"
    "“{source}”的 {count} 项任务、填报和用户将转到“{target}”，"
    "“{source}”将成为“{target}”的别名。此操作不能撤销。"
)
_MERGE = "合并"
_DONE_ALIAS = "已为“{unit}”添加别名“{alias}”。"
_DONE_MERGE = "已把“{source}”并入“{target}”。"


class UnitsDialog(UnitsDialogView):
    """The units dialog; ``units_changed`` is emitted after each successful change."""

    units_changed = Signal()

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.changed = False
        self.search_edit.textChanged.connect(self._on_search)
        self.add_alias_button.clicked.connect(self._on_add_alias)
        self.merge_button.clicked.connect(self._on_merge)
        self.close_button.clicked.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(self._on_add_alias)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the units again and select ``select`` (default: keep the selection)."""
        keep = select or self.selected_unit()
        self.model.set_records(unit_service.list_units(self._db))
        self.set_count(self.model.rowCount(), self._actor.is_coordinator)
        if keep is not None:
            self.select_unit(keep)
        self._on_selection()

    def select_unit(self, name: str) -> bool:
        """Select the unit shown as ``name`` (its label) if it is listed (and not filtered
        out)."""
        row = self.model.row_of_unit(name)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def selected_unit(self) -> str | None:
        """The label of the selected unit (its name, or 地区·名称 where names are shared)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        record = self.model.record(source.row())
        return str(record.get("label") or record["name"])

    # ------------------------------------------------------------ handlers

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())

    def _on_selection(self, *_args: object) -> None:
        editable = self._actor.is_coordinator and self.selected_unit() is not None
        self.add_alias_button.setEnabled(editable)
        self.merge_button.setEnabled(editable and self.model.rowCount() > 1)

    def _on_add_alias(self, *_args: object) -> None:
        unit = self.selected_unit()
        if unit is None:
            dialogs.information(self, _SELECT_TITLE, _SELECT_FIRST)
            return
        if not self._actor.is_coordinator:
            return
        alias = AliasDialog.ask(self, unit)
        if alias is None:
            return
        try:
            unit_service.add_alias(self._db, self._actor, alias, unit)
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self._changed(unit, _DONE_ALIAS.format(unit=unit, alias=alias))

    def _on_merge(self) -> None:
        source = self.selected_unit()
        if source is None:
            dialogs.information(self, _SELECT_TITLE, _SELECT_FIRST)
            return
        records = self.model.records()
        targets = [str(r["label"]) for r in records if r["label"] != source]
        target = MergeUnitDialog.ask(self, source, targets)
        if target is None:
            return
        count = next((int(r["task_count"]) for r in records if r["label"] == source), 0)
        question = _CONFIRM_TEXT.format(source=source, target=target, count=count)
        if not dialogs.confirm(self, _CONFIRM_TITLE, question, yes=_MERGE):
            return
        try:
            unit_service.merge_units(self._db, self._actor, source, target)
        except TrackerError as exc:
            errors.show_error(exc, self)
            return
        self._changed(target, _DONE_MERGE.format(source=source, target=target))

    def _changed(self, select: str, message: str) -> None:
        self.changed = True
        self.reload(select)
        self.count_label.setText(f"{self.count_label.text()}　{message}")
        self.units_changed.emit()

    @classmethod
    def show_dialog(cls, parent: QWidget | None, db: Database, actor: Actor) -> bool:
        """Show the dialog modally; True when a unit or alias changed (tests patch this)."""
        dialog = cls(db, actor, parent)
        dialog.exec()
        return dialog.changed
