import logging

logger: logging.Logger = logging.getLogger(__name__)


def stop(server) -> None:
    try:
        server.stop()
    except Exception:
        logger.exception("Suppressed exception")
