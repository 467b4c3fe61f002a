"""A small Flask-SQLAlchemy blog."""

from flask import Flask

from blog.extensions import db


def create_app(database_uri="sqlite://"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri
    db.init_app(app)
    from blog.views import bp

    app.register_blueprint(bp)
    return app
