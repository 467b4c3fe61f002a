"""Exports of the job board."""

from __future__ import annotations

from typing import Any

from app.models import Job


class ExportService:
    """Builds exports of the jobs table."""

    def __init__(self) -> None:
        self.db = None

    def open_jobs(self) -> list[dict[str, Any]]:
        """Every open job as a plain row."""
        jobs = self.db.query(Job).filter(Job.open).order_by(Job.id).all()
        return [{"id": job.id, "title": job.title} for job in jobs]

    def count(self) -> int:
        """How many jobs exist."""
        return int(self.db.query(Job).count())


export_service = ExportService()
