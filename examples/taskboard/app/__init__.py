"""The taskboard application: projects, tasks and comments behind a JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask import Flask, jsonify
from flask.cli import with_appcontext
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.notifications import Outbox
from app.routes import register_blueprints


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the defaults and ``TASKBOARD_*`` variables."""
    app = Flask(__name__)
    app.config.from_mapping(SQLALCHEMY_DATABASE_URI="sqlite:///taskboard.db")
    app.config.from_prefixed_env("TASKBOARD")
    if config:
        app.config.update(config)

    db.init_app(app)
    app.extensions["outbox"] = Outbox()
    register_blueprints(app)
    app.register_error_handler(HTTPException, _http_error)
    app.cli.add_command(init_db)
    return app


def _http_error(error: HTTPException) -> ResponseReturnValue:
    # The API speaks JSON, including for 404s raised by get_or_404.
    return jsonify(error=error.description), error.code or 500


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database tables."""
    db.create_all()
    click.echo("database ready")
