from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


class JobRepository:
    def __init__(self, db: AsyncSession):
        self.db = db

    def all(self):
        return self.db.query(Job).all()

    @property
    def first(self):
        return self.db.query(Job).first()

    def __len__(self):
        return self.db.query(Job).count()

    def titles(self):
        return sorted(self.all(), key=lambda job: job.title)
