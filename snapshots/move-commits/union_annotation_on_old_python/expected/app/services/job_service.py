"""Job service: units of work (database writes and their commits)."""

from __future__ import annotations

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def archive_job(job_id: int) -> Job | None:
        job = db.session.get(Job, job_id)
        job.archived = True
        db.session.commit()
        return job
