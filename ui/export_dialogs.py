"""The export dialogs (controllers): what to export and where, with the options of the
command line (``tracker export ledger|forms|report``), and the dialog that ends an export.

Each dialog offers ``ask()``, which tests patch, and answers with a request (a plain
dataclass) that :class:`ui.outputs.Outputs` runs in the background. The dialogs read
nothing from the database: :class:`OutputContext` carries what they offer (the plan, its
periods, areas, units and statuses), so that the same dialog serves the main window and
the dashboard's 催办 list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDialog, QWidget

from tracker.outputs import ledger, report
from tracker.outputs.rows import LedgerFilter
from ui import dialogs
from ui.models import AreaKey, area_label
from ui.views.export_dialogs_view import (
    ExportDialogView,
    ExportFinishedView,
    FormsExportView,
    LedgerExportView,
    ReportExportView,
)

_ALL = "全部"
_PERIOD_ITEM = "{name}（截止 {due}{state}）"
_PERIOD_LOCKED = "，已锁定"
_XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
_DOCX_FILTER = "Word 文档 (*.docx)"
_LEDGER_SAVE_TITLE = "保存工作台账"
_REPORT_SAVE_TITLE = "保存工作进展情况报告"
_FOLDER_TITLE = "选择保存填报表的文件夹"
_NO_PATH = "请填写保存位置。"
_NO_FOLDER = "文件夹“{folder}”不存在，请先建立或另选一个。"
_REPLACE_TITLE = "替换已有文件"
_REPLACE_TEXT = "“{name}”已经存在。要用新导出的文件替换它吗？"
_REPLACE = "替换"
_NO_OPEN_PERIOD = "该方案没有未锁定的报告期：已锁定的报告期不能再导出填报表。"
_NO_UNIT = "请选择一个单位。"
_UNKNOWN_UNIT = "方案中没有单位“{unit}”。请从列表中选择。"
_LISTED_UNITS = "催办名单中的 {count} 个单位：{names}"
_LISTED_MORE = "等"
_LISTED_SHOWN = 6
_OWN_UNIT = "本单位"
_KINDS = {
    "half-year": "半年工作进展情况报告（上半年报告期）",
    "annual": "年度工作进展情况报告（全年报告期）",
}
_NO_KIND_PERIOD = "该方案没有可出{kind}的报告期。"


@dataclass(frozen=True)
class OutputContext:
    """What the export dialogs offer, read by the caller: the plan shown, its periods
    (as :func:`tracker.services.worklist.plan_periods` lists them), the period chosen in
    the main window, its areas, the units of its tasks (``lead_units``: those that lead
    one), the statuses (with 未报送) and the folder used last."""

    plan_id: int
    plan_title: str
    periods: tuple[Mapping[str, Any], ...]
    period_id: int | None
    folder: Path
    areas: tuple[AreaKey, ...] = ()
    units: tuple[str, ...] = ()
    lead_units: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerRequest:
    """Export the ledger of ``period`` (code) to ``path``."""

    period: str
    all_periods: bool
    filters: LedgerFilter
    path: Path


@dataclass(frozen=True)
class FormsRequest:
    """Export the forms of ``period`` into ``folder``: every unit's, one ``unit``'s (its
    label), or those of ``unit_ids``."""

    period: str
    folder: Path
    unit: str | None = None
    unit_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ReportRequest:
    """Export the report of ``period`` (code) as ``kind`` to ``path``."""

    period: str
    kind: str
    to: str | None
    issuer: str | None
    signed: dt.date
    path: Path


def period_label(period: Mapping[str, Any]) -> str:
    """A period as the export dialogs list it: 2026年上半年（截止 2026-07-10，已锁定）."""
    state = _PERIOD_LOCKED if period.get("locked") else ""
    return _PERIOD_ITEM.format(name=period["name"], due=period["due_date"], state=state)


def _fill_periods(combo: QComboBox, periods: Sequence[Mapping[str, Any]], chosen: Any) -> None:
    combo.blockSignals(True)
    try:
        combo.clear()
        for period in periods:
            combo.addItem(period_label(period), period)
        index = next((i for i, p in enumerate(periods) if p["id"] == chosen), len(periods) - 1)
        combo.setCurrentIndex(max(index, 0))
    finally:
        combo.blockSignals(False)


def _chosen_period(combo: QComboBox) -> Mapping[str, Any] | None:
    data = combo.currentData()
    return data if isinstance(data, Mapping) else None


def _with_suffix(text: str, suffix: str) -> Path:
    path = Path(text.strip()).expanduser()
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _may_write(dialog: ExportDialogView, path: Path) -> bool:
    """Whether ``path`` may be written: its folder exists (else the dialog says so), and
    an existing file is replaced only when the user agrees."""
    if not path.parent.is_dir():
        dialog.show_message(_NO_FOLDER.format(folder=path.parent))
        return False
    dialog.show_message("")
    return not path.exists() or dialogs.confirm(
        dialog, _REPLACE_TITLE, _REPLACE_TEXT.format(name=path.name), yes=_REPLACE
    )


class _SuggestedPath:
    """Keeps the proposed file name in step with the choices, until the user types or
    browses a path of their own."""

    def __init__(self, edit: Any) -> None:
        self._edit = edit
        self._suggested = ""

    def suggest(self, path: Path) -> None:
        current = self._edit.text()
        if not current or current == self._suggested:
            self._suggested = str(path)
            self._edit.setText(self._suggested)


# ---------------------------------------------------------------- 工作台账


class LedgerExportDialog(LedgerExportView):
    """See the module docstring."""

    def __init__(self, context: OutputContext, parent: QWidget | None = None) -> None:
        super().__init__(_ALL, parent)
        self._context = context
        self.request: LedgerRequest | None = None
        self._path = _SuggestedPath(self.path_edit)
        _fill_periods(self.period_combo, context.periods, context.period_id)
        for area in context.areas:
            self.area_combo.addItem(area_label(*area), area)
        for unit in context.lead_units:
            self.lead_combo.addItem(unit, unit)
        for status in context.statuses:
            self.status_combo.addItem(status, status)
        self.period_combo.currentIndexChanged.connect(self._suggest)
        self.all_periods_check.toggled.connect(self._suggest)
        self.browse_button.clicked.connect(self._on_browse)
        self.ok_button.clicked.connect(self._on_ok)
        self._suggest()

    def _suggest(self, *_args: object) -> None:
        period = _chosen_period(self.period_combo)
        if period is not None:
            name = ledger.default_file_name(
                self._context.plan_title,
                str(period["name"]),
                all_periods=self.all_periods_check.isChecked(),
            )
            self._path.suggest(self._context.folder / name)

    def _on_browse(self) -> None:
        chosen = dialogs.choose_save_file(
            self, _LEDGER_SAVE_TITLE, _XLSX_FILTER, self.path_edit.text()
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _filters(self) -> LedgerFilter:
        area = self.area_combo.currentData()
        lead = self.lead_combo.currentText().strip()
        status = self.status_combo.currentData()
        return LedgerFilter(
            area=area[1] if isinstance(area, tuple) else None,
            lead_unit=lead if lead and lead != _ALL else None,
            status=status if isinstance(status, str) else None,
            only_late=self.late_check.isChecked(),
        )

    def _on_ok(self) -> None:
        period = _chosen_period(self.period_combo)
        lead = self.lead_combo.currentText().strip()
        if lead and lead != _ALL and lead not in self._context.lead_units:
            self.show_message(_UNKNOWN_UNIT.format(unit=lead))
            return
        if period is None or not self.path_edit.text().strip():
            self.show_message(_NO_PATH)
            return
        path = _with_suffix(self.path_edit.text(), ".xlsx")
        if not _may_write(self, path):
            return
        self.request = LedgerRequest(
            str(period["code"]), self.all_periods_check.isChecked(), self._filters(), path
        )
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, context: OutputContext) -> LedgerRequest | None:
        """The export chosen, or None when cancelled (tests patch this)."""
        dialog = cls(context, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request


# ---------------------------------------------------------------- 填报表


class FormsExportDialog(FormsExportView):
    """See the module docstring. ``own_unit`` (a reporter's unit) fixes the unit;
    ``listed`` (the 催办 list: unit id and label) names the units instead of the choice."""

    def __init__(
        self,
        context: OutputContext,
        parent: QWidget | None = None,
        *,
        own_unit: str | None = None,
        listed: Sequence[tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._listed = tuple(listed) if listed is not None else None
        self._unit_ids = tuple(i for i, _name in listed) if listed is not None else None
        self._own_unit = own_unit
        self.request: FormsRequest | None = None
        open_periods = [p for p in context.periods if not p.get("locked")]
        _fill_periods(self.period_combo, open_periods, context.period_id)
        for unit in context.units:
            self.unit_combo.addItem(unit, unit)
        self._set_units()
        self.folder_edit.setText(str(context.folder))
        self.browse_button.clicked.connect(self._on_browse)
        self.ok_button.clicked.connect(self._on_ok)
        self.one_unit_radio.toggled.connect(self.unit_combo.setEnabled)
        if not open_periods:
            self.show_message(_NO_OPEN_PERIOD)
            self.ok_button.setEnabled(False)

    def _set_units(self) -> None:
        if self._listed is not None:
            names = [name for _id, name in self._listed]
            more = _LISTED_MORE if len(names) > _LISTED_SHOWN else ""
            self.listed_label.setText(
                _LISTED_UNITS.format(
                    count=len(names), names="、".join(names[:_LISTED_SHOWN]) + more
                )
            )
            self.all_units_radio.setVisible(False)
            self.one_unit_row.setVisible(False)
            return
        self.listed_label.setVisible(False)
        if self._own_unit is not None:
            self.unit_combo.clear()
            self.unit_combo.addItem(self._own_unit, self._own_unit)
            self.one_unit_radio.setChecked(True)
            self.one_unit_radio.setText(_OWN_UNIT + "：")
            self.all_units_radio.setVisible(False)
            self.one_unit_radio.setEnabled(False)
            self.unit_combo.setEnabled(False)
            return
        self.all_units_radio.setChecked(True)
        self.unit_combo.setEnabled(False)

    def choose_unit(self, unit: str) -> None:
        """Export only ``unit``'s form (as choosing it in the list does)."""
        self.one_unit_radio.setChecked(True)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(unit), 0))

    def _on_browse(self) -> None:
        chosen = dialogs.choose_folder(self, _FOLDER_TITLE, self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def _on_ok(self) -> None:
        period = _chosen_period(self.period_combo)
        text = self.folder_edit.text().strip()
        if period is None or not text:
            self.show_message(_NO_PATH)
            return
        unit: str | None = None
        if self._unit_ids is None and self.one_unit_radio.isChecked():
            unit = self.unit_combo.currentText().strip()
            if not unit:
                self.show_message(_NO_UNIT)
                return
            if unit not in self._context.units and unit != self._own_unit:
                self.show_message(_UNKNOWN_UNIT.format(unit=unit))
                return
        self.request = FormsRequest(
            str(period["code"]), Path(text).expanduser(), unit=unit, unit_ids=self._unit_ids
        )
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        context: OutputContext,
        *,
        own_unit: str | None = None,
        listed: Sequence[tuple[int, str]] | None = None,
    ) -> FormsRequest | None:
        """The export chosen, or None when cancelled (tests patch this)."""
        dialog = cls(context, parent, own_unit=own_unit, listed=listed)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request


