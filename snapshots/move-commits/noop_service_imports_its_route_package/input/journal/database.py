from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
SessionMaker = async_sessionmaker(engine)


async def get_session():
    async with SessionMaker() as session:
        yield session
