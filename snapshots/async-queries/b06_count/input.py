from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def simple(session: Session):
    return session.query(User).filter(User.active).count()


def distinct_join(session: Session):
    return session.query(User.id).join(User.addresses).distinct().count()


def grouped(session: Session):
    return session.query(Address.user_id).group_by(Address.user_id).count()
