"""Job service: units of work (database writes and their commits)."""

from app.extensions import db


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def update_job(job, payload):
        job.title = payload["title"]
        job.description = payload.get("description", job.description)
        db.session.commit()
