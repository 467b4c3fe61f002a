from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session):
    return (
        await session.scalars(select(User).order_by(User.name.desc(), User.id))
    ).all()
