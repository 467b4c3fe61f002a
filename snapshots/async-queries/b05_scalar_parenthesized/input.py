from sqlalchemy import func
from sqlalchemy.orm import Session

from app.models import User


def total_age(session: Session, team_id):
    # the query stood in parentheses of its own before `.scalar()`
    total = (
        session.query(func.sum(User.age))
        .filter(User.team_id == team_id)
    ).scalar()
    return total


def oldest(session: Session):
    return (session.query(func.max(User.age)).filter(User.active)).scalar()


def the_user(session: Session, uid):
    return (
        session.query(User)
        .filter(User.id == uid)
    ).one()
