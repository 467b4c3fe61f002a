from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Sheet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String)
    pages = db.relationship("Page")


class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sheet_id = db.Column(db.Integer, db.ForeignKey("sheet.id"))
    shared = db.Column(db.Boolean)
