from app.extensions import db
from app.models import Job


class JobService:
    @staticmethod
    def create_job(title):
        job = Job(title=title)
        db.session.add(job)
        db.session.commit()
        return job

    @staticmethod
    def create_job_2(title):
        job = Job(title=title.strip())
        db.session.add(job)
        db.session.commit()
        return job
