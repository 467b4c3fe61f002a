"""Job Commands service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobCommands:
    """Units of work for job commands: each method writes and commits."""

    @staticmethod
    def create_job(title):
        job = Job(title=title)
        db.session.add(job)
        db.session.commit()
        return job
