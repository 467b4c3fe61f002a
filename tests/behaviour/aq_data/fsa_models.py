"""Flask-SQLAlchemy models and data for the Table D behaviour tests."""

from __future__ import annotations

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    """A user with posts."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), nullable=False)
    active = db.Column(db.Boolean, default=True)
    posts = db.relationship("Post", back_populates="author")


class Post(db.Model):
    """A post by a user."""

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(40), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    author = db.relationship("User", back_populates="posts")


def make_app(uri: str) -> Flask:
    """An app bound to ``uri``."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    db.init_app(app)
    return app


def seed() -> None:
    """Five users (duplicate names), posts on two of them."""
    db.create_all()
    db.session.add_all(
        [
            User(id=1, name="ann"),
            User(id=2, name="bob"),
            User(id=3, name="ann", active=False),
            User(id=4, name="dan"),
            User(id=5, name="eve"),
            Post(id=1, title="p1", author_id=1),
            Post(id=2, title="p2", author_id=1),
            Post(id=3, title="p3", author_id=2),
        ]
    )
    db.session.commit()
