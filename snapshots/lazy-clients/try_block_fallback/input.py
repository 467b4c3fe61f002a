"""Cache helpers."""

import logging

import redis

from app.config import settings

logger = logging.getLogger(__name__)

# one connection pool for the whole process
try:
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    redis_client.ping()
except (redis.RedisError, ValueError) as exc:
    logger.warning("cache disabled: %s", exc)
    redis_client = None


def cached(key: str) -> bytes | None:
    if redis_client is None:
        return None
    return redis_client.get(key)
