"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job, Tag


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def close_job(job_id, data, reason, tenant_id, src):
        job = db.session.get(Job, job_id)
        job.status = data["status"]
        if job.status == "rejected":
            job.reason = reason
        for name in data.get("tags", []):
            db.session.add(Tag(name=name, tenant_id=tenant_id, source=src))
        db.session.commit()
