from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Ranger(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    park = db.Column(db.String(40))
