from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import User


async def first_email(db: AsyncSession, uid):
    user = (
        await db.scalars(
            select(User)
            .where(User.id == uid)
            .options(selectinload(User.addresses))
            .limit(1)
        )
    ).first()
    return user.addresses[0].email if user and user.addresses else None


async def all_emails(db: AsyncSession):
    emails = []
    for user in (
        await db.scalars(
            select(User).order_by(User.id).options(selectinload(User.addresses))
        )
    ).all():
        emails.extend(a.email for a in user.addresses)
    return emails


def emails_of(user):
    return [a.email for a in user.addresses]


async def addresses_by_name(db: AsyncSession, name):
    user = (
        await db.execute(
            select(User).filter_by(name=name).options(selectinload(User.addresses))
        )
    ).scalar_one()
    return emails_of(user), user.addresses
