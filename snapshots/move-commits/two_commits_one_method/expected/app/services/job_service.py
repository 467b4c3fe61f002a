"""Job service: units of work (database writes and their commits)."""

from app.events import publish
from app.extensions import db


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def start_job(job):
        job.status = "starting"
        db.session.commit()
        # The worker reads the row, so the first commit must happen before the event.
        publish("job.starting", job.id)
        job.status = "started"
        db.session.commit()
