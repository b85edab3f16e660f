"""Small modal questions and messages, in one place so that tests can replace them.

Every modal message box of the application goes through these functions (never through
``QMessageBox`` directly), and every file chooser through :func:`choose_open_file`; the UI
tests patch them, because a modal dialog would block a headless test.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

_YES = "确定"
_NO = "取消"
_OK = "确定"


def information(parent: QWidget | None, title: str, text: str) -> None:
    """An information message with one 确定 button."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.button(QMessageBox.StandardButton.Ok).setText(_OK)
    box.exec()


def warning(parent: QWidget | None, title: str, text: str) -> None:
    """A warning message (an expected failure, a refused action) with one 确定 button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(_OK)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str = _YES) -> bool:
    """A yes/no question; True when the user chose ``yes``. The default button is 取消."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(_NO, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def choose_open_file(
    parent: QWidget | None, title: str, name_filter: str, directory: str = ""
) -> str:
    """A file chooser for reading; the chosen path, or "" when the user cancelled."""
    path, _selected = QFileDialog.getOpenFileName(parent, title, directory, name_filter)
    return path


def choose_save_file(
    parent: QWidget | None, title: str, name_filter: str, suggested: str = ""
) -> str:
    """A file chooser for writing (it asks before replacing a file); the chosen path, or
    "" when the user cancelled. ``suggested`` is the proposed path."""
    path, _selected = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
    return path


def choose_folder(parent: QWidget | None, title: str, directory: str = "") -> str:
    """A folder chooser; the chosen folder, or "" when the user cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, directory)


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """One line of text typed by the user (a reason, a name); None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText(_OK)
    dialog.setCancelButtonText(_NO)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    return dialog.textValue().strip() or None


def choose_open_files(
    parent: QWidget | None, title: str, name_filter: str, directory: str = ""
) -> list[str]:
    """A file chooser for reading several files; the chosen paths ([] when cancelled)."""
    paths, _selected = QFileDialog.getOpenFileNames(parent, title, directory, name_filter)
    return list(paths)


def choose(
    parent: QWidget | None, title: str, text: str, buttons: Sequence[str], *, default: int = -1
) -> int:
    """A question with several answers; the index of the button pressed, -1 for 取消 (the
    escape button, always added last)."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    added = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in buttons]
    cancel = box.addButton(_NO, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(added[default] if 0 <= default < len(added) else cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return added.index(clicked) if clicked in added else -1


def open_local_file(path: str) -> bool:
    """Open a file with the program the system uses for it; False when none could."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))
