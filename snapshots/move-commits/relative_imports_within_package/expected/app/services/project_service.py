"""Project service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Project


class ProjectService:
    """Units of work for project: each method writes and commits."""

    @staticmethod
    def create_project(name):
        project = Project(name=name)
        db.session.add(project)
        db.session.commit()
        return project
