from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def joined(session: Session):
    return (
        (
            await session.scalars(
                select(User).join(User.addresses).where(Address.email.like("%@x"))
            )
        )
        .unique()
        .all()
    )


async def outer(session: Session):
    return (
        (
            await session.scalars(
                select(User).outerjoin(Address, User.id == Address.user_id)
            )
        )
        .unique()
        .all()
    )


def by_string(session: Session):
    return session.query(User).join("addresses").all()
