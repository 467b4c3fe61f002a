from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str


engine = create_async_engine(
    f"sqlite+aiosqlite:///{'heroes'}.db", connect_args={"check_same_thread": False}
)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
app = FastAPI()


@app.on_event("startup")
async def on_startup():
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)


@app.get("/heroes")
async def read_heroes(session: SessionDep):
    return (await session.exec(select(Hero).order_by(Hero.id))).all()


@app.post("/heroes")
async def create_hero(hero: Hero, session: SessionDep):
    session.add(hero)
    await session.commit()
    await session.refresh(hero)
    return hero
