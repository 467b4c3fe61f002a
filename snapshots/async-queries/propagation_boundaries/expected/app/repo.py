from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


class JobRepository:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def all(self):
        return (await self.db.scalars(select(Job))).all()

    @property
    def first(self):
        return self.db.query(Job).first()

    def __len__(self):
        return self.db.query(Job).count()

    async def titles(self):
        return sorted(await self.all(), key=lambda job: job.title)
