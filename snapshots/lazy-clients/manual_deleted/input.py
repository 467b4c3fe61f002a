import redis

from app.config import settings

scratch = redis.from_url(settings.SCRATCH_URL)


def reset() -> None:
    global scratch
    del scratch
