"""Ctrl-C and SIGTERM: stop at once while nothing is written, finish the unit in progress while writing.

During analysis and planning an interrupt raises ``KeyboardInterrupt`` in the main process (SIGTERM
included), which stops the worker processes at once. While files are written, both signals are only
noted: the unit being written (a file, or a route file with the service module it imports) is
finished, so the tree never holds half of a cross-file change, and the run stops before the next one.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

#: what a shell reports for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class Deferred:
    """The signal received while deferred, if any."""

    signum: int | None = None

    @property
    def received(self) -> bool:
        """True once SIGINT or SIGTERM arrived."""
        return self.signum is not None


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def terminate_interrupts() -> Iterator[None]:
    """SIGTERM behaves like Ctrl-C (``KeyboardInterrupt``), so both stop the run the same way."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Note SIGINT/SIGTERM instead of acting on them; the caller checks ``received`` between units."""
    state = Deferred()

    def note(signum: int, frame: FrameType | None) -> None:
        state.signum = signum

    # A signal the process was started to ignore (a background job's SIGINT) stays ignored.
    wanted = [signum for signum in _SIGNALS if signal.getsignal(signum) is not signal.SIG_IGN]
    previous = {signum: signal.signal(signum, note) for signum in wanted}
    try:
        yield state
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
