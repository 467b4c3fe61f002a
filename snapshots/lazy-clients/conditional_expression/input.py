import httpx
import redis

from app.config import settings

cache: redis.Redis | None = (
    redis.from_url(settings.REDIS_URL, decode_responses=True)
    if settings.REDIS_URL
    else None
)
search = httpx.Client(base_url=settings.SEARCH_URL) if settings.SEARCH_URL else None


def lookup(term: str) -> str | None:
    if cache and (hit := cache.get(term)):
        return hit
    return search.get("/", params={"q": term}).text if search else None
