"""Tag service."""

from app.extensions import db


class TagService:
    """Units of work for tags."""

    @staticmethod
    def rename_tag(tag, name):
        """Rename the tag and commit the session."""
        tag.name = name
        db.session.commit()
