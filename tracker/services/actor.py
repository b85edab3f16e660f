"""Who is acting: every service call takes an :class:`Actor`, and rights are checked here."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import PermissionDenied

ROLE_COORDINATOR = "coordinator"
ROLE_REPORTER = "reporter"


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the services see it (no ORM object, safe to pass to the UI)."""

    name: str
    role: str
    user_id: int | None = None
    unit_id: int | None = None
    unit_name: str | None = None

    @property
    def is_coordinator(self) -> bool:
        """Coordinators (领导小组办公室) may do everything."""
        return self.role == ROLE_COORDINATOR

    def require_coordinator(self, what: str) -> None:
        """Raise :class:`PermissionDenied` unless this actor is a coordinator."""
        if not self.is_coordinator:
            raise PermissionDenied(
                f"用户“{self.name}”无权{what}：仅协调员（领导小组办公室）可以操作。"
            )


# The program itself, for work no person started (first-run sample import, migrations).
SYSTEM = Actor(name="系统", role=ROLE_COORDINATOR)
