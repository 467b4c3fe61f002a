from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def objects(session: Session):
    return session.query(User).filter(User.active).all()


def rows(session: Session):
    return session.query(User.id, User.name).all()


def one_column(session: Session):
    return session.query(User.name).all()
