"""A tiny Flask app whose routes hold the data-flow cases of move-commits."""

from flask import Flask

from app.extensions import db


def create_app(database_uri: str) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri
    db.init_app(app)

    from app.routes.checks import bp as checks_bp
    from app.routes.entries import bp

    app.register_blueprint(bp)
    app.register_blueprint(checks_bp)
    with app.app_context():
        db.create_all()
    return app
