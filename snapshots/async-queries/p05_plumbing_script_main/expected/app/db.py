from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///./app.db", echo=False)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
