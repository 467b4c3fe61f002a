"""Fixtures: a fresh app on an in-memory database per test, its client, and ready-made rows.

Requests run without an application context held open by the test, so each request gets its own
database session, as in production: a route that forgets to commit loses its writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.notifications import Outbox
from helpers import Lookup


@pytest.fixture
def app() -> Iterator[Flask]:
    """The application with empty tables."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> Outbox:
    """The events the app has sent."""
    box: Outbox = app.extensions["outbox"]
    return box


@pytest.fixture
def lookup(app: Flask) -> Lookup:
    """Read a row back through a fresh session: what was really committed."""

    def read(model: type, ident: int) -> dict[str, Any] | None:
        with app.app_context():
            row = db.session.get(model, ident)
            return None if row is None else row.to_dict()

    return read


@pytest.fixture
def project(client: FlaskClient) -> dict[str, Any]:
    """A project named "Website"."""
    response = client.post("/projects", json={"name": "Website", "description": "relaunch"})
    assert response.status_code == 201
    data: dict[str, Any] = response.get_json()
    return data


@pytest.fixture
def task(client: FlaskClient, project: dict[str, Any]) -> dict[str, Any]:
    """A task "Write copy" in the "Website" project."""
    response = client.post(f"/projects/{project['id']}/tasks", json={"title": "Write copy"})
    assert response.status_code == 201
    data: dict[str, Any] = response.get_json()
    return data
