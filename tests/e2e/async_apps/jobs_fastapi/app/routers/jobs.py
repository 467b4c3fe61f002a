"""HTTP endpoints."""

from fastapi import APIRouter, Depends, HTTPException

from app.db import get_db
from app.services.job_service import JobService

router = APIRouter()


@router.get("/jobs")
def browse(company_id: int | None = None, db=Depends(get_db)):
    return JobService(db).browse(company_id)


@router.get("/jobs/stats")
def stats(db=Depends(get_db)):
    return JobService(db).stats()


@router.get("/jobs/titles")
def titles(db=Depends(get_db)):
    return JobService(db).titles()


@router.get("/jobs/search")
def search(q: str, db=Depends(get_db)):
    return JobService(db).search(q)


@router.get("/jobs/{job_id}")
def detail(job_id: int, db=Depends(get_db)):
    service = JobService(db)
    job = service.detail(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail="job not found")
    return job


@router.post("/jobs", status_code=201)
def post(payload: dict, db=Depends(get_db)):
    job = JobService(db).post(payload["title"], payload["company_id"], payload.get("salary", 0))
    if job is None:
        raise HTTPException(status_code=409, detail="duplicate title")
    return job


@router.post("/companies/{company_id}/close")
def close(company_id: int, db=Depends(get_db)):
    return {"closed": JobService(db).close_company(company_id)}


@router.delete("/jobs/{job_id}")
def remove(job_id: int, db=Depends(get_db)):
    if not JobService(db).remove(job_id):
        raise HTTPException(status_code=404, detail="job not found")
    return {"deleted": job_id}
