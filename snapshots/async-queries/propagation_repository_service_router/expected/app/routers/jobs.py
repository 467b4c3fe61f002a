from fastapi import APIRouter, Depends

from app.db import get_db
from app.services import job_service
from app.services.job_service import JobService

router = APIRouter()


def get_service(db=Depends(get_db)) -> JobService:
    return JobService(db)


@router.get("/jobs")
async def browse(service: JobService = Depends(get_service)):
    return await service.browse()


@router.get("/jobs/count")
async def count(db=Depends(get_db)):
    return {"count": await job_service.count_jobs(db)}


@router.get("/jobs/{job_id}")
async def detail(job_id: int, db=Depends(get_db)):
    service = JobService(db)
    return await service.detail(job_id)


@router.get("/title")
def title(text: str, db=Depends(get_db)):
    return JobService(db).title_case(text)
