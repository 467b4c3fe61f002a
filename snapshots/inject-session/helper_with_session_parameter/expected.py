from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


def job_titles(db: Session) -> list[str]:
    return [job.title for job in JobService(db).open_jobs()]


@router.get("/jobs/titles")
def titles(db: Session = Depends(get_db)):
    return job_titles(db)
