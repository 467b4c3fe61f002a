"""Job service: units of work (database writes and their commits)."""

from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(title, session):
        job = Job(title=title)
        session.add(job)
        session.commit()
        return job
