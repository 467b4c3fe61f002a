"""Web service: units of work (database writes and their commits)."""

from ..extensions import db
from ..models import Member


class WebService:
    """Units of work for web: each method writes and commits."""

    @staticmethod
    def archive_project(project):
        project.closed = True
        db.session.commit()

    @staticmethod
    def add_member(project_id, name):
        member = Member(name=name, project_id=project_id)
        db.session.add(member)
        db.session.commit()
        return member
