"""Cache helpers."""

import redis

from app.config import settings

# one connection pool for the whole process
redis_client = redis.Redis.from_url(settings.REDIS_URL)  # decode later


def cached(key: str) -> bytes | None:
    value = redis_client.get(key)
    return value


def store(key: str, value: bytes) -> None:
    redis_client.set(key, value, ex=60)
