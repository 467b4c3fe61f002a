from app.extensions import db


class Category(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80))
    category_id = db.Column(db.ForeignKey(Category.id))
    category = db.relationship(Category)
