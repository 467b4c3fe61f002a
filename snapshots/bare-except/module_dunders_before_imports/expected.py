"""Inventory helpers."""

__author__ = "backfix"
__all__ = ["parse_count"]

import json
import logging
import os

from flask import current_app

logger = logging.getLogger(__name__)


def parse_count(text):
    try:
        return int(json.loads(text)["count"])
    except Exception:
        logger.exception("Suppressed exception")


def data_dir():
    return os.path.join(current_app.root_path, "data")
