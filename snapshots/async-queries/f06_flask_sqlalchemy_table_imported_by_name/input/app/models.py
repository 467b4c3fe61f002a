from app.extensions import db

#: an association table named like a class
TeamMember = db.Table(
    "team_member",
    db.Column("team_id", db.Integer, primary_key=True),
    db.Column("member_id", db.Integer, primary_key=True),
)


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
