"""Seed the database: python -m app.seed"""

import asyncio

from sqlalchemy import func, select

from app.db import SessionLocal
from app.models import Item


async def seed():
    async with SessionLocal() as db:
        if await db.scalar(select(func.count()).select_from(Item)) == 0:
            db.add(Item(name="first"))
            await db.commit()


async def main():
    await seed()
    print("seeded")


if __name__ == "__main__":
    asyncio.run(main())
