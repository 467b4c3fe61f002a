from fastapi import APIRouter, Depends

from app.db import get_db
from app.services import job_service
from app.services.job_service import JobService

router = APIRouter()


def get_service(db=Depends(get_db)) -> JobService:
    return JobService(db)


@router.get("/jobs")
def browse(service: JobService = Depends(get_service)):
    return service.browse()


@router.get("/jobs/count")
def count(db=Depends(get_db)):
    return {"count": job_service.count_jobs(db)}


@router.get("/jobs/{job_id}")
def detail(job_id: int, db=Depends(get_db)):
    service = JobService(db)
    return service.detail(job_id)


@router.get("/title")
def title(text: str, db=Depends(get_db)):
    return JobService(db).title_case(text)
