from app.extensions import db


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(50), nullable=False)
    value = db.Column(db.String(200))


class Solve(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    challenge = db.Column(db.Integer, nullable=False, unique=True)
    count = db.Column(db.Integer, nullable=False, default=1)


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    priority = db.Column(db.Integer, nullable=False)

    def bump(self, by):
        """Raise the priority (1 is the highest); False when it cannot go that far."""
        if self.priority - by < 1:
            return False
        self.priority -= by
        return True
