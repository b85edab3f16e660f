"""Preferences (controller): which database the program opens, and the font size.

Both are kept in QSettings. A database is tried (:func:`tracker.services.connection.
probe_database`, in the background) before it is saved, and takes effect at the next start;
the font size applies at once. ``--db`` and ``TRACKER_DB`` still win over the preference.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from tracker import config
from tracker.errors import TrackerError
from tracker.services.connection import DatabaseProbe, probe_database
from ui import dialogs, errors
from ui.views.preferences_view import PreferencesView
from ui.worker import BackgroundTask, run_in_background

SETTINGS_DATABASE = "database/url"
SETTINGS_FONT_SIZE = "ui/font_size"
_TESTING = "正在测试连接"
_TESTING_LABEL = "正在连接……"
_CHOOSE_FILE = "选择数据库文件"
_FILE_FILTER = "SQLite 数据库 (*.sqlite3 *.sqlite *.db);;所有文件 (*)"
_SAVED_TITLE = "首选项"
_RESTART = "新的数据库设置已保存，将在下次启动程序时生效：\n{where}"
_ENV_NOTE = "\n\n注意：环境变量 {env} 已设置，启动时它优先于此设置。"

_default_font: QFont | None = None


def saved_database(settings: QSettings) -> str | None:
    """The database chosen in the preferences (None: the default file)."""
    value = settings.value(SETTINGS_DATABASE)
    return value if isinstance(value, str) and value.strip() else None


def saved_font_size(settings: QSettings) -> int:
    """The font size chosen, in points (0: the system's)."""
    value = settings.value(SETTINGS_FONT_SIZE, 0)
    return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else 0


def apply_font_size(size: int) -> None:
    """Use ``size`` points for the whole application (0: the system's size)."""
    global _default_font
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _default_font is None:
        _default_font = QFont(app.font())
    font = QFont(_default_font)
    if size > 0:
        font.setPointSize(size)
    app.setFont(font)


class PreferencesDialog(PreferencesView):
    """See the module docstring."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._tested: DatabaseProbe | None = None
        self.last_task: BackgroundTask | None = None
        self.saved = False
        saved = saved_database(settings)
        if saved is not None and "://" in saved and not saved.startswith("sqlite"):
            self.server_radio.setChecked(True)
            self.server_edit.setText(saved)
        else:
            self.file_radio.setChecked(True)
            path = saved.removeprefix("sqlite:///") if saved else str(config.default_db_path())
            self.file_edit.setText(path)
        self._initial = self.database_text()
        self.font_spin.setValue(saved_font_size(settings))
        self.browse_button.clicked.connect(self._on_browse)
        self.test_button.clicked.connect(lambda: self.test())
        self.ok_button.clicked.connect(self._on_ok)
        self.cancel_button.clicked.connect(self.reject)
        for widget in (self.file_radio, self.server_radio):
            widget.toggled.connect(self._on_kind)
        self.file_edit.textChanged.connect(self._on_database_edited)
        self.server_edit.textChanged.connect(self._on_database_edited)
        self._on_kind()

    def database_text(self) -> str:
        """The database as typed: a file path or a server URL."""
        edit = self.file_edit if self.file_radio.isChecked() else self.server_edit
        return edit.text().strip()

    def _on_kind(self, *_args: object) -> None:
        is_file = self.file_radio.isChecked()
        self.file_edit.setEnabled(is_file)
        self.browse_button.setEnabled(is_file)
        self.server_edit.setEnabled(not is_file)
        self._on_database_edited()

    def _on_database_edited(self, *_args: object) -> None:
        self._tested = None
        self.show_result("", True)

    def _on_browse(self) -> None:
        path = dialogs.choose_open_file(self, _CHOOSE_FILE, _FILE_FILTER, self.file_edit.text())
        if path:
            self.file_edit.setText(path)

    def test(self, then_save: bool = False) -> None:
        """Try the database in the background; with ``then_save``, save when it works."""
        text = self.database_text()
        self.show_result(_TESTING_LABEL, True)
        self.test_button.setEnabled(False)
        self.ok_button.setEnabled(False)

        def done(probe: DatabaseProbe) -> None:
            self._tested = probe
            self.show_result(probe.message, True)
            if then_save:
                self._save()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, TrackerError):
                self.show_result(str(exc), False)
            else:
                self.show_result("", False)
                errors.show_error(exc, self)

        self.last_task = run_in_background(
            self,
            lambda _progress: probe_database(text),
            done,
            label=_TESTING,
            on_error=failed,
            cancellable=False,
        )
        self.last_task.finished.connect(self._on_test_finished)

    def _on_test_finished(self) -> None:
        self.test_button.setEnabled(True)
        self.ok_button.setEnabled(True)

    def _on_ok(self) -> None:
        if self.database_text() == self._initial or self._tested is not None:
            self._save()
        else:
            self.test(then_save=True)

    def _save(self) -> None:
        size = self.font_spin.value()
        self._settings.setValue(SETTINGS_FONT_SIZE, size)
        apply_font_size(size)
        if self.database_text() != self._initial:
            probe = self._tested
            assert probe is not None
            self._settings.setValue(SETTINGS_DATABASE, probe.url)
            text = _RESTART.format(where=probe.shown)
            if os.environ.get(config.ENV_DB):
                text += _ENV_NOTE.format(env=config.ENV_DB)
            dialogs.information(self, _SAVED_TITLE, text)
        self._settings.sync()
        self.saved = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, settings: QSettings) -> bool:
        """Show the dialog; True when the preferences were saved (tests patch this)."""
        dialog = cls(settings, parent)
        dialog.exec()
        return dialog.saved
