from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def page(session: Session):
    return session.scalars(select(User).order_by(User.id).offset(10).limit(5)).all()


def sliced(session: Session):
    return session.scalars(select(User).order_by(User.id).offset(1).limit(2)).all()


def indexed(session: Session):
    return session.scalars(select(User).order_by(User.id).offset(2).limit(1)).all()[0]
