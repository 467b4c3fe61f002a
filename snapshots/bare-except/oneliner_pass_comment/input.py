import logging

logger = logging.getLogger(__name__)


def remove_pidfile(path):
    try:
        path.unlink()
    except: pass  # already gone


def release(lock):
    try: lock.release()
    except: pass
