"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job():
        job = Job(title="untitled")
        db.session.add(job)
        db.session.commit()
        return job
