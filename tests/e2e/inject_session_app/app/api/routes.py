"""Routes of the job board."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Job
from app.services.export import export_service

router = APIRouter()


@router.post("/jobs")
def create_job(title: str, db: Session = Depends(get_db)) -> dict[str, Any]:
    """Add a job."""
    job = Job(title=title)
    db.add(job)
    db.commit()
    return {"id": job.id, "title": job.title}


@router.get("/export")
def export_jobs() -> list[dict[str, Any]]:
    """Every open job, for the export page."""
    return export_service.open_jobs()


@router.get("/stats")
def stats(db: Session = Depends(get_db)) -> dict[str, int]:
    """How many jobs exist."""
    return {"jobs": export_service.count()}
