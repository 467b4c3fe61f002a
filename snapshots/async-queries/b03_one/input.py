from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, uid):
    return session.query(User).filter(User.id == uid).one()


def row(session: Session, uid):
    return session.query(User.id, User.name).filter(User.id == uid).one()


def joined(session: Session, uid):
    return session.query(User).join(User.addresses).filter(User.id == uid).one()
