"""Report service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Report


class ReportService:
    """Units of work for report: each method writes and commits."""

    @staticmethod
    def create_report():
        report = Report(kind="daily")
        db.session.add(report)
        db.session.commit()
        return report
