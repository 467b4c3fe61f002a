from db.cache import redis_client


def reserve(seat: str) -> bool:
    return bool(redis_client.set(f"seat:{seat}", "1", nx=True, ex=300))
