from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def joined(session: Session):
    return session.query(User).join(User.addresses).filter(Address.email.like("%@x")).all()


def outer(session: Session):
    return session.query(User).outerjoin(Address, User.id == Address.user_id).all()


def by_string(session: Session):
    return session.query(User).join("addresses").all()
