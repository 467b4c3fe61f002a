from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def aggregate(session: Session):
    return await session.scalar(select(func.max(User.id)))


async def column(session: Session, uid):
    return (
        await session.execute(select(User.name).where(User.id == uid))
    ).scalar_one_or_none()
