from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def active(db: AsyncSession):
    return db.query(User).filter(User.active).all()


def by_id(db: AsyncSession, uid):
    return db.query(User).get(uid)
