from sqlalchemy import func, select

from app import db
from app.models import Note


def by_title(title):
    return db.session.scalars(select(Note).filter_by(title=title).limit(1)).first()


def count_notes():
    return db.session.scalar(select(func.count()).select_from(Note))
