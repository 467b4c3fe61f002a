import logging

logger = logging.getLogger(__name__)


def load(path):
    try:
        return open(path).read()
    except Exception:
        logger.exception("Suppressed exception")
    try:
        return open(path + ".bak").read()
    except BaseException:
        raise
    except (OSError, ValueError):
        pass
