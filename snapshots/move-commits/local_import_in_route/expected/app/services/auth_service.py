"""Auth service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import User


class AuthService:
    """Units of work for auth: each method writes and commits."""

    @staticmethod
    def reset_password(data):
        import bcrypt

        user = User.query.filter_by(email=data["email"]).first_or_404()
        user.password_hash = bcrypt.hashpw(
            data["password"].encode(), bcrypt.gensalt()
        ).decode()
        user.failed_logins = 0
        db.session.commit()
