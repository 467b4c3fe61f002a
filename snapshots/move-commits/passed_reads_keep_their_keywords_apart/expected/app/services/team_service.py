"""Team service: units of work (database writes and their commits)."""

from app.extensions import db
from app.members import add_member


class TeamService:
    """Units of work for team: each method writes and commits."""

    @staticmethod
    def team_add_member(team, username, current_username):
        add_member(db.session, username=username, team=team, user=current_username)
        db.session.commit()
