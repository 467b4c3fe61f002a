from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.auth import LoginSession, read_login
from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    return JobService(db).open_jobs()


@router.get("/me/jobs")
def my_jobs(login: LoginSession = Depends(read_login), db: Session = Depends(get_db)):
    return [job for job in JobService(db).open_jobs() if job.owner == login.user]
