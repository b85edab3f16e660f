"""The desktop application's entry point: ``tracker-gui [--db URL]``.

Start-up: parse the arguments, create the QApplication (Chinese Qt texts, logging, the
crash handler), open the database and sign in (on a database without users: create the
first coordinator), then show the main window. On a first start — no accounts yet in the
default database, none named with ``--db`` or TRACKER_DB — the demo database (the sample
plan with example reports, in its own file) is shown instead, signed in as its demo
coordinator; 文件 → 返回工作数据库 leads to the real one. The sample never goes into a
working database.
"""

from __future__ import annotations

import argparse
import gc
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QTimer,
    QTranslator,
)
from PySide6.QtWidgets import QApplication, QWidget

from tracker import __version__, config, demo
from tracker.db import Database
from tracker.errors import TrackerError
from tracker.services import plans, users
from tracker.services.actor import Actor
from ui import dialogs, errors
from ui.account import FirstRunDialog, SignInDialog
from ui.main_window import MainWindow, describe_database
from ui.preferences import apply_font_size, saved_database, saved_font_size
from ui.qt_texts import QtTextSupplement
from ui.worker import ProgressCallback, cancel_all_and_wait, run_in_background

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


_PREPARING_DEMO = "正在准备示例数据库"
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


class GarbageCollector(QObject):
    """Python's cycle collector, run on the GUI thread only.

    Left automatic, the collector runs in whichever thread happens to allocate when a
    generation fills up — also a worker of :mod:`ui.worker` — and may then finalise Qt
    objects (a closed dialog's wrappers, a chart's series) there, which Qt does not allow:
    the process crashes at random. So automatic collection is switched off and a timer
    on the GUI thread collects each generation once it has passed the threshold it would
    have had (the remedy of pyqtgraph's ``util.garbage_collector`` and its forebears).
    """

    INTERVAL_MS = 1000

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations that are over their threshold (youngest first)."""
        counts = gc.get_count()
        if counts[0] > self.threshold[0]:
            gc.collect(0)
            if counts[1] > self.threshold[1]:
                gc.collect(1)
                if counts[2] > self.threshold[2]:
                    gc.collect(2)


def create_application() -> QApplication:
    """The QApplication (reused when one exists), named for QSettings, with Qt's own
    dialogs and buttons in Chinese, and the cycle collector run on the GUI thread only
    (:class:`GarbageCollector`)."""
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
    if app.findChild(GarbageCollector) is None:
        GarbageCollector(app)
    return app


def open_database(url: str | None) -> Database:
    """Open (and upgrade) the database; every failure is a :class:`DatabaseError`."""
    return Database.open(url)


def sign_in(db: Database, settings: QSettings, parent: QWidget | None = None) -> Actor | None:
    """The first-run account dialog on a database without users, the sign-in otherwise
    (over ``parent`` when switching databases from an open window)."""
    where = describe_database(db)
    if users.count_users(db) == 0:
        actor = FirstRunDialog.ask(db, where, parent)
    else:
        last = settings.value(SETTINGS_LAST_USER, "")
        name = last if isinstance(last, str) else ""
        actor = SignInDialog.ask(db, where, parent, last_name=name)
    if actor is not None:
        settings.setValue(SETTINGS_LAST_USER, actor.name)
    return actor


def open_demo(parent: QWidget | None, path: Path | None = None) -> tuple[Database, Actor] | None:
    """The demo database (built on first use, off the GUI thread, with progress) and its
    coordinator signed in; None when it failed (the error was shown) or was cancelled."""
    outcome: list[tuple[Database, Actor]] = []

    def job(progress: ProgressCallback) -> tuple[Database, Actor]:
        db = demo.open_demo(path, progress=progress)
        try:
            return db, demo.sign_in(db)
        except BaseException:
            db.close()
            raise

    task = run_in_background(parent, job, outcome.append, label=_PREPARING_DEMO)
    if task.is_running:
        loop = QEventLoop()
        task.finished.connect(loop.quit)
        loop.exec()
    return outcome[0] if outcome else None


def _untouched(db: Database) -> bool:
    """No account and no plan yet: nobody has used this database (a first start)."""
    return users.count_users(db) == 0 and not plans.list_plans(db, users.local_actor())


@dataclass
class Started:
    """What a started application holds: the database, who is signed in, the main window,
    and the controller that can switch to the other database."""

    db: Database
    actor: Actor
    window: MainWindow
    demo: bool = False
    controller: Controller | None = None


class Controller(QObject):
    """Keeps the one main window and its database, and switches between the working
    database and the demo (文件 → 打开示例数据库 / 返回工作数据库)."""

    def __init__(
        self,
        work_url: str | None,
        settings: QSettings,
        *,
        demo_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.work_url = work_url
        self.settings = settings
        self.demo_path = demo_path
        self.current: Started | None = None

    def first_start(self) -> Started | int:
        """Open the working database; on a first start (no accounts and no plans in it yet,
        no database named by ``--db`` or TRACKER_DB) show the demo instead, signed in as
        its coordinator."""
        try:
            db = open_database(self.work_url)
        except TrackerError as exc:
            errors.show_error(exc)
            return exc.exit_code
        named = self.work_url is not None or bool(os.environ.get(config.ENV_DB))
        try:
            if not named and _untouched(db):
                db.close()
                opened = open_demo(None, self.demo_path)
                if opened is not None:
                    return self._show(*opened, demo=True)
                db = open_database(self.work_url)  # the demo failed: set up the real one
            return self._sign_in_and_show(db)
        except TrackerError as exc:
            errors.show_error(exc)
            db.close()
            return exc.exit_code

    def _sign_in_and_show(self, db: Database) -> Started | int:
        parent = self.current.window if self.current is not None else None
        actor = sign_in(db, self.settings, parent)
        if actor is None:
            db.close()
            return EXIT_CANCELLED
        started = self._show(db, actor, demo=False)
        if db.backup_made is not None:
            dialogs.information(
                started.window, _UPGRADED_TITLE, _UPGRADED.format(backup=db.backup_made)
            )
        return started

    def _show(self, db: Database, actor: Actor, *, demo: bool) -> Started:
        window = MainWindow(db, actor, settings=self.settings, demo=demo)
        window.demo_requested.connect(self.switch_to_demo)
        window.work_requested.connect(self.switch_to_work)
        window.reload_plans()
        previous, self.current = self.current, Started(db, actor, window, demo, self)
        window.show()
        if previous is not None:  # the new window first, so the application does not quit
            previous.window.close()
            previous.window.deleteLater()
            previous.db.close()
        return self.current

    def switch_to_demo(self) -> bool:
        """Show the demo database (the working one is closed once the demo is up)."""
        parent = self.current.window if self.current is not None else None
        opened = open_demo(parent, self.demo_path)
        if opened is None:
            return False
        self._show(*opened, demo=True)
        return True

    def switch_to_work(self) -> bool:
        """Back to the working database: sign in (or create its first coordinator)."""
        try:
            db = open_database(self.work_url)
        except TrackerError as exc:
            errors.show_error(exc, self.current.window if self.current else None)
            return False
        return isinstance(self._sign_in_and_show(db), Started)


def start(
    db_url: str | None, settings: QSettings | None = None, *, demo_path: Path | None = None
) -> Started | int:
    """Everything up to the shown main window; an exit code when start-up ends early."""
    controller = Controller(
        db_url, settings if settings is not None else QSettings(), demo_path=demo_path
    )
    return controller.first_start()


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
        controller = started.controller
        current = controller.current if controller is not None else started
        (current or started).db.close()


if __name__ == "__main__":
    sys.exit(main())
