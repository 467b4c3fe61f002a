from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session, name):
    q = session.query(User).filter(User.name == name)
    return session.query(q.exists()).scalar()


def taken(session: Session, name):
    return session.query(session.query(User).filter(User.name == name).exists()).scalar()


def with_addresses(session: Session):
    has_address = session.query(Address).filter(Address.user_id == User.id).exists()
    return session.query(User).filter(has_address).all()


def eager_exists(session: Session):
    return session.query(session.query(User).options(joinedload(User.addresses)).exists()).scalar()
