"""The app's own tests: the export endpoints return the jobs."""

from __future__ import annotations

import os

os.environ["DATABASE_URL"] = "sqlite:///./check.db"

from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app, raise_server_exceptions=True)


def test_export_lists_open_jobs() -> None:
    client.post("/jobs", params={"title": "welder"})
    client.post("/jobs", params={"title": "baker"})
    response = client.get("/export")
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()]
    assert titles[-2:] == ["welder", "baker"]


def test_stats_counts_jobs() -> None:
    client.post("/jobs", params={"title": "plumber"})
    response = client.get("/stats")
    assert response.status_code == 200
    assert response.json()["jobs"] >= 1