# ---------------------------------------------------------------- 工作进展情况报告


class ReportExportDialog(ReportExportView):
    """See the module docstring. The kind follows the period (上半年 → 半年, 全年 → 年度);
    choosing a kind lists the periods that take it."""

    def __init__(
        self, context: OutputContext, parent: QWidget | None = None, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.request: ReportRequest | None = None
        self._path = _SuggestedPath(self.path_edit)
        for kind, text in _KINDS.items():
            self.kind_combo.addItem(text, kind)
        chosen = next((p for p in context.periods if p["id"] == context.period_id), None)
        if chosen is None and context.periods:
            chosen = context.periods[-1]
        kind = report.kind_for(str(chosen["code"])) if chosen else "half-year"
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self._fill_kind_periods(chosen["id"] if chosen else None)
        self.issuer_edit.setText(report.default_issuer())
        signed = today or dt.date.today()
        self.date_edit.setDate(QDate(signed.year, signed.month, signed.day))
        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.period_combo.currentIndexChanged.connect(self._suggest)
        self.browse_button.clicked.connect(self._on_browse)
        self.ok_button.clicked.connect(self._on_ok)
        self._suggest()

    def _kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _fill_kind_periods(self, chosen: Any) -> None:
        fitting = [
            p for p in self._context.periods if report.kind_for(str(p["code"])) == self._kind()
        ]
        _fill_periods(self.period_combo, fitting, chosen)
        self.ok_button.setEnabled(bool(fitting))
        kind_name = self.kind_combo.currentText()
        self.show_message("" if fitting else _NO_KIND_PERIOD.format(kind=kind_name))

    def _on_kind(self, _index: int) -> None:
        before = _chosen_period(self.period_combo)
        self._fill_kind_periods(before["id"] if before else self._context.period_id)
        self._suggest()

    def _suggest(self, *_args: object) -> None:
        period = _chosen_period(self.period_combo)
        if period is not None:
            name = report.default_file_name(
                self._context.plan_title, int(period["year"]), self._kind()
            )
            self._path.suggest(self._context.folder / name)

    def _on_browse(self) -> None:
        chosen = dialogs.choose_save_file(
            self, _REPORT_SAVE_TITLE, _DOCX_FILTER, self.path_edit.text()
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _on_ok(self) -> None:
        period = _chosen_period(self.period_combo)
        if period is None or not self.path_edit.text().strip():
            self.show_message(_NO_PATH)
            return
        path = _with_suffix(self.path_edit.text(), ".docx")
        if not _may_write(self, path):
            return
        day = self.date_edit.date()
        self.request = ReportRequest(
            period=str(period["code"]),
            kind=self._kind(),
            to=self.to_edit.text().strip() or None,
            issuer=self.issuer_edit.text().strip() or None,
            signed=dt.date(day.year(), day.month(), day.day()),
            path=path,
        )
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, context: OutputContext) -> ReportRequest | None:
        """The export chosen, or None when cancelled (tests patch this)."""
        dialog = cls(context, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request


# ---------------------------------------------------------------- the end of an export


class ExportFinishedDialog(ExportFinishedView):
    """ "已导出…" with 打开文件 / 打开所在文件夹 / 关闭; ``choice`` is "file", "folder" or
    None. Without a single file to open (the forms of several units), only the folder."""

    FILE = "file"
    FOLDER = "folder"

    def __init__(
        self,
        title: str,
        text: str,
        files: Sequence[Path],
        parent: QWidget | None = None,
    ) -> None:
        listed = "\n".join(p.name for p in files) if len(files) > 1 else ""
        super().__init__(title, text, listed, parent)
        self.choice: str | None = None
        self.open_file_button.setVisible(len(files) == 1)
        self.open_file_button.clicked.connect(lambda: self._choose(self.FILE))
        self.open_folder_button.clicked.connect(lambda: self._choose(self.FOLDER))
        default = self.open_file_button if len(files) == 1 else self.open_folder_button
        default.setDefault(True)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, title: str, text: str, files: Sequence[Path]
    ) -> str | None:
        """What the user wants opened (tests patch this)."""
        dialog = cls(title, text, files, parent)
        dialog.exec()
        return dialog.choice
