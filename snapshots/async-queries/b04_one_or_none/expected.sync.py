from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, uid):
    return session.execute(select(User).where(User.id == uid)).scalar_one_or_none()


def row(session: Session, uid):
    return session.execute(select(User.name).where(User.id == uid)).one_or_none()
