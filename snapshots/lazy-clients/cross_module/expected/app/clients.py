"""Clients shared by the routes."""

import functools

import httpx
import redis

from app.config import settings


@functools.cache
def get_redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@functools.cache
def get_search() -> httpx.Client:
    return httpx.Client(base_url=settings.SEARCH_URL)
