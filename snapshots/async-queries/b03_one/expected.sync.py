from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, uid):
    return session.execute(select(User).where(User.id == uid)).scalar_one()


def row(session: Session, uid):
    return session.execute(select(User.id, User.name).where(User.id == uid)).one()


def joined(session: Session, uid):
    return (
        session.execute(select(User).join(User.addresses).where(User.id == uid))
        .unique()
        .scalar_one()
    )
