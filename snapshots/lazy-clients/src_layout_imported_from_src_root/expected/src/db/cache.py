import functools

import redis

from config import get_settings

settings = get_settings()


@functools.cache
def get_redis_client() -> redis.Redis:
    return redis.from_url(settings.REDIS_URL, decode_responses=True)
