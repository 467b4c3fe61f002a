"""Admin service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Tag


class AdminService:
    """Units of work for admin: each method writes and commits."""

    @staticmethod
    def rename_tag(tag_id, name):
        tag = db.session.get(Tag, tag_id)
        tag.name = name
        db.session.commit()
        return tag
