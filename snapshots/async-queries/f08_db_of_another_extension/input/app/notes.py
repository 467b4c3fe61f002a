from app import db
from app.models import Note


def by_title(title):
    return db.session.query(Note).filter_by(title=title).first()


def count_notes():
    return db.session.query(Note).count()
