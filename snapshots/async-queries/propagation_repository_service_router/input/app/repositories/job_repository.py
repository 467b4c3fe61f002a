from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


class JobRepository:
    """Data access for jobs."""

    def __init__(self, db: AsyncSession):
        self.db = db

    def list_active(self):
        # newest first
        return self.db.query(Job).filter(Job.active).order_by(Job.created.desc()).all()

    def get(self, job_id):
        return self.db.query(Job).get(job_id)

    def count(self):
        return self.db.query(Job).count()

    def save(self, job):
        self.db.add(job)
        self.db.commit()
        return job
