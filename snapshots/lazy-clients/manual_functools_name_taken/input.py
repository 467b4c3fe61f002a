import redis

from app import compat as functools
from app.config import settings

redis_client = redis.Redis.from_url(settings.REDIS_URL)


def ping() -> bool:
    return functools.wraps(redis_client.ping)()
