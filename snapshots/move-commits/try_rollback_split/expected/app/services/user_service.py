"""User service: units of work (database writes and their commits)."""

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User


class UserService:
    """Units of work for user: each method writes and commits."""

    @staticmethod
    def create_user(email):
        user = User(email=email)
        try:
            db.session.add(user)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise
        return user
