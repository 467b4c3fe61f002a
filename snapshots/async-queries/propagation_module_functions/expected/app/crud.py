from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def get_user(db: AsyncSession, user_id: int):
    return (await db.scalars(select(User).where(User.id == user_id).limit(1))).first()


async def get_user_or_fail(db: AsyncSession, user_id: int):
    user = await get_user(db, user_id)
    if user is None:
        raise KeyError(user_id)
    return user


async def create_user(db: AsyncSession, name: str):
    user = User(name=name)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user
