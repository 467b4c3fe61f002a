"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def delete_job(job_id):
        job = db.session.get(Job, job_id)
        db.session.delete(job)
        if job.locked:
            return False
        db.session.commit()
        return True
