"""The desktop application's entry point: ``tracker-gui [--db URL]``.

Start-up: parse the arguments, create the QApplication (Chinese Qt texts, logging, the
crash handler), open the database, sign in (on a database without users: create the first
coordinator), show the main window, and on a database without plans import the sample
plan in the background so that there is something to look at.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

from tracker import __version__, config
from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import plans, users
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.account import FirstRunDialog, SignInDialog
from ui.main_window import MainWindow, describe_database
from ui.preferences import apply_font_size, saved_database, saved_font_size
from ui.qt_texts import QtTextSupplement
from ui.worker import cancel_all_and_wait

log = logging.getLogger(__name__)

ORGANIZATION = "tanda-tracker"
APPLICATION = "tracker-gui"
SETTINGS_LAST_USER = "account/last_user"
EXIT_CANCELLED = 0
EXIT_FAILURE = 1

_DB_HELP = (
    "数据库：SQLAlchemy URL（如 postgresql+psycopg://…）或 SQLite 文件路径；"
    f"也可设置环境变量 {config.ENV_DB}"
)


_UPGRADED_TITLE = "数据库已升级"
_UPGRADED = "数据库已升级到本程序的版本。升级前的数据库已备份为：\n{backup}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options (Qt's own options go through its environment variables)."""
    parser = argparse.ArgumentParser(
        prog="tracker-gui", description="碳达峰任务台账 — 桌面程序", allow_abbrev=False
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="URL", help=_DB_HELP)
    return parser.parse_args(list(sys.argv[1:] if argv is None else argv))


_logging_configured = False


def configure_logging() -> Path | None:
    """Log to a rotating file in the user data directory (and warnings to stderr)."""
    global _logging_configured
    if _logging_configured:
        return errors.log_file
    _logging_configured = True
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    root.addHandler(stderr)
    try:
        folder = config.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "tracker-gui.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:  # no writable data directory: keep stderr only, and say so
        log.warning("cannot write the log file: %s", exc)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    errors.log_file = path
    return path


def create_application() -> QApplication:
    """The QApplication (reused when one exists), named for QSettings, with Qt's own
    dialogs and buttons in Chinese."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(translator)
    if app.findChild(QtTextSupplement) is None:  # what that catalogue lacks (file dialog)
        app.installTranslator(QtTextSupplement(app))
    return app


def open_database(url: str | None) -> Database:
    """Open (and upgrade) the database; every failure is a :class:`DatabaseError`."""
    return Database.open(url)


def sign_in(db: Database, settings: QSettings) -> Actor | None:
    """The first-run account dialog on a database without users, the sign-in otherwise."""
    where = describe_database(db)
    if users.count_users(db) == 0:
        actor = FirstRunDialog.ask(db, where)
    else:
        last = settings.value(SETTINGS_LAST_USER, "")
        actor = SignInDialog.ask(db, where, last_name=last if isinstance(last, str) else "")
    if actor is not None:
        settings.setValue(SETTINGS_LAST_USER, actor.name)
    return actor


@dataclass
class Started:
    """What a started application holds: the database and the main window."""

    db: Database
    actor: Actor
    window: MainWindow


def start(db_url: str | None, settings: QSettings | None = None) -> Started | int:
    """Everything up to the shown main window; an exit code when start-up ends early."""
    try:
        db = open_database(db_url)
    except TrackerError as exc:
        errors.show_error(exc)
        return exc.exit_code
    settings = settings if settings is not None else QSettings()
    try:
        actor = sign_in(db, settings)
        if actor is None:
            db.close()
            return EXIT_CANCELLED
        window = MainWindow(db, actor, settings=settings)
        window.reload_plans()
        window.show()
        if db.backup_made is not None:
            dialogs.information(window, _UPGRADED_TITLE, _UPGRADED.format(backup=db.backup_made))
        if (
            actor.is_coordinator
            and not plans.list_plans(db, actor)
            and config.SAMPLE_PLAN.is_file()
        ):
            window.import_sample(str(config.SAMPLE_PLAN))
    except TrackerError as exc:
        errors.show_error(exc)
        db.close()
        return exc.exit_code
    return Started(db, actor, window)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop application; returns the process exit code."""
    args = parse_args(argv)
    configure_logging()
    app = create_application()
    errors.install_excepthook()
    settings = QSettings()
    apply_font_size(saved_font_size(settings))
    # --db, then TRACKER_DB, then the database chosen in the preferences, then the default.
    db_url = args.db or os.environ.get(config.ENV_DB) or saved_database(settings)
    try:
        started = start(db_url, settings)
    except Exception as exc:  # noqa: BLE001 - a start-up bug: crash dialog, then exit
        errors.show_error(exc)
        return EXIT_FAILURE
    if isinstance(started, int):
        return started
    log.info("signed in as %s on %s", started.actor.name, describe_database(started.db))
    try:
        return app.exec()
    finally:
        cancel_all_and_wait()
        started.db.close()


if __name__ == "__main__":
    sys.exit(main())
