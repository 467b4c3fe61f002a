"""App service: units of work (database writes and their commits)."""

from sqlalchemy.orm import Session

from models import Signup


class AppService:
    """Units of work for app: each method writes and commits."""

    @staticmethod
    def create_signup(email: str, db: Session) -> Signup:
        signup = Signup(email=email)
        db.add(signup)
        db.commit()
        return signup
