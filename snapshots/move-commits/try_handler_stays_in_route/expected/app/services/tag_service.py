"""Tag service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Tag


class TagService:
    """Units of work for tag: each method writes and commits."""

    @staticmethod
    def add_tag(label):
        db.session.add(Tag(label=label))
        db.session.commit()

    @staticmethod
    def remove_tag(tag_id):
        # a bulk delete: no ORM events run
        Tag.query.filter_by(id=tag_id).delete()
        db.session.commit()
