from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self, page_size):
        self.db = None
        self.page_size = page_size

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).limit(self.page_size).all()


job_service = JobService(20)


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    return job_service.open_jobs()
