from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, name):
    return session.query(User).filter_by(name=name).first()


def row(session: Session):
    return session.query(User.id, User.name).order_by(User.id).first()
