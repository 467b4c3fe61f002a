"""Project service: units of work (database writes and their commits)."""

from ..extensions import db
from ..models import Member, Project


class ProjectService:
    """Units of work for project: each method writes and commits."""

    @staticmethod
    def create_project(name):
        project = Project(name=name)
        db.session.add(project)
        db.session.commit()
        return project

    @staticmethod
    def archive_project(project):
        project.archived = True
        db.session.commit()

    @staticmethod
    def add_member(project, name):
        member = Member(name=name, project_id=project.id)
        db.session.add(member)
        db.session.commit()
        return member
