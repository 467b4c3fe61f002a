"""Job service: units of work (database writes and their commits)."""

from app.extensions import db


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def toggle_job(job):
        job.status = "closed"
        db.session.commit()

    @staticmethod
    def update_job(job):
        job.status = "open"
        job.reopened += 1
        db.session.commit()
