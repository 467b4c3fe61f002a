from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session, name):
    q = select(User).where(User.name == name)
    return await session.scalar(select(q.exists()))


async def taken(session: Session, name):
    return await session.scalar(select(select(User).where(User.name == name).exists()))


async def with_addresses(session: Session):
    has_address = select(Address).where(Address.user_id == User.id).exists()
    return (await session.scalars(select(User).where(has_address))).all()


async def eager_exists(session: Session):
    return await session.scalar(
        select(session.query(User).options(joinedload(User.addresses)).exists())
    )
