from .base import Column, db


class Visitor(db.Model):
    id = Column(db.Integer, primary_key=True)
    country = Column(db.String(2))
    blocked = Column(db.Boolean, default=False)
