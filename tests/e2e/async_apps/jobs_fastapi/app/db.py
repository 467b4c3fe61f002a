"""Async engine and session dependency."""

import os

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

DATABASE_URL = os.environ.get("JOBS_DATABASE_URL", "sqlite+aiosqlite:///./jobs.db")

# NullPool: the test client and the seeding code run on different event loops.
engine = create_async_engine(DATABASE_URL, poolclass=NullPool)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_db():
    async with SessionLocal() as session:
        yield session
