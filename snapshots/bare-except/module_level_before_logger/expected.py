import logging

try:
    import ujson as json
except Exception:
    import json

try:
    from local_settings import DEBUG
except Exception:
    pass

logger = logging.getLogger(__name__)

try:
    from local_settings import EXTRA
except Exception:
    logger.exception("Suppressed exception")


def dumps(data):
    try:
        return json.dumps(data)
    except Exception:
        logger.exception("Suppressed exception")
