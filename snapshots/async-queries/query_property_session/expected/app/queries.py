from sqlalchemy import func, select

from app.database import db_session
from app.models import User


def by_name(name):
    return db_session.scalars(select(User).filter_by(name=name).limit(1)).first()


def everyone():
    return db_session.scalars(select(User).order_by(User.name)).all()


def one(user_id):
    return db_session.get(User, user_id)


def how_many():
    return db_session.scalar(select(func.count()).select_from(User))


def page(n):
    return User.query.paginate(page=n)
