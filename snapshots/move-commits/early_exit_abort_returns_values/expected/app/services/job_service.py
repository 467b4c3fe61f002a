"""Job service: units of work (database writes and their commits)."""

from app.extensions import db


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def close_job(job, dry_run):
        job.status = "closed"
        if dry_run:
            return False
        db.session.commit()
        return True
