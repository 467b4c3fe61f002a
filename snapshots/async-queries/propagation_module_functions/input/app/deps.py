from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

SessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


async def get_db():
    async with SessionLocal() as session:
        yield session
