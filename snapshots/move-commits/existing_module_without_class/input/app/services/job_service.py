"""Helpers shared by job services."""

import logging

logger = logging.getLogger(__name__)


def slugify(title):
    return title.lower().replace(" ", "-")
