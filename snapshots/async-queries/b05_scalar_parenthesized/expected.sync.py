from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User


def total_age(session: Session, team_id):
    # the query stood in parentheses of its own before `.scalar()`
    total = session.scalar(
        select(func.sum(User.age))
        .where(User.team_id == team_id)
    )
    return total


def oldest(session: Session):
    return session.scalar(select(func.max(User.age)).where(User.active))


def the_user(session: Session, uid):
    return session.execute(
        select(User)
        .where(User.id == uid)
    ).scalar_one()
