"""Helpers shared by job services."""

import logging

from app.extensions import db
from app.models import Job

logger = logging.getLogger(__name__)


def slugify(title):
    return title.lower().replace(" ", "-")


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def publish_job(job_id):
        job = db.session.get(Job, job_id)
        job.published = True
        db.session.commit()
        return job
