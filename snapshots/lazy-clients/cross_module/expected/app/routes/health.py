from ..clients import get_redis_client


def health() -> dict[str, bool]:
    def redis_ok() -> bool:
        return bool(get_redis_client().ping())

    return {"redis": redis_ok()}
