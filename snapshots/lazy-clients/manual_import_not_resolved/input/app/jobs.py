from db.cache import redis_client


def count() -> int:
    return int(redis_client.get("count") or 0)
