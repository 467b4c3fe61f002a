from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def joined(session: Session):
    return (
        session.scalars(
            select(User).join(User.addresses).where(Address.email.like("%@x"))
        )
        .unique()
        .all()
    )


def outer(session: Session):
    return (
        session.scalars(select(User).outerjoin(Address, User.id == Address.user_id))
        .unique()
        .all()
    )


def by_string(session: Session):
    return session.query(User).join("addresses").all()
