"""Cache helpers."""

import logging

import redis

logger = logging.getLogger(__name__)


def invalidate(client: redis.Redis, key: str) -> None:
    try:
        client.delete(key)
    except Exception:
        logger.exception("Suppressed exception")
