"""Invite service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Invite


class InviteService:
    """Units of work for invite: each method writes and commits."""

    @staticmethod
    def accept_invite(token, user):
        if not user.accept_invite(token):
            return False
        db.session.commit()
        return True

    @staticmethod
    def decline_invite(token):
        if not Invite.decline(token):
            return False
        db.session.commit()
        return True
