from app import extensions
from app.models import User

db = extensions.db


def get_user(uid):
    return db.get_or_404(User, uid)


def find(name):
    return db.session.scalars(db.select(User).filter_by(name=name).limit(1)).first()
