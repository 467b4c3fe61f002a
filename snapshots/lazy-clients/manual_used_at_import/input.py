from redis import Redis

from app.config import settings
from app.limits import RateLimiter

cache = Redis(host=settings.REDIS_HOST, port=settings.REDIS_PORT)


@RateLimiter(storage=cache).limit("10/minute")
def search(q: str) -> str:
    return q
