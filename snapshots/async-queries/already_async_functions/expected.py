from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def first_user(db: AsyncSession):
    return (await db.scalars(select(User).order_by(User.id).limit(1))).first()


async def save(db: AsyncSession, user):
    db.add(user)
    await db.commit()


def report(db: AsyncSession):
    # hands on the coroutine of an async function for its callers to await: left as written
    return first_user(db)


async def main(db: AsyncSession):
    import asyncio

    return asyncio.create_task(first_user(db))
