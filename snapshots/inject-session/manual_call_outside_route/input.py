from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self):
        self.db = None

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


job_service = JobService()


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    return job_service.open_jobs()


def nightly_report():
    return len(job_service.open_jobs())
