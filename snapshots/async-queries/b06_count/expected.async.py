from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def simple(session: Session):
    return await session.scalar(
        select(func.count()).select_from(User).where(User.active)
    )


async def distinct_join(session: Session):
    return await session.scalar(
        select(func.count()).select_from(
            select(User.id).join(User.addresses).distinct().subquery()
        )
    )


async def grouped(session: Session):
    return await session.scalar(
        select(func.count()).select_from(
            select(Address.user_id).group_by(Address.user_id).subquery()
        )
    )
