from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def names(session: Session):
    return [user.name for user in session.query(User).order_by(User.id)]


def loop(session: Session):
    for uid, name in session.query(User.id, User.name):
        print(uid, name)


def listed(session: Session):
    return list(session.query(User).join(User.addresses))
