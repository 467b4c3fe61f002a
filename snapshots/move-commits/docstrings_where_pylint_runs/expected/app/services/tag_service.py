"""Tag service."""

from app.extensions import db
from app.models import Tag


class TagService:
    """Units of work for tags."""

    @staticmethod
    def rename_tag(tag, name):
        """Rename the tag and commit the session."""
        tag.name = name
        db.session.commit()

    @staticmethod
    def create_tag(name):
        """Create a tag and commit the session."""
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.commit()
        return tag
