from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def obj(session: Session, name):
    return (await session.scalars(select(User).filter_by(name=name).limit(1))).first()


async def row(session: Session):
    return (
        await session.execute(select(User.id, User.name).order_by(User.id).limit(1))
    ).first()
