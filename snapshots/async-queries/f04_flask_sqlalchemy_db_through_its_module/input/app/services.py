"""User lookups: the module reads the extension through its module, as `extensions.db`."""

from app import extensions
from app.models import User


def get_user(uid):
    return User.query.get_or_404(uid)


def find(name):
    user = User.query.filter_by(name=name).first()
    extensions.db.session.commit()
    return user


def named(name):
    return extensions.db.session.query(User).filter(User.name == name).all()
