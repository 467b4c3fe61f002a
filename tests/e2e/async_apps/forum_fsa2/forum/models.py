from flask_sqlalchemy import BaseQuery

from forum import db


class VisibleQuery(BaseQuery):
    """Every query through it starts without the rows a moderator hid."""

    def __new__(cls, *args, **kwargs):
        query = super().__new__(cls)
        if args:  # a new query on entities; clones come without arguments
            BaseQuery.__init__(query, *args, **kwargs)
            return query.filter_by(hidden=False)
        return query

    def __init__(self, *args, **kwargs):
        pass  # set up in __new__


class Moderated:
    query_class = VisibleQuery
    hidden = db.Column(db.Boolean, nullable=False, default=False)


class Topic(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False, unique=True)

    @classmethod
    def titled(cls, title):
        return cls.query.filter_by(title=title).first()

    @classmethod
    def newest(cls):
        return cls.query.order_by(cls.id.desc()).first()


class Reply(Moderated, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    topic_id = db.Column(db.ForeignKey("topic.id"), nullable=False)
    body = db.Column(db.String(200), nullable=False)
