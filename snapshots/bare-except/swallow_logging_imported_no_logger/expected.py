import logging
import time

logger = logging.getLogger(__name__)


def ping(host):
    try:
        return time.monotonic() - host.ping()
    except Exception:
        return None


def close(conn):
    try:
        conn.close()
    except Exception:
        logger.exception("Suppressed exception")
