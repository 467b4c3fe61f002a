from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self):
        self.db = None

    def set_db(self, db: Session):
        self.db = db

    def jobs(self):
        return self.db.query(Job).all()


class CountService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def set_session(self, session):
        self.session = session

    def count(self):
        return self.session.query(Job).count()


job_service = JobService()


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    job_service.set_db(db)
    return job_service.jobs()


@router.get("/count")
def count(db: Session = Depends(get_db)):
    return CountService(db).count()
