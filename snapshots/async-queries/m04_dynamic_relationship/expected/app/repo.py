from sqlalchemy.orm import Session

from app.models import User


def published(db: Session, uid):
    user = db.get(User, uid)
    return user.posts.filter_by(published=True).all()
