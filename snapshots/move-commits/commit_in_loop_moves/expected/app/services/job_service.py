"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def bulk_close(ids):
        closed = 0
        for job_id in ids:
            job = db.session.get(Job, job_id)
            job.status = "closed"
            db.session.commit()
            closed += 1
        return closed
