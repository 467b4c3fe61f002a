"""Jobs: the business rules."""

from app.extensions import db
from app.models import Job


class JobService:
    """Job operations."""

    @staticmethod
    def list_jobs(tenant_id):
        return Job.query.filter_by(tenant_id=tenant_id).all()
