from app.extensions import db


class Job(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    archived = db.Column(db.Boolean, default=False)

    def to_dict(self):
        return {"id": self.id, "archived": self.archived}


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    closed = db.Column(db.Boolean, default=False)
