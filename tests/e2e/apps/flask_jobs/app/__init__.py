"""A small job board: Flask + Flask-SQLAlchemy, blueprints and a MethodView."""

from flask import Flask, g, request

from app.extensions import db


def create_app(database_uri: str = "sqlite://") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri
    app.config["SECRET_KEY"] = "test"
    db.init_app(app)

    from app.routes.admin import bp as admin_bp
    from app.routes.jobs import bp as jobs_bp
    from app.routes.users import bp as users_bp
    from app.routes.users import register_profile_view

    app.register_blueprint(jobs_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(admin_bp)
    register_profile_view(app)

    @app.before_request
    def load_tenant() -> None:
        g.tenant_id = int(request.headers.get("X-Tenant", "1"))

    with app.app_context():
        db.create_all()
    return app
