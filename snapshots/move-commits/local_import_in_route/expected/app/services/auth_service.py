"""Auth service: units of work (database writes and their commits)."""

from app.extensions import db


class AuthService:
    """Units of work for auth: each method writes and commits."""

    @staticmethod
    def reset_password(user, data):
        import bcrypt

        user.password_hash = bcrypt.hashpw(
            data["password"].encode(), bcrypt.gensalt()
        ).decode()
        user.failed_logins = 0
        db.session.commit()
