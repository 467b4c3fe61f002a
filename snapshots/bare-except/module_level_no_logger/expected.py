"""Settings with optional local overrides."""

import logging
import os

logger = logging.getLogger(__name__)

DEBUG = os.environ.get("DEBUG") == "1"

try:
    from local_settings import *  # noqa: F403
except Exception:
    logger.exception("Suppressed exception")


def port():
    try:
        return int(os.environ["PORT"])
    except Exception:
        logger.exception("Suppressed exception")
