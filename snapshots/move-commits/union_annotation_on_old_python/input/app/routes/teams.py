from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Team

bp = Blueprint("teams", __name__)


@bp.post("/teams/<int:team_id>/close")
def close_team(team_id: int):
    team = db.session.get(Team, team_id)
    team.closed = True
    db.session.commit()
    return jsonify({"closed": team.closed})
