from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def pairs(session: Session):
    return session.execute(
        select(User).join(User.addresses).with_only_columns(User.name, Address.email)
    ).all()


def both(session: Session):
    return (
        session.execute(select(User).join(User.addresses).add_columns(Address))
        .unique()
        .all()
    )
