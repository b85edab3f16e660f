"""Printing a report form (Ctrl+Shift+P): the report as a document, in Qt's print preview.

:class:`PrintPreview` shows any HTML document on a page size and orientation of its own;
the 工作台账 (Ctrl+P) is printed by :mod:`ui.ledger_print` on A3 landscape.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from ui.views.report_form_view import TEXT_FIELD_NAMES, text_label

if TYPE_CHECKING:
    from ui.report_form import FormValues

_TITLE = "碳达峰任务进展填报单"
_ROWS = (
    ("报告期", "period"),
    ("任务", "task"),
    ("牵头单位", "lead"),
    ("配合单位", "cooperating"),
    ("填报单位", "unit"),
    ("进展状态", "status"),
    ("完成进度", "percent"),
)
_PREVIEW_TITLE = "打印预览 — {title}"
_MARGINS_MM = (20.0, 20.0, 20.0, 20.0)  # left, top, right, bottom


def report_html(
    task: Mapping[str, Any], period: Mapping[str, Any], values: FormValues, unit: str
) -> str:
    """The report as an HTML document for printing."""
    facts = {
        "period": f"{period.get('name')}（截止 {period.get('due_date')}）",
        "task": f"{task.get('code')}　{task.get('title')}",
        "lead": "、".join(task.get("lead_units") or []) or "无",
        "cooperating": "、".join(task.get("cooperating_units") or []) or "无",
        "unit": unit,
        "status": values.status or "（未选择）",
        "percent": f"{values.percent}%" if values.percent else "（未填写）",
    }
    rows = "".join(
        f"<tr><td width='18%' style='background:#f2f2f2'>{html.escape(label)}</td>"
        f"<td>{html.escape(facts[key])}</td></tr>"
        for label, key in _ROWS
    )
    texts = "".join(
        f"<tr><td style='background:#f2f2f2'>{html.escape(text_label(name))}</td>"
        f"<td>{html.escape(values.text(name)).replace(chr(10), '<br/>') or '　'}</td></tr>"
        for name in TEXT_FIELD_NAMES
    )
    return (
        f"<h2 align='center'>{_TITLE}</h2>"
        "<table border='1' cellspacing='0' cellpadding='6' width='100%'>"
        f"{rows}{texts}</table>"
        f"<p>主要工作：{html.escape(str(task.get('content') or ''))}</p>"
    )


class PrintPreview(QPrintPreviewDialog):
    """Qt's print preview of an HTML document; A4 portrait unless the class says else."""

    PAGE = QPageSize.PageSizeId.A4
    ORIENTATION = QPageLayout.Orientation.Portrait
    MARGINS_MM = _MARGINS_MM
    FONT_POINTS: float | None = None  # the document's font size (None: the application's)
    SIZE = (900, 800)

    def __init__(self, title: str, document_html: str, parent: QWidget | None = None) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setPageLayout(
            QPageLayout(
                QPageSize(self.PAGE),
                self.ORIENTATION,
                QMarginsF(*self.MARGINS_MM),
                QPageLayout.Unit.Millimeter,
            )
        )
        super().__init__(self._printer, parent)
        self.setWindowTitle(_PREVIEW_TITLE.format(title=title))
        self.document = QTextDocument(self)
        if self.FONT_POINTS is not None:
            font = QFont(self.document.defaultFont())
            font.setPointSizeF(self.FONT_POINTS)
            self.document.setDefaultFont(font)
        self.document.setHtml(document_html)
        self.paintRequested.connect(self.document.print_)
        self.resize(*self.SIZE)

    @property
    def page_printer(self) -> QPrinter:
        """The printer the preview lays the pages out for."""
        return self._printer

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, document_html: str) -> None:
        """Show the preview modally (tests patch this)."""
        cls(title, document_html, parent).exec()
