"""A small forum on Flask-SQLAlchemy 2.5: topics, and replies that moderators can hide."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
    db.init_app(app)
    from forum.views import bp

    app.register_blueprint(bp)
    return app
