"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(title):
        """Create a job and commit the session."""
        job = Job(title=title)
        db.session.add(job)
        db.session.commit()
        return job

    @staticmethod
    def delete_job(job):
        """Delete the job and commit the session."""
        db.session.delete(job)
        db.session.commit()
