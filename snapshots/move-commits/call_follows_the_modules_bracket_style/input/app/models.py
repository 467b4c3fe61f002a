from app.extensions import db


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first_name = db.Column(db.String(64))
    last_name = db.Column(db.String(64))
    email_address = db.Column(db.String(120))
    organisation_name = db.Column(db.String(120))
