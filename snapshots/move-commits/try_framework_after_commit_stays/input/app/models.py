from app.extensions import db


class Shelf(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(80), unique=True)
    opened = db.Column(db.Boolean, default=False)
