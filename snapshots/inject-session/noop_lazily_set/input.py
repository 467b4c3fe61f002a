from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job

router = APIRouter()


class JobService:
    def __init__(self):
        self.db = None

    def _session(self):
        if self.db is None:
            self.db = get_db_session()
        return self.db

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


job_service = JobService()
