"""HTTP routes, one blueprint per resource."""

from flask import Flask

from app.routes import comments, projects, tasks


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to ``app``."""
    app.register_blueprint(projects.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(comments.bp)
