"""Table models of the outputs (STYLE rule 6): the outcome of importing returned 填报表,
one row per row of each file — applied (what became of it) or refused (why), with the
file and the row. Built from :mod:`tracker.outputs.forms_import` results by
:func:`import_records`, plain Python, so that it is tested without Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tracker.errors import TrackerError
from tracker.outputs.forms_import import FormImport, FormRejected
from ui.models import Index, _RecordTableModel
from ui.progress_models import LIGHT_COLORS, LIGHT_RED

APPLIED = "已导入"
REFUSED = "未导入"
_NO_ROWS = "表中没有数据行"
_NOT_READ = "已取消，未读取"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class FileOutcome:
    """What became of one returned form: imported (``imported``), refused (``refused``,
    nothing of that file was written) or not read at all (``skipped``: cancelled)."""

    path: Path
    imported: FormImport | None = None
    refused: TrackerError | None = None
    skipped: bool = False


def import_records(outcomes: Iterable[FileOutcome]) -> list[dict[str, Any]]:
    """One record per row of each file: file, row (None: the file as a whole), task,
    outcome (已导入 / 未导入), what was done or why not, and ``ok``. The files that were
    not imported come first: they are what the user has to act on."""
    records: list[dict[str, Any]] = []
    listed = list(outcomes)
    for outcome in [o for o in listed if o.imported is None] + [
        o for o in listed if o.imported is not None
    ]:
        name = outcome.path.name
        if outcome.imported is not None:
            rows = outcome.imported.rows
            records += [
                _record(name, r.row, r.code or str(r.task_id), APPLIED, r.action, ok=True)
                for r in rows
            ]
            if not rows:
                records.append(_record(name, None, "", APPLIED, _NO_ROWS, ok=True))
        elif isinstance(outcome.refused, FormRejected):
            records += [
                _record(name, p.row, p.task, REFUSED, p.reason, ok=False)
                for p in outcome.refused.problems
            ]
        elif outcome.refused is not None:
            records.append(_record(name, None, "", REFUSED, str(outcome.refused), ok=False))
        elif outcome.skipped:
            records.append(_record(name, None, "", REFUSED, _NOT_READ, ok=False))
    return records


def _record(
    file: str, row: int | None, task: str, outcome: str, detail: str, *, ok: bool
) -> dict[str, Any]:
    return {"file": file, "row": row, "task": task, "outcome": outcome, "detail": detail, "ok": ok}


def import_counts(outcomes: Sequence[FileOutcome]) -> dict[str, int]:
    """Rows per action over the files imported (新建草稿 3, 已报送 2 …)."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.imported is not None:
            for action, count in outcome.imported.counts.items():
                counts[action] = counts.get(action, 0) + count
    return counts


class FormImportResultModel(_RecordTableModel):
    """The rows of :func:`import_records`; refused rows in red."""

    HEADERS = ("文件", "行", "任务", "结果", "说明")

    def _cells_of(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        row = record.get("row")
        return (
            str(record.get("file") or ""),
            "" if row is None else str(row),
            str(record.get("task") or ""),
            str(record.get("outcome") or ""),
            str(record.get("detail") or ""),
        )

    def _sort_key(self, row: int, column: int) -> Any:
        if column == 1:
            return row  # the records come file by file, row by row
        return self._cells[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and not record.get("ok"):
            return QColor(LIGHT_COLORS[LIGHT_RED])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return _RIGHT
        return super().data(index, role)
