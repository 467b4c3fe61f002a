"""The shared cache client."""

import functools

import redis

from app.config import settings


@functools.cache
def get_cache() -> redis.Redis:
    """Return ``cache``, built at its first use and cached."""
    return redis.Redis.from_url(settings.CACHE_URL)


def remember(key: str, value: str) -> None:
    """Store ``value`` under ``key``."""
    get_cache().set(key, value)
