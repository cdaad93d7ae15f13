"""Pause Python's cyclic garbage collector while archgen builds many long-lived objects.

Loading and analysing a large design creates hundreds of thousands of small objects that
all live on (YAML nodes, models, bit sets); every collection the allocations trigger walks
all of them and finds nothing to free, which makes large designs quadratic. Reference
counting still frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring it as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
