import logging

logger = logging.getLogger(__name__)


def load(path):
    try:
        return open(path).read()
    except Exception:
        return None


def ping(client):
    try:
        client.ping()
    except Exception:
        logger.exception("Suppressed exception")


def close(handle):
    try:
        handle.close()
    except BaseException:
        raise


def quiet(fn):
    try:
        fn()
    except Exception:  # the callback may raise anything
        logger.debug("callback failed")
    try:
        fn()
    except Exception:  # noqa: S110 (kept: it names no bare-except check)
        logger.debug("callback failed again")
