"""Member service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Member


class MemberService:
    """Units of work for member: each method writes and commits."""

    @staticmethod
    def clear_nickname(member: Member) -> None:
        member.nickname = None
        db.session.commit()
