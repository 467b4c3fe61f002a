from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job, Report

router = APIRouter()


class JobService:
    def __init__(self): self.db = None

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


class ReportService:
    def __init__(self): pass

    def reports(self):
        return self.db.query(Report).all()


class PagedService:
    def __init__(self):
        self.page_size = 20; self.db = None  # set per request

    def first_page(self):
        return self.db.query(Job).limit(self.page_size).all()


job_service = JobService()
report_service = ReportService()
paged_service = PagedService()


@router.get("/jobs")
def list_jobs(db: Session = Depends(get_db)):
    return job_service.open_jobs() + paged_service.first_page()


@router.get("/reports")
def list_reports(db: Session = Depends(get_db)):
    return report_service.reports()
