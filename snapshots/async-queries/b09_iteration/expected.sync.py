from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def names(session: Session):
    return [user.name for user in session.scalars(select(User).order_by(User.id))]


def loop(session: Session):
    for uid, name in session.execute(select(User.id, User.name)):
        print(uid, name)


def listed(session: Session):
    return list(session.scalars(select(User).join(User.addresses)).unique())
