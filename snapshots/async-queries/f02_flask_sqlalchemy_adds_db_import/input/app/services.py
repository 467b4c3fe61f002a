"""User lookups."""

from app.models import User


def find(uid):
    return User.query.get_or_404(uid)


def named(name):
    return User.query.filter_by(name=name).first()
