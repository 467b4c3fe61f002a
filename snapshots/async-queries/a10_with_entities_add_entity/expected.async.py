from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def pairs(session: Session):
    return (
        await session.execute(
            select(User)
            .join(User.addresses)
            .with_only_columns(User.name, Address.email)
        )
    ).all()


async def both(session: Session):
    return (
        (await session.execute(select(User).join(User.addresses).add_columns(Address)))
        .unique()
        .all()
    )
