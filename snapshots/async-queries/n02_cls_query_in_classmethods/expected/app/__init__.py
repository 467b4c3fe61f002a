from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(80))

    @classmethod
    def by_email(cls, email):
        # nothing extends Member: `cls` is Member
        return db.session.scalars(
            db.select(cls).filter_by(email=email).limit(1)
        ).first()

    @classmethod
    def find(cls, member_id):
        return db.session.get(cls, member_id)

    @classmethod
    def newest_first(cls):
        # ordered by its own class's column: no join, no unique()
        return db.session.scalars(db.select(cls).order_by(Member.id.desc())).all()

    @classmethod
    def everyone(cls):
        found = cls.query.filter(cls.id > 0)
        return found.all()


class Archived(db.Model):
    __abstract__ = True

    @classmethod
    def find(cls, row_id):
        return cls.query.get(row_id)


class Badge(Archived):
    id = db.Column(db.Integer, primary_key=True)


class Directory:
    @classmethod
    def first(cls):
        return cls.query.first()
