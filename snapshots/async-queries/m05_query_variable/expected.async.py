from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def search(session: Session, name=None, active=None):
    q = select(User)
    if name:
        q = q.where(User.name == name)
    if active is not None:
        q = q.where(User.active == active)
    total = await session.scalar(select(func.count()).select_from(q.subquery()))
    return total, (await session.scalars(q.order_by(User.id))).all()
