"""Tag service: units of work (database writes and their commits)."""

from ..extensions import db
from ..models import Tag


class TagService:
    """Units of work for tag: each method writes and commits."""

    @staticmethod
    def create_tag(label):
        tag = Tag(label=label)
        db.session.add(tag)
        db.session.commit()
        return tag

    @staticmethod
    def rename_tag(tag_id, parse_body):
        tag = Tag.query.get(tag_id)
        tag.label = parse_body["label"]
        db.session.commit()
        return tag
