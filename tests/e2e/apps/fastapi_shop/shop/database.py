from collections.abc import AsyncIterator, Iterator

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


class _State:
    sync_factory: sessionmaker[Session] | None = None
    async_factory: async_sessionmaker[AsyncSession] | None = None


def configure(path: str) -> None:
    """Point both engines at one SQLite file and create the tables."""
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    _State.sync_factory = sessionmaker(engine, expire_on_commit=False)
    async_engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    _State.async_factory = async_sessionmaker(async_engine, expire_on_commit=False)


def get_db() -> Iterator[Session]:
    assert _State.sync_factory is not None
    with _State.sync_factory() as session:
        yield session


async def get_async_db() -> AsyncIterator[AsyncSession]:
    assert _State.async_factory is not None
    async with _State.async_factory() as session:
        yield session
