"""Written on Windows."""

import logging
import os

logger = logging.getLogger(__name__)


def remove(path):
    try:
        os.remove(path)
    except Exception:
        logger.exception("Suppressed exception")


def size(path):
    try:
        return os.path.getsize(path)
    except Exception:
        return -1
