"""Tag service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Tag


class TagService:
    """Units of work for tag: each method writes and commits."""

    @staticmethod
    def create_tag(name):
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.commit()
        return tag
