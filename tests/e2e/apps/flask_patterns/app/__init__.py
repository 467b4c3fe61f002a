"""Projects and tasks: Flask + Flask-SQLAlchemy routes written in the shapes move-commits must
handle (guards, IntegrityError, conditional reads, loops, branches, request helpers)."""

from flask import Flask

from app.extensions import db


def create_app(database_uri: str = "sqlite://") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri
    db.init_app(app)

    from app.routes.projects import bp as projects_bp
    from app.routes.tasks import bp as tasks_bp

    app.register_blueprint(projects_bp)
    app.register_blueprint(tasks_bp)
    with app.app_context():
        db.create_all()
    return app
