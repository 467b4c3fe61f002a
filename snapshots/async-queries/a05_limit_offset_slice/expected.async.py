from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def page(session: Session):
    return (
        await session.scalars(select(User).order_by(User.id).offset(10).limit(5))
    ).all()


async def sliced(session: Session):
    return (
        await session.scalars(select(User).order_by(User.id).offset(1).limit(2))
    ).all()


async def indexed(session: Session):
    return (
        await session.scalars(select(User).order_by(User.id).offset(2).limit(1))
    ).all()[0]
