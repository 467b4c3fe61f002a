"""Cache helpers."""

import functools

import redis

from app.config import settings


# one connection pool for the whole process
@functools.cache
def get_redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)  # decode later


def cached(key: str) -> bytes | None:
    value = get_redis_client().get(key)
    return value


def store(key: str, value: bytes) -> None:
    get_redis_client().set(key, value, ex=60)
