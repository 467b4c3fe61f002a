from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, uid):
    return session.query(User).filter(User.id == uid).one_or_none()


def row(session: Session, uid):
    return session.query(User.name).filter(User.id == uid).one_or_none()
