"""Domain exceptions: failures a user can cause, each with a Chinese message.

The message (``str(error)``) is what every user reads, in the CLI and in the app's
dialogs, so it never names a command or an option. How to put it right *on the command
line* (``--reason``, ``tracker plan unarchive 3``) goes into ``hint``, which only the CLI
prints (:meth:`TrackerError.cli_text`). The CLI exits non-zero. Anything that is not a
:class:`TrackerError` is a bug and goes to the crash path.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every expected failure; ``str()`` is the message shown to the user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def cli_text(self) -> str:
        """What the command line prints: the message, then the hint for the command line."""
        return f"{self.message}\n提示：{self.hint}" if self.hint else self.message


class ImportFailed(TrackerError):
    """A plan document could not be read or holds no task breakdown."""

    exit_code = 2

    def __init__(
        self, path: str, problem: str, where: str | None = None, *, hint: str | None = None
    ) -> None:
        place = f"（{where}）" if where else ""
        super().__init__(f"无法导入“{path}”{place}：{problem}", hint=hint)
        self.path = path
        self.problem = problem
        self.where = where


class NotFound(TrackerError):
    """An object named by the user does not exist."""

    exit_code = 3


class InvalidInput(TrackerError):
    """A value given by the user is outside what is allowed."""

    exit_code = 4


class PermissionDenied(TrackerError):
    """The signed-in user may not do this."""

    exit_code = 5


class AuthenticationFailed(TrackerError):
    """Wrong user name or password."""

    exit_code = 5


class PeriodLocked(TrackerError):
    """The reporting period is locked and rejects every change."""

    exit_code = 6


class ConflictError(TrackerError):
    """Someone else changed the object since it was read (optimistic locking)."""

    exit_code = 7


class PlanArchived(TrackerError):
    """The plan (or the task) is archived: it can be read, not changed."""

    exit_code = 9


class DatabaseError(TrackerError):
    """The database cannot be opened or upgraded (too new, unreachable, unwritable)."""

    exit_code = 8
