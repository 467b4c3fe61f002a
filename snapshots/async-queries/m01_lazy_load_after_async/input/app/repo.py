from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


def emails(db: AsyncSession, uid):
    user = db.query(User).get(uid)
    return [address.email for address in user.addresses]


def order_count(db: AsyncSession, uid):
    user = db.query(User).get(uid)
    return len(user.orders)
