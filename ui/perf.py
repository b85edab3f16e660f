"""Keeping the interface quick on a province's data."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """No garbage-collection passes while a block builds many small objects (5,000 task
    rows, 15,000 report states): the collector would walk every live object again and
    again for cycles such rows never form; it runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
