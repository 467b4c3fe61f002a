"""Token service: units of work (database writes and their commits)."""

from api import db
from api.models import Token


class TokenService:
    """Units of work for token: each method writes and commits."""

    @staticmethod
    def create_token():
        token = Token()
        db.session.add(token)
        db.session.commit()
        return token
