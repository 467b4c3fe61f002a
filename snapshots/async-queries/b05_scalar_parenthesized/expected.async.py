from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User


async def total_age(session: Session, team_id):
    # the query stood in parentheses of its own before `.scalar()`
    total = await session.scalar(
        select(func.sum(User.age))
        .where(User.team_id == team_id)
    )
    return total


async def oldest(session: Session):
    return await session.scalar(select(func.max(User.age)).where(User.active))


async def the_user(session: Session, uid):
    return (await session.execute(
        select(User)
        .where(User.id == uid)
    )).scalar_one()
