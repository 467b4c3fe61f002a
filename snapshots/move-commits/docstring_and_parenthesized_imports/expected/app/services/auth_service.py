"""Auth service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Profile, User
from app.security import hash_password


class AuthService:
    """Units of work for auth: each method writes and commits."""

    @staticmethod
    def create_user(data):
        user = User(email=data["email"], password_hash=hash_password(data["password"]))
        user.profile = Profile(display_name=data.get("name", ""))
        db.session.add(user)
        db.session.commit()
        return user
