"""Login service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Visitor


class LoginService:
    """Units of work for login: each method writes and commits."""

    @staticmethod
    def create_visitor(name):  # pragma: no cover
        visitor = Visitor(name=name, admin=True)
        db.session.add(visitor)
        db.session.commit()

    @staticmethod
    def sign_up():  # pragma: no cover
        visitor = Visitor(name="debug visitor")
        db.session.add(visitor)
        db.session.commit()

    @staticmethod
    def create_visitor_2(name):
        visitor = Visitor(name=name)
        db.session.add(visitor)
        db.session.commit()
