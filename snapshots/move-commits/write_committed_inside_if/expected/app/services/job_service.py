"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Log


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_log(job_id):
        db.session.add(Log(job_id=job_id))
        db.session.commit()

    @staticmethod
    def finish_job(job):
        job.status = "done"
        db.session.commit()

    @staticmethod
    def close_job(job, close):
        if close:
            job.status = "closed"
        else:
            return False
        db.session.commit()
        return True
