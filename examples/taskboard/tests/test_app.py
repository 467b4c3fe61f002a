"""The application factory and its command line."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect

from app import create_app
from app.extensions import db


def test_init_db_creates_the_tables() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    result = app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code == 0, result.output
    assert "database ready" in result.output
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) == {"projects", "tasks", "comments"}


def test_unknown_urls_answer_in_json(app: Flask) -> None:
    response = app.test_client().get("/nowhere")

    assert response.status_code == 404
    assert set(response.get_json()) == {"error"}
