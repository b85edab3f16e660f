"""Running two service calls at once, interleaved at a chosen statement.

:func:`race` runs each call in its own thread on its own :class:`Database` (two programs on
one database). Each thread stops once, right after it has executed the first statement that
matches ``pause_after``, until the other thread got there too — the moment a
check-then-write race happens. A thread that cannot get there because the other holds a
lock just times out and goes on (that is the fixed behaviour), so the test ends either way.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from tracker.db import Database


@dataclass
class Outcome:
    """What one call of :func:`race` returned or raised."""

    value: Any = None
    error: BaseException | None = None


def race(
    databases: Sequence[Database],
    calls: Sequence[Callable[[Database], Any]],
    pause_after: str,
    *,
    wait_s: float = 1.5,
) -> list[Outcome]:
    """Run ``calls[i](databases[i])`` in parallel threads (see the module docstring)."""
    barrier = threading.Barrier(len(calls), timeout=wait_s)
    pattern = re.compile(pause_after, re.IGNORECASE | re.DOTALL)
    paused: set[int] = set()
    participants: set[int] = set()

    def after_execute(*args: Any) -> None:
        statement = args[2]
        me = threading.get_ident()
        if me in participants and me not in paused and pattern.search(statement):
            paused.add(me)
            # BrokenBarrierError: the other thread is held by a lock; go on alone
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    for db in databases:
        event.listen(db.engine, "after_cursor_execute", after_execute)
    outcomes = [Outcome() for _ in calls]

    def run(index: int) -> None:
        participants.add(threading.get_ident())
        try:
            outcomes[index].value = calls[index](databases[index])
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcomes[index].error = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for db in databases:
            event.remove(db.engine, "after_cursor_execute", after_execute)
    assert not any(t.is_alive() for t in threads), "a racing call did not finish"
    return outcomes
