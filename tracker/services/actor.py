"""Who is acting: every service call takes an :class:`Actor`, and rights are checked here."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import PermissionDenied

ROLE_COORDINATOR = "coordinator"
ROLE_REPORTER = "reporter"
# Pilot accounts (revision 0006): a pilot body (试点主体), bound to its pilot and to the pilot
# body's unit (so it reports on its pilot's tasks like a unit's reporter), and a city DRC
# (地级市发展改革委 / 宁东经发局), bound to its region: it sees and reviews the pilots there.
ROLE_PILOT_BODY = "pilot_body"
ROLE_CITY_DRC = "city_drc"


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the services see it (no ORM object, safe to pass to the UI)."""

    name: str
    role: str
    user_id: int | None = None
    unit_id: int | None = None
    unit_name: str | None = None
    pilot_id: int | None = None  # a pilot body's pilot
    region_id: int | None = None  # a city DRC's region

    @property
    def is_coordinator(self) -> bool:
        """Coordinators (领导小组办公室, for pilots the regional DRC) may do everything."""
        return self.role == ROLE_COORDINATOR

    @property
    def is_pilot_body(self) -> bool:
        """A pilot body's account: sees and keeps only its own pilot."""
        return self.role == ROLE_PILOT_BODY

    @property
    def is_city_drc(self) -> bool:
        """A city DRC's account: sees and reviews the pilots of its region."""
        return self.role == ROLE_CITY_DRC

    def require_coordinator(self, what: str) -> None:
        """Raise :class:`PermissionDenied` unless this actor is a coordinator."""
        if not self.is_coordinator:
            raise PermissionDenied(
                f"用户“{self.name}”无权{what}：仅协调员（领导小组办公室）可以操作。"
            )


# The program itself, for work no person started (first-run sample import, migrations).
SYSTEM = Actor(name="系统", role=ROLE_COORDINATOR)
