from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def names(session: Session):
    return session.query(User.name).distinct().all()


def ordered_by_unselected(session: Session):
    return session.query(User).join(User.addresses).distinct().order_by(Address.email).all()
