"""The detail pane of one task: its full text, units, place in the file and targets."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.models import TargetTableModel, area_label
from ui.views.common import record_table

_PLACEHOLDER = "请在上方表格中选择一项任务，这里显示它的全文、责任单位和目标。"
_AREA = "重点领域"
_MEASURE = "行动措施"
_LEAD = "牵头单位"
_COOPERATING = "配合单位"
_DEADLINE = "完成时限"
_REMARKS = "备注"
_PLACE = "原文位置"
_NONE = "无"
_TARGETS = "量化目标（{count}）"
_NO_TARGETS = "未从任务原文中识别出量化目标。"
_DETAIL_TITLE = "任务 {code} — {title}"


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def task_html(task: Mapping[str, Any]) -> str:
    """The task as rich text for the detail pane."""
    lead = "、".join(task.get("lead_units") or []) or _NONE
    coop = "、".join(task.get("cooperating_units") or []) or _NONE
    rows = [
        (_AREA, area_label(str(task.get("area_code") or ""), str(task.get("area") or ""))),
        (_LEAD, lead),
        (_COOPERATING, coop),
    ]
    if task.get("deadline"):
        rows.append((_DEADLINE, str(task["deadline"])))
    if task.get("remarks"):
        rows.append((_REMARKS, str(task["remarks"])))
    if task.get("where"):
        rows.append((_PLACE, str(task["where"])))
    facts = "".join(
        f"<tr><td style='color:#555; padding-right:12px; white-space:nowrap'>{html.escape(k)}</td>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    code = html.escape(str(task.get("code") or ""))
    title = html.escape(str(task.get("title") or ""))
    return (
        f"<h3 style='margin-top:0'>{code}　{title}</h3>"
        f"<table cellspacing='0' cellpadding='2'>{facts}</table>"
        f"<hr/>{_paragraphs(str(task.get('content') or ''))}"
    )


class TaskDetailView(QWidget):
    """Shows one task; :meth:`show_task` with None shows a hint instead."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
    ) -> None:
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setPlaceholderText(_PLACEHOLDER)
        self.targets_model = TargetTableModel(self)
        self.targets_label = QLabel()
        # the source sentence (原文) wraps
        self.targets_view = record_table(self.targets_model, stretch_column=3, wrap=True)
        header = self.targets_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(1, 150)

        targets_box = QWidget()
        targets_layout = QVBoxLayout(targets_box)
        targets_layout.setContentsMargins(0, 0, 0, 0)
        targets_layout.addWidget(self.targets_label)
        targets_layout.addWidget(self.targets_view, 1)
        self._targets_box = targets_box

        self.splitter = QSplitter(orientation)
        self.splitter.addWidget(self.text)
        self.splitter.addWidget(targets_box)
        vertical = orientation == Qt.Orientation.Vertical
        self.splitter.setStretchFactor(0, 2 if vertical else 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_task(None)

    def show_task(self, task: Mapping[str, Any] | None) -> None:
        """Show ``task`` (a task dict), or the placeholder when None."""
        if task is None:
            self.text.clear()
            self.targets_model.set_records([])
            self.targets_label.setText("")
            self._targets_box.setVisible(False)
            return
        self.text.setHtml(task_html(task))
        targets = list(task.get("targets") or [])
        self.targets_model.set_records(targets)
        self._targets_box.setVisible(True)
        self.targets_view.setVisible(bool(targets))
        self.targets_label.setText(_TARGETS.format(count=len(targets)) if targets else _NO_TARGETS)


class TaskDetailDialog(QDialog):
    """A separate window with one task's detail (Enter or double-click on a row)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(860, 560)
        self.detail_view = TaskDetailView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.detail_view)

    def show_task(self, task: Mapping[str, Any]) -> None:
        """Show ``task`` and bring the window up."""
        self.setWindowTitle(
            _DETAIL_TITLE.format(code=task.get("code") or "", title=task.get("title") or "")
        )
        self.detail_view.show_task(task)
        self.show()
        self.raise_()
        self.activateWindow()
