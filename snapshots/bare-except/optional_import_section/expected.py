import logging
import os
try:
    import ujson as json
except Exception:
    import json
import sys

import requests

logger = logging.getLogger(__name__)


def fetch(url):
    try:
        return json.loads(requests.get(url, timeout=5).text)
    except Exception:
        logger.exception("Suppressed exception")


def argv0():
    return os.path.basename(sys.argv[0])
