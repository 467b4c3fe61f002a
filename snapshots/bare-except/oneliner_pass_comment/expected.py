import logging

logger = logging.getLogger(__name__)


def remove_pidfile(path):
    try:
        path.unlink()
    except Exception:  # already gone
        logger.exception("Suppressed exception")


def release(lock):
    try: lock.release()
    except Exception:
        logger.exception("Suppressed exception")
