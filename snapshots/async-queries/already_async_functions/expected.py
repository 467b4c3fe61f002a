from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def first_user(db: AsyncSession):
    return (await db.scalars(select(User).order_by(User.id).limit(1))).first()


async def save(db: AsyncSession, user):
    db.add(user)
    await db.commit()


async def report(db: AsyncSession):
    # calls an async function without await: a silent bug the propagation fixes too
    return await first_user(db)


async def main(db: AsyncSession):
    import asyncio

    return asyncio.create_task(first_user(db))
