"""Loading modules whose objects live as long as the process: LibCST, backfix, the codemods.

Importing them creates tens of thousands of objects and next to no cyclic garbage, so the cyclic
garbage collector would only scan them again and again: while they load, at every later full
collection, and at exit. They are loaded with the collector paused and frozen afterwards
(``gc.freeze``), so that it leaves them alone from then on; worker processes forked later inherit
that. Reference counting frees objects as usual. Only cyclic garbage that already exists when they
are frozen is never collected: a one-time cost, once per module loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[bool]:
    """Run the body with the cyclic garbage collector paused; yields whether it paused it (a
    collector someone else turned off stays off, and is not turned on after)."""
    if not gc.isenabled():
        yield False
        return
    gc.disable()
    try:
        yield True
    finally:
        gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Run the body (imports) with the collector paused, then freeze every object that exists."""
    with collector_paused() as paused:
        try:
            yield
        finally:
            if paused:
                gc.freeze()
