import logging

logger = logging.getLogger(__name__)


def load(path):
    try:
        return open(path).read()
    except:  # noqa: E722
        return None


def ping(client):
    try:
        client.ping()
    except:  # noqa: E722, S110
        pass


def close(handle):
    try:
        handle.close()
    except:  # pylint: disable=bare-except
        raise


def quiet(fn):
    try:
        fn()
    except:  # noqa: E722 - the callback may raise anything
        logger.debug("callback failed")
    try:
        fn()
    except:  # noqa: S110 (kept: it names no bare-except check)
        logger.debug("callback failed again")
