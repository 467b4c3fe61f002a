"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def retry_job(job_id):
        job = db.session.get(Job, job_id)
        job.attempts += 1
        db.session.commit()
        return job

    @staticmethod
    def update_job_status(job):
        job.status = "queued"
        db.session.commit()
