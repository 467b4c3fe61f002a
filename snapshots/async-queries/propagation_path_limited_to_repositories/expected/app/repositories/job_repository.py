from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


class JobRepository:
    """Data access for jobs."""

    def __init__(self, db: AsyncSession):
        self.db = db

    async def list_active(self):
        # newest first
        return (
            await self.db.scalars(
                select(Job).where(Job.active).order_by(Job.created.desc())
            )
        ).all()

    async def get(self, job_id):
        return await self.db.get(Job, job_id)

    async def count(self):
        return await self.db.scalar(select(func.count()).select_from(Job))

    async def save(self, job):
        self.db.add(job)
        await self.db.commit()
        return job
