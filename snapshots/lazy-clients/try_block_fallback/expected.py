"""Cache helpers."""

import functools
import logging

import redis

from app.config import settings

logger = logging.getLogger(__name__)


# one connection pool for the whole process
@functools.cache
def get_redis_client():
    try:
        redis_client = redis.Redis.from_url(settings.REDIS_URL)
        redis_client.ping()
    except (redis.RedisError, ValueError) as exc:
        logger.warning("cache disabled: %s", exc)
        redis_client = None
    return redis_client


def cached(key: str) -> bytes | None:
    if get_redis_client() is None:
        return None
    return get_redis_client().get(key)
