#!/usr/bin/env python3
# Copyright the backfix authors; this example is made up.

import logging

logger = logging.getLogger(__name__)


# Called by the cron job every minute.
def tick(jobs):
    for job in jobs:
        try:
            job()
        except Exception:
            logger.exception("Suppressed exception")
