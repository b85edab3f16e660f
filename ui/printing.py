"""Printing a report form (Ctrl+Shift+P): the report as a document, in Qt's print preview.

:class:`PreviewDialog` is Qt's preview on a page size and orientation of its own;
:class:`PrintPreview` shows an HTML document in it; the 工作台账 (Ctrl+P) is painted by
:mod:`ui.ledger_print` on A3 landscape.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
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


class PreviewDialog(QPrintPreviewDialog):
    """Qt's print preview on a page size and orientation of the class's own (A4 portrait
    unless it says else); a subclass paints its pages in :meth:`paint_pages`."""

    PAGE = QPageSize.PageSizeId.A4
    ORIENTATION = QPageLayout.Orientation.Portrait
    MARGINS_MM = _MARGINS_MM
    SIZE = (900, 800)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setPageLayout(self.page_layout())
        super().__init__(self._printer, parent)
        self.setWindowTitle(_PREVIEW_TITLE.format(title=title))
        self.paintRequested.connect(self.paint_pages)
        self.resize(*self.SIZE)

    @classmethod
    def page_layout(cls) -> QPageLayout:
        """The page the preview starts with: size, orientation, margins."""
        return QPageLayout(
            QPageSize(cls.PAGE),
            cls.ORIENTATION,
            QMarginsF(*cls.MARGINS_MM),
            QPageLayout.Unit.Millimeter,
        )

    @classmethod
    def pdf_printer(cls, path: str) -> QPrinter:
        """A printer writing PDF to ``path`` on the preview's page (for tests and benches)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setPageLayout(cls.page_layout())
        return printer

    @property
    def page_printer(self) -> QPrinter:
        """The printer the preview lays the pages out for."""
        return self._printer

    def paint_pages(self, printer: QPrinter) -> None:
        """Paint every page into ``printer``."""
        raise NotImplementedError


class PrintPreview(PreviewDialog):
    """The print preview of an HTML document (a report form), laid out by Qt."""

    def __init__(self, title: str, document_html: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.document = QTextDocument(self)
        self.document.setHtml(document_html)

    def paint_pages(self, printer: QPrinter) -> None:
        """Qt's layout of the document, page by page."""
        self.document.print_(printer)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, document_html: str) -> None:
        """Show the preview modally (tests patch this)."""
        cls(title, document_html, parent).exec()
