"""Clients shared by the routes."""

import httpx
import redis

from app.config import settings

redis_client = redis.Redis.from_url(settings.REDIS_URL)
search = httpx.Client(base_url=settings.SEARCH_URL)
