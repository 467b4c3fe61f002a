from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def run(session: Session, name):
    q = session.query(User).filter(User.name == name)
    return (await session.execute(select(q.exists()))).scalar_one_or_none()
