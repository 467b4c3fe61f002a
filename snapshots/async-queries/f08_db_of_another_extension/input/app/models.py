import sqlalchemy as sqla

from app import db


class Note(db.Model):
    id = sqla.Column(sqla.Integer, primary_key=True)
    title = sqla.Column(sqla.String(64))
