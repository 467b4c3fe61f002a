from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import models
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


async def emails(session: Session):
    # the class named through its module: its columns are still the columns of select() itself
    return (
        await session.execute(select(models.User.email).where(models.User.active))
    ).all()


async def other_class(session: Session):
    return (
        await session.execute(select(User).with_only_columns(models.User.email))
    ).all()
