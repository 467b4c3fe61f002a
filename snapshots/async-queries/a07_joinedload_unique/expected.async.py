from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session):
    return (
        (await session.scalars(select(User).options(joinedload(User.addresses))))
        .unique()
        .all()
    )


async def selectin(session: Session):
    return (
        await session.scalars(select(User).options(selectinload(User.addresses)))
    ).all()
