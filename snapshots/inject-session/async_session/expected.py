from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def open_jobs(self):
        result = await self.db.execute(select(Job).where(Job.open))
        return result.scalars().all()


@router.get("/jobs")
async def list_jobs(db: AsyncSession = Depends(get_db)):
    return await JobService(db).open_jobs()


@router.get("/jobs/first")
async def first_job(db: AsyncSession = Depends(get_db)):
    jobs = await JobService(db).open_jobs()
    return jobs[0]
