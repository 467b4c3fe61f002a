"""Reports."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Report


class ReportService:
    """Builds reports."""

    def __init__(self, db: Session) -> None:
        # filled in by the app (it never was)
        self.db = db

    def latest(self, limit: int = 5) -> list[Report]:
        return self.db.query(Report).order_by(Report.id.desc()).limit(limit).all()
