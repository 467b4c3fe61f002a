"""Loading modules with the cyclic garbage collector paused.

Importing LibCST and the codemods creates tens of thousands of objects that live as long as the
process, and next to no cyclic garbage: the collector would only scan them again and again while they
load (close to a tenth of a scan's start-up). Reference counting frees objects as usual meanwhile, and
the collector runs again as soon as the modules are loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body without automatic cyclic garbage collection; the previous state is restored."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
