"""Which cache decorator the project's Python accepts: ``functools.cache`` needs Python 3.9."""

from __future__ import annotations

from pathlib import Path

from packaging.version import Version

from backfix.python_target import lowest_python

CACHE = "functools.cache"
LRU_CACHE = "functools.lru_cache(maxsize=None)"


def cache_decorator(root: Path) -> tuple[str, str]:
    """The decorator to emit, and the assumption made when the project does not say its Python."""
    lowest, _ = lowest_python(root)
    if lowest is None:
        return CACHE, "Python 3.9 or later (functools.cache): the project states no Python version"
    return (CACHE if lowest >= Version("3.9") else LRU_CACHE), ""
