from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def create(db: AsyncSession, name):
    user = User(name=name)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user


async def remove(db: AsyncSession, user):
    await db.delete(user)
    await db.commit()


async def names(db: AsyncSession):
    return (await db.execute(select(User.name))).scalars().all()


async def sync_helper(db: AsyncSession):
    await db.flush()
