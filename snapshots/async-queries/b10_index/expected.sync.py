from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def third(session: Session):
    return session.scalars(select(User).order_by(User.id).offset(2).limit(1)).all()[0]


def last_ten(session: Session):
    # a negative bound: the legacy query loaded every row to keep the last ten
    return session.query(User).order_by(User.id)[-10:]


def from_a_variable(session: Session, start: int):
    return session.query(User).order_by(User.id)[start : start + 10]


def first_address(session: Session):
    return session.scalars(select(Address).order_by(Address.id).limit(1)).all()[0]


def at(session: Session, position: int):
    return session.query(User).order_by(User.id)[position]
