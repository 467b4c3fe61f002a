from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def third(session: Session):
    return session.query(User).order_by(User.id)[2]


def last_ten(session: Session):
    # a negative bound: the legacy query loaded every row to keep the last ten
    return session.query(User).order_by(User.id)[-10:]


def from_a_variable(session: Session, start: int):
    return session.query(User).order_by(User.id)[start : start + 10]


def first_address(session: Session):
    return session.query(Address).order_by(Address.id)[0]


def at(session: Session, position: int):
    return session.query(User).order_by(User.id)[position]
