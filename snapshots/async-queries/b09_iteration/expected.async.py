from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def names(session: Session):
    return [user.name for user in await session.scalars(select(User).order_by(User.id))]


async def loop(session: Session):
    for uid, name in await session.execute(select(User.id, User.name)):
        print(uid, name)


async def listed(session: Session):
    return list((await session.scalars(select(User).join(User.addresses))).unique())
