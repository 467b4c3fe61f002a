from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def emails(db: AsyncSession, uid):
    user = await db.get(User, uid)
    return [address.email for address in user.addresses]


async def order_count(db: AsyncSession, uid):
    user = await db.get(User, uid)
    return len(user.orders)
