from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def aggregate(session: Session):
    return session.scalar(select(func.max(User.id)))


def column(session: Session, uid):
    return session.execute(select(User.name).where(User.id == uid)).scalar_one_or_none()
