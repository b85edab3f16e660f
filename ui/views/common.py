"""What the views share: the program's name, and how a read-only record table looks."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

APP_TITLE = "碳达峰任务台账"


def record_table(
    model: QAbstractItemModel,
    parent: QWidget | None = None,
    *,
    stretch_column: int | None = None,
    wrap: bool = False,
) -> QTableView:
    """A read-only, row-selecting table view of ``model`` without a row header;
    ``stretch_column`` takes the remaining width (default: the last column). With ``wrap``
    long cells wrap and rows grow to fit them (for short tables of sentences)."""
    view = QTableView(parent)
    view.setModel(model)  # first: the header's sections exist only once there is a model
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(wrap)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setAlternatingRowColors(True)
    rows = view.verticalHeader()
    rows.setVisible(False)
    rows.setMinimumSectionSize(view.fontMetrics().height() + 10)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
    if wrap:
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    # Columns fitted to their contents look at the first rows only: a table of 1,000
    # targets is measured in no time, and the rows further down are alike.
    header.setResizeContentsPrecision(100)
    if stretch_column is None:
        header.setStretchLastSection(True)
    else:
        header.setStretchLastSection(False)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view
