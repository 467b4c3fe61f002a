"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job, Tag


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def tag_job(job_id, name):
        job = Job.query.get_or_404(job_id)
        tag = Tag(name=name)
        job.tags.append(tag)
        db.session.add(tag)
        db.session.commit()
        return job
