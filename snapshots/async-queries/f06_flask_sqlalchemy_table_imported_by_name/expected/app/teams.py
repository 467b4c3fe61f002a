from app.extensions import db
from app.models import Team, TeamMember


def member_ids(team_id):
    # rows of the association table: `row[1]` is the member's id
    rows = db.session.query(TeamMember).filter(TeamMember.c.team_id == team_id).all()
    return [row[1] for row in rows]


def teams():
    return db.session.scalars(db.select(Team).order_by(Team.name)).all()
