"""App service: units of work (database writes and their commits)."""

from models import Signup


class AppService:
    """Units of work for app: each method writes and commits."""

    @staticmethod
    def signup(email, db):
        signup = Signup(email=email)
        db.add(signup)
        db.commit()
        return signup
