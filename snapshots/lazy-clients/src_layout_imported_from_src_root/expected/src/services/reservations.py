from db.cache import get_redis_client


def reserve(seat: str) -> bool:
    return bool(get_redis_client().set(f"seat:{seat}", "1", nx=True, ex=300))
