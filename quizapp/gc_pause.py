"""Holding off Python's cyclic garbage collector while a large report is built and shown.

Used by the report services while they build, and by the report pages while they render:
both allocate hundreds of thousands of small objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a report builds many small objects.

    A large report creates hundreds of thousands of tuples and floats, none of them in
    reference cycles (reference counting frees them), yet each allocation burst triggers
    collections that rescan the whole heap: that made the report's time grow faster than
    its data. Pausing the collector for the duration keeps it linear.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
