from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job, Report

router = APIRouter()


class JobService:
    def __init__(self, db: Session) -> None: self.db = db

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


class ReportService:
    def __init__(self, db: Session) -> None: self.db = db

    def reports(self):
        return self.db.query(Report).all()


class PagedService:
    def __init__(self, db: Session) -> None:
        self.page_size = 20; self.db = db  # set per request

    def first_page(self):
        return self.db.query(Job).limit(self.page_size).all()


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    return JobService(db).open_jobs() + PagedService(db).first_page()


@router.get("/reports")
def list_reports(db: Session = Depends(get_db)):
    return ReportService(db).reports()
