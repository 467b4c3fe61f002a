from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session, name):
    return (await session.scalars(select(User).filter_by(name=name))).all()
