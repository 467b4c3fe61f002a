from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def objects(session: Session):
    return (await session.scalars(select(User).where(User.active))).all()


async def rows(session: Session):
    return (await session.execute(select(User.id, User.name))).all()


async def one_column(session: Session):
    return (await session.execute(select(User.name))).all()
