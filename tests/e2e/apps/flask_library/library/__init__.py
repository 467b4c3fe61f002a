"""A small lending library: Flask + Flask-SQLAlchemy, one blueprint per resource."""

from flask import Flask

from library.extensions import db


def create_app(database_uri: str = "sqlite://") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri
    db.init_app(app)

    from library.routes.books import bp as books_bp
    from library.routes.loans import bp as loans_bp
    from library.routes.members import bp as members_bp

    app.register_blueprint(books_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(loans_bp)

    with app.app_context():
        db.create_all()
    return app
