#!/usr/bin/env python3
# Copyright the backfix authors; this example is made up.

# Called by the cron job every minute.
def tick(jobs):
    for job in jobs:
        try:
            job()
        except:
            pass
