import os

import redis

from app.config import settings

try:
    import ujson as json
except ImportError:
    import json

if settings.DEBUG:
    level = int(os.getenv("LOG_LEVEL", "10"))
else:
    level = 20


def dump(value: object) -> str:
    return json.dumps(value)


if __name__ == "__main__":
    client = redis.Redis.from_url(settings.REDIS_URL)
    print(client.ping(), level)
