from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from sqlalchemy import select


async def active(db: AsyncSession):
    return (await db.scalars(select(User).where(User.active))).all()


async def by_id(db: AsyncSession, uid):
    return await db.get(User, uid)
