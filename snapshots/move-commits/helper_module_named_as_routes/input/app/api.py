"""The tag store's programmatic API, shared by the web app and the worker."""

from app.extensions import db
from app.models import Tag


def find_tag(name):
    return Tag.query.filter_by(name=name).first()


def ensure_tag(name):
    tag = find_tag(name)
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.commit()
    return tag
