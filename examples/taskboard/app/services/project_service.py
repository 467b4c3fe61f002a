"""Project use cases. Routes call these and stay thin; the service commits."""

from __future__ import annotations

from sqlalchemy import func

from app.extensions import db
from app.models import STATUSES, Project, Task


class ProjectService:
    """Operations on projects that span several rows."""

    @staticmethod
    def archive(project: Project) -> Project:
        """Archive ``project``: it leaves the default listing and accepts no new tasks."""
        project.archived = True
        db.session.commit()
        return project

    @staticmethod
    def task_counts(project_id: int) -> dict[str, int]:
        """Number of tasks per status, every status present."""
        rows = (
            db.session.query(Task.status, func.count(Task.id))
            .filter(Task.project_id == project_id)
            .group_by(Task.status)
            .all()
        )
        counts = dict.fromkeys(STATUSES, 0)
        counts.update({status: count for status, count in rows})
        return counts
