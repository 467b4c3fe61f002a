from app.extensions import db

#: a table this module binds itself: its rows are known to be rows here
PendingInvite = db.Table(
    "pending_invite",
    db.Column("team_id", db.Integer, primary_key=True),
    db.Column("email", db.String(120), primary_key=True),
)


def pending(team_id):
    return db.session.query(PendingInvite).filter(PendingInvite.c.team_id == team_id).all()
