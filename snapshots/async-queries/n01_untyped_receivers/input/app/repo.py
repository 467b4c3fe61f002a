from sqlalchemy.orm import object_session

from app.database import SessionLocal
from app.models import Tag, User


def by_name(*, db_session, name):
    return db_session.query(User).filter_by(name=name).first()


def annotated(db: SessionLocal):
    return db.query(User).all()


def with_block(session):
    with session as db:
        return db.query(Tag).count()


def sibling_tags(target):
    session = object_session(target)
    return session.query(Tag).filter(Tag.user_id == target.user_id).all()


def configured(dbs):
    return dbs.query(Tag).all()


class Repo:
    def __init__(self, session):
        self.session = session

    def users(self):
        return self.session.query(User).order_by(User.name).all()


def unknown(client):
    return client.query(User).all()
