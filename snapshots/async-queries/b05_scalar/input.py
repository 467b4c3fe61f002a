from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def aggregate(session: Session):
    return session.query(func.max(User.id)).scalar()


def column(session: Session, uid):
    return session.query(User.name).filter(User.id == uid).scalar()
