from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def obj(session: Session, name):
    return session.scalars(select(User).filter_by(name=name).limit(1)).first()


def row(session: Session):
    return session.execute(
        select(User.id, User.name).order_by(User.id).limit(1)
    ).first()
