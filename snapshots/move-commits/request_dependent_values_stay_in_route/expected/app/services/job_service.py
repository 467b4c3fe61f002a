"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job, Visit


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(user, title, message, ip, auth_user):
        job = Job(owner=user, title=title)
        job.created_by = user
        job.note = message
        db.session.add(job)
        db.session.add(Visit(ip=ip, user=auth_user))
        db.session.commit()
        return job
