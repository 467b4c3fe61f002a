"""User lookups."""

from app.extensions import db
from app.models import User


def find(uid):
    return db.get_or_404(User, uid)


def named(name):
    return db.session.scalars(db.select(User).filter_by(name=name).limit(1)).first()
