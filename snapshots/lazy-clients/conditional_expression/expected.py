import functools

import httpx
import redis

from app.config import settings


@functools.cache
def get_cache() -> redis.Redis | None:
    return (
        redis.from_url(settings.REDIS_URL, decode_responses=True)
        if settings.REDIS_URL
        else None
    )


@functools.cache
def get_search():
    return httpx.Client(base_url=settings.SEARCH_URL) if settings.SEARCH_URL else None


def lookup(term: str) -> str | None:
    if get_cache() and (hit := get_cache().get(term)):
        return hit
    return get_search().get("/", params={"q": term}).text if get_search() else None
