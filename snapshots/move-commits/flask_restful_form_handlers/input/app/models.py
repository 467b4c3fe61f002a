from app.extensions import db


class Invoice(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    total = db.Column(db.Integer)
