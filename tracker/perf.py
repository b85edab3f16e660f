"""Keeping long work quick: pausing Python's cycle collector while many objects are built.

One helper for the whole program (the outputs, and the desktop app loading 5,000 task rows
and 15,000 report states): see :func:`collector_paused`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cycle collection while the block runs.

    A large export or a province's task table creates hundreds of thousands of long-lived
    objects (cells, XML elements, row caches) that form no cycles, and every full
    collection walks them all again — a fifth of an export's time. The collector's state
    is restored afterwards, so nothing is left uncollected: where it was on it resumes;
    where it was already off (the desktop app collects on its GUI thread only, see
    ``ui.app.GarbageCollector``) it stays off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
