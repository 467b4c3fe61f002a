"""The answers of the checks backfix makes of LibCST's internals, kept per LibCST install.

The cheap parse, walk and position helpers rely on LibCST internals a newer LibCST may change, so
each checks them on fixed samples before it is trusted (:func:`backfix.cst_walk.trusted` and the
like). Those samples cost about 75 ms of CPU per process: more than parsing a small project's route
modules. Their answer depends only on the Python, LibCST and backfix code that runs them, so it is
kept in the cache folder (see :mod:`backfix.cache`), keyed by the version and the size and mtime of
every module file of LibCST's and of backfix's that it depends on: an upgrade, a reinstall or an
edit of either asks again. Every failure to read or write is a miss, never an error, and no project
data is kept. Whichever process answers a check first records it (a worker, too), since the answer
is the same in every process.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from backfix.cache import cache_home
from backfix.writer import atomic_write

#: the LibCST packages whose modules the checked helpers rely on (not its tests or codemods)
_LIBCST_PARTS = ("", "_nodes", "_parser", "metadata")


def _module_stats(folder: Path) -> list[str]:
    """Name, size and mtime of every module file directly in ``folder``."""
    entries: list[str] = []
    with contextlib.suppress(OSError), os.scandir(folder) as found:
        for entry in found:
            if entry.name.endswith((".py", ".so", ".pyd")) and entry.is_file():
                stat = entry.stat()
                entries.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return sorted(entries)


@functools.cache
def _fingerprint() -> str:
    """What the checks' answers depend on: Python, LibCST's and backfix's module files."""
    import libcst

    import backfix

    library = Path(libcst.__file__).parent
    folders = [library / part for part in _LIBCST_PARTS] + [Path(backfix.__file__).parent]
    digest = hashlib.sha256(f"{sys.version}\0{getattr(libcst, '__version__', '')}".encode())
    for folder in folders:
        digest.update("\n".join(_module_stats(folder)).encode())
    return digest.hexdigest()[:32]


def _record_path() -> Path:
    return cache_home() / "libcst-checks" / f"{_fingerprint()}.json"


def _recorded() -> dict[str, bool]:
    """The answers recorded for this Python, LibCST and backfix; empty when none can be read."""
    try:
        loaded = json.loads(_record_path().read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {name: value for name, value in loaded.items() if isinstance(value, bool)}


def _record(name: str, answer: bool) -> None:
    """Add one answer to the record (another process's meanwhile may be lost: it is asked again)."""
    answers = {**_recorded(), name: answer}
    with contextlib.suppress(OSError):
        atomic_write(_record_path(), json.dumps(answers, sort_keys=True).encode())


def remembered(check: Callable[[], bool]) -> functools._lru_cache_wrapper[bool]:
    """``check`` answered once per process (``cache_clear()`` asks again), and read from the record
    where it has been answered for this Python, LibCST and backfix before (see the module's
    docstring)."""
    name = f"{check.__module__}.{check.__qualname__}"

    @functools.cache
    @functools.wraps(check)
    def answer() -> bool:
        known = _recorded().get(name)
        if known is not None:
            return known
        verdict = check()
        _record(name, verdict)
        return verdict

    return answer
