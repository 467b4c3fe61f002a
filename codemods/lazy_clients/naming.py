"""The name of the getter that replaces a module variable."""

from __future__ import annotations


def getter_name(name: str) -> str:
    """``redis_client`` → ``get_redis_client``; ``_client`` → ``_get_client``; ``REDIS`` → ``get_redis``."""
    stripped = name.lstrip("_")
    return name[: len(name) - len(stripped)] + "get_" + stripped.lower()
