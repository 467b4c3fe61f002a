"""User lookups: the module reads the extension through its module, as `extensions.db`."""

from app import extensions
from app.models import User


def get_user(uid):
    return extensions.db.get_or_404(User, uid)


def find(name):
    user = extensions.db.session.scalars(
        extensions.db.select(User).filter_by(name=name).limit(1)
    ).first()
    extensions.db.session.commit()
    return user


def named(name):
    return extensions.db.session.scalars(
        extensions.db.select(User).where(User.name == name)
    ).all()
