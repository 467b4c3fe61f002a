from loguru import logger

from app.db import session


def close_session():
    try:
        session.close()
    except Exception:
        logger.exception("Suppressed exception")
