from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from app.database import SessionLocal
from app.models import Tag, User


def by_name(*, db_session, name):
    return db_session.scalars(select(User).filter_by(name=name).limit(1)).first()


def annotated(db: SessionLocal):
    return db.scalars(select(User)).all()


def with_block(session):
    with session as db:
        return db.scalar(select(func.count()).select_from(Tag))


def sibling_tags(target):
    session = object_session(target)
    return session.scalars(select(Tag).where(Tag.user_id == target.user_id)).all()


def configured(dbs):
    return dbs.scalars(select(Tag)).all()


class Repo:
    def __init__(self, session):
        self.session = session

    def users(self):
        return self.session.scalars(select(User).order_by(User.name)).all()


def unknown(client):
    return client.query(User).all()
