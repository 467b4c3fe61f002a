from app import extensions
from app.models import User

db = extensions.db


def get_user(uid):
    return User.query.get_or_404(uid)


def find(name):
    return User.query.filter_by(name=name).first()
