"""The actions of the outputs (文件 menu): 导出 ▸ 工作台账 / 填报表 / 工作进展情况报告,
导入填报表, 打印工作台账 (Ctrl+P). Built here and put into the main window's 文件 menu, so
that the main window's own layout stays as it is."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle

from ui.views.main_window_view import MainWindowView

_EXPORT_MENU = "导出(&X)"
_LEDGER = "工作台账(&L)…"
_LEDGER_TIP = "导出工作台账（.xlsx，可直接打印），可按领域、牵头单位、状态筛选"
_FORMS = "填报表(&F)…"
_FORMS_TIP = "为各单位导出本期填报表（.xlsx），发给各单位离线填写"
_OWN_FORMS = "本单位填报表(&F)…"
_OWN_FORMS_TIP = "导出本单位本期的填报表（.xlsx），离线填写后再导入"
_REPORT = "工作进展情况报告(&R)…"
_REPORT_TIP = "按公文格式生成半年 / 年度工作进展情况报告（.docx）"
_IMPORT_FORMS = "导入填报表(&M)…"
_IMPORT_FORMS_TIP = "导入填好的填报表（可多选），逐行显示导入结果或不能导入的原因"
_PRINT_LEDGER = "打印工作台账(&T)…"
_PRINT_LEDGER_TIP = (
    "打印预览当前报告期的工作台账（A3 横向，每页重复表头）；有筛选时只打印表中显示的任务"
)


class OutputActions(QObject):
    """The actions; :meth:`install` puts them into ``window``'s 文件 menu, before 打印填报单."""

    def __init__(self, window: MainWindowView, *, own_forms: bool) -> None:
        super().__init__(window)
        style = window.style()
        self.export_menu = QMenu(_EXPORT_MENU, window)
        self.export_ledger_action = QAction(_LEDGER, window)
        self.export_forms_action = QAction(_OWN_FORMS if own_forms else _FORMS, window)
        self.export_report_action = QAction(_REPORT, window)
        self.import_forms_action = QAction(_IMPORT_FORMS, window)
        self.print_ledger_action = QAction(_PRINT_LEDGER, window)
        self.print_ledger_action.setShortcut(QKeySequence.StandardKey.Print)  # Ctrl+P
        self.print_ledger_action.setIcon(
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView)
        )
        for action, tip in (
            (self.export_ledger_action, _LEDGER_TIP),
            (self.export_forms_action, _OWN_FORMS_TIP if own_forms else _FORMS_TIP),
            (self.export_report_action, _REPORT_TIP),
            (self.import_forms_action, _IMPORT_FORMS_TIP),
            (self.print_ledger_action, _PRINT_LEDGER_TIP),
        ):
            action.setToolTip(tip)
            action.setStatusTip(tip)
        for action in (
            self.export_ledger_action,
            self.export_forms_action,
            self.export_report_action,
        ):
            self.export_menu.addAction(action)

    def install(self, window: MainWindowView) -> None:
        """Put the actions into the 文件 menu, above the report form's print."""
        before = window.print_action
        menu = window.file_menu
        menu.insertMenu(before, self.export_menu)
        menu.insertAction(before, self.import_forms_action)
        menu.insertSeparator(before)
        menu.insertAction(before, self.print_ledger_action)
