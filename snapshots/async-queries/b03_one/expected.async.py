from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def obj(session: Session, uid):
    return (await session.execute(select(User).where(User.id == uid))).scalar_one()


async def row(session: Session, uid):
    return (
        await session.execute(select(User.id, User.name).where(User.id == uid))
    ).one()


async def joined(session: Session, uid):
    return (
        (await session.execute(select(User).join(User.addresses).where(User.id == uid)))
        .unique()
        .scalar_one()
    )
