"""The shared cache client."""

import redis

from app.config import settings

cache = redis.Redis.from_url(settings.CACHE_URL)


def remember(key: str, value: str) -> None:
    """Store ``value`` under ``key``."""
    cache.set(key, value)
