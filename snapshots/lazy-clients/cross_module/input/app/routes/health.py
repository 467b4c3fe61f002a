from ..clients import redis_client


def health() -> dict[str, bool]:
    def redis_ok() -> bool:
        return bool(redis_client.ping())

    return {"redis": redis_ok()}
