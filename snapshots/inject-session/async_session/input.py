from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self):
        self.db = None

    async def open_jobs(self):
        result = await self.db.execute(select(Job).where(Job.open))
        return result.scalars().all()


job_service = JobService()


@router.get("/jobs")
async def list_jobs(db: AsyncSession = Depends(get_db)):
    return await job_service.open_jobs()


@router.get("/jobs/first")
async def first_job():
    jobs = await job_service.open_jobs()
    return jobs[0]
