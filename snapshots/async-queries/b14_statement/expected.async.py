from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session):
    stmt = select(User).where(User.active)
    return (await session.execute(stmt)).scalars().all()
