from __future__ import annotations

import logging.handlers
from typing import TYPE_CHECKING

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from app.models import Job


def rotate(handler: logging.handlers.RotatingFileHandler, job: Job) -> None:
    try:
        handler.doRollover()
    except Exception:
        logger.exception("Suppressed exception")
