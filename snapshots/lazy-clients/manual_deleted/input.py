import redis

from app.config import settings

scratch = redis.from_url(settings.SCRATCH_URL)
scratch.flushdb()
del scratch
