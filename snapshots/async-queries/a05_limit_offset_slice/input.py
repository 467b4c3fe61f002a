from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def page(session: Session):
    return session.query(User).order_by(User.id).offset(10).limit(5).all()


def sliced(session: Session):
    return session.query(User).order_by(User.id)[1:3]


def indexed(session: Session):
    return session.query(User).order_by(User.id)[2]
