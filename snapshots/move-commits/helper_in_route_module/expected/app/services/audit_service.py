"""Audit service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import AuditLog


class AuditService:
    """Units of work for audit: each method writes and commits."""

    @staticmethod
    def create_audit_log(action, actor):
        entry = AuditLog(action=action, actor=actor)
        db.session.add(entry)
        db.session.commit()
        return entry
