"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(title, tenant_id):
        # A new job belongs to the caller's tenant.
        job = Job(title=title, tenant_id=tenant_id)
        db.session.add(job)
        db.session.commit()  # make it visible to the workers
        return job
