"""Job service: units of work (database writes and their commits)."""

import re

from app.extensions import db

# Events a published job announces.
EVENTS = ("created", "published")
MAX_TITLE = 80


def _slug(title):
    return re.sub(r"\W+", "-", title.lower())[:MAX_TITLE]


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def publish_job(job):
        job.events = list(EVENTS)
        job.slug = _slug(job.title)
        db.session.commit()
