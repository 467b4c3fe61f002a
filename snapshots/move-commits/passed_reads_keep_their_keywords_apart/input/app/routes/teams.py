from flask import Blueprint, g, request

from app.extensions import db
from app.members import add_member

bp = Blueprint("teams", __name__)


@bp.post("/teams/<team>/members")
def team_add_member(team):
    add_member(db.session, username=request.form["user"], team=team, user=g.user.username)
    db.session.commit()
    return "", 204
