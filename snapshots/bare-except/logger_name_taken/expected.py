"""A module that already uses the name `logger` for something else."""

import json
import logging

_logger = logging.getLogger(__name__)


def logger(event):
    print(json.dumps(event))


def record(event):
    try:
        logger(event)
    except Exception:
        _logger.exception("Suppressed exception")
