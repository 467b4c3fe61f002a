from flask import Blueprint, g, request

from app.services.team_service import TeamService

bp = Blueprint("teams", __name__)


@bp.post("/teams/<team>/members")
def team_add_member(team):
    TeamService.team_add_member(
        team, username=request.form["user"], current_username=g.user.username
    )
    return "", 204
