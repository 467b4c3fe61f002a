from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def plain(session: Session, uid):
    return await session.get(User, uid)


async def with_options(session: Session, uid):
    return await session.get(
        User,
        uid,
        options=[selectinload(User.addresses)],
        populate_existing=True,
        with_for_update=True,
    )


def filtered(session: Session, uid):
    return session.query(User).filter(User.active).get(uid)
