from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def active(db: AsyncSession):
    return (await db.scalars(select(User).where(User.active))).all()


async def by_id(db: AsyncSession, uid):
    return await db.get(User, uid)
