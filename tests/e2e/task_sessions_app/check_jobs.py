"""The app's own tests: what a background task writes is visible after the response."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A client on a fresh sqlite file."""
    os.environ["JOBS_DB"] = str(tmp_path / "jobs.db")
    from jobs.main import app

    with TestClient(app) as client:
        yield client


def test_creation_is_recorded(client: TestClient) -> None:
    """The background task's event is stored."""
    job_id = client.post("/jobs", params={"title": "paint"}).json()["id"]
    assert client.get(f"/jobs/{job_id}").json() == {"status": "new", "events": ["created"]}


def test_finishing_is_stored(client: TestClient) -> None:
    """The background task's status change and event are stored."""
    job_id = client.post("/jobs", params={"title": "paint"}).json()["id"]
    assert client.post(f"/jobs/{job_id}/finish").json() == {"status": "queued"}
    assert client.get(f"/jobs/{job_id}").json() == {
        "status": "done",
        "events": ["created", "finished"],
    }


def test_archiving_is_stored(client: TestClient) -> None:
    """A Starlette background task's change is stored."""
    job_id = client.post("/jobs", params={"title": "paint"}).json()["id"]
    assert client.post(f"/jobs/{job_id}/archive").json() == {"status": "queued"}
    assert client.get(f"/jobs/{job_id}").json()["status"] == "archived"
