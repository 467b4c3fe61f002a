from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def objects(session: Session):
    return session.scalars(select(User).where(User.active)).all()


def rows(session: Session):
    return session.execute(select(User.id, User.name)).all()


def one_column(session: Session):
    return session.execute(select(User.name)).all()
