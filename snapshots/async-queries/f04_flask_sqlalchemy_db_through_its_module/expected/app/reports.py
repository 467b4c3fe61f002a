from app import extensions
from app.extensions import db
from app.models import User


def count(extensions=None):
    # `extensions` is also a parameter here: `extensions.db` would not be the module's
    return db.session.scalar(db.select(db.func.count()).select_from(User))
