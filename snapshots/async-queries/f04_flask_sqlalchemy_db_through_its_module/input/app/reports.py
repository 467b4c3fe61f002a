from app import extensions
from app.models import User


def count(extensions=None):
    # `extensions` is also a parameter here: `extensions.db` would not be the module's
    return User.query.count()
