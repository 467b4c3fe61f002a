"""Nothing but a docstring and a function."""

import logging

logger = logging.getLogger(__name__)


def noop_close(resource):
    try:
        resource.close()
    except Exception:
        logger.exception("Suppressed exception")
