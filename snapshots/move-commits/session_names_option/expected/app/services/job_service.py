"""Job service: units of work (database writes and their commits)."""

from app.models import Job
from app.uow import uow


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(title):
        job = Job(title=title)
        uow.register(job)
        uow.commit()
        return job
