"""The two kinds of failure (STYLE rule 5).

An expected failure is a :class:`~tracker.errors.TrackerError`: its Chinese message is shown
in a warning box and the user carries on. Anything else is a bug: it is logged with its
traceback and shown in the crash dialog, where the traceback can be copied for a bug report.
:func:`install_excepthook` sends exceptions that escape a Qt slot down the same path.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import TrackerError
from ui import dialogs

log = logging.getLogger(__name__)

# Set by the application once logging is configured; shown in the crash dialog.
log_file: Path | None = None

_EXPECTED_TITLE = "无法完成操作"
_CRASH_TITLE = "程序错误"
_CRASH_TEXT = (
    "程序遇到了一个意外错误，刚才的操作没有完成。"
    "请把下面的错误信息复制下来，连同操作步骤一起发给系统管理员。"
)
_CRASH_LOG = "错误信息也已写入日志文件：{path}"
_COPY = "复制错误信息"
_COPIED = "已复制"
_CLOSE = "关闭"

_showing_crash = False


def format_exception(exc: BaseException) -> str:
    """The traceback of ``exc`` as text."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class CrashDialog(QDialog):
    """Shows an unexpected error's traceback, selectable and copyable."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_CRASH_TITLE)
        self.resize(720, 460)
        intro = QLabel(_CRASH_TEXT)
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        if log_file is not None:
            where = QLabel(_CRASH_LOG.format(path=log_file))
            where.setWordWrap(True)
            where.setFont(QFont(where.font().family(), max(where.font().pointSize() - 1, 6)))
            layout.addWidget(where)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(_COPY)
        self.copy_button.setAutoDefault(False)
        close_button = buttons.addButton(_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self._on_copy)
        layout.addWidget(buttons)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(_COPIED)

    @classmethod
    def show_crash(cls, parent: QWidget | None, details: str) -> None:
        """Show the dialog modally (tests patch this)."""
        cls(details, parent).exec()


def show_error(exc: BaseException, parent: QWidget | None = None) -> None:
    """Show ``exc``: its message for a :class:`TrackerError`, the crash dialog otherwise."""
    global _showing_crash
    if isinstance(exc, TrackerError):
        log.info("refused: %s", exc)
        dialogs.warning(parent, _EXPECTED_TITLE, str(exc))
        return
    details = format_exception(exc)
    log.error("unexpected error\n%s", details)
    if _showing_crash:  # an error while the crash dialog is up: logged, not stacked
        return
    _showing_crash = True
    try:
        CrashDialog.show_crash(parent, details)
    finally:
        _showing_crash = False


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    show_error(exc)


def install_excepthook() -> None:
    """Route exceptions that escape Qt slots and event handlers to :func:`show_error`."""
    sys.excepthook = _excepthook
