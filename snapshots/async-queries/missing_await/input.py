from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def create(db: AsyncSession, name):
    user = User(name=name)
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


async def remove(db: AsyncSession, user):
    db.delete(user)
    await db.commit()


async def names(db: AsyncSession):
    return db.execute(select(User.name)).scalars().all()


def sync_helper(db: AsyncSession):
    db.flush()
