from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session, name):
    q = select(User).where(User.name == name)
    return session.scalar(select(q.exists()))


def taken(session: Session, name):
    return session.scalar(select(select(User).where(User.name == name).exists()))


def with_addresses(session: Session):
    has_address = select(Address).where(Address.user_id == User.id).exists()
    return session.scalars(select(User).where(has_address)).all()


def eager_exists(session: Session):
    return session.scalar(
        select(session.query(User).options(joinedload(User.addresses)).exists())
    )
