"""Team service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Team


class TeamService:
    """Units of work for team: each method writes and commits."""

    @staticmethod
    def create_team() -> Team:
        team = Team()
        db.session.add(team)
        db.session.commit()
        return team
