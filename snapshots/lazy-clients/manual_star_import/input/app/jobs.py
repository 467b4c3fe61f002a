from app.clients import *


def count() -> int:
    return int(redis_client.get("count") or 0)
