"""Project routes: every status code and what ends up in the database."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Comment, Project, Task
from helpers import Lookup


def test_create_project_returns_it_and_commits(client: FlaskClient, lookup: Lookup) -> None:
    response = client.post("/projects", json={"name": "  Website ", "description": "relaunch"})

    assert response.status_code == 201
    data = response.get_json()
    assert data["name"] == "Website"
    assert data["description"] == "relaunch"
    assert data["archived"] is False
    assert lookup(Project, data["id"]) == data


def test_create_project_requires_a_name(client: FlaskClient) -> None:
    response = client.post("/projects", json={"description": "no name"})

    assert response.status_code == 400
    assert response.get_json() == {"error": "name is required"}
    assert client.get("/projects").get_json() == []


def test_create_project_rejects_a_duplicate_name(
    client: FlaskClient, project: dict[str, Any]
) -> None:
    response = client.post("/projects", json={"name": "Website"})

    assert response.status_code == 409
    assert response.get_json() == {"error": "project 'Website' already exists"}
    assert len(client.get("/projects").get_json()) == 1


def test_list_projects_sorted_and_without_archived(client: FlaskClient) -> None:
    for name in ("Zeta", "Alpha", "Mid"):
        client.post("/projects", json={"name": name})
    client.post("/projects/3/archive")

    assert [p["name"] for p in client.get("/projects").get_json()] == ["Alpha", "Zeta"]
    everything = client.get("/projects?archived=1").get_json()
    assert [p["name"] for p in everything] == ["Alpha", "Mid", "Zeta"]


def test_get_project_counts_tasks_per_status(client: FlaskClient, project: dict[str, Any]) -> None:
    for title in ("a", "b", "c"):
        client.post(f"/projects/{project['id']}/tasks", json={"title": title})
    client.post("/tasks/1/move", json={"status": "done"})

    response = client.get(f"/projects/{project['id']}")

    assert response.status_code == 200
    data = response.get_json()
    assert data["name"] == "Website"
    assert data["task_counts"] == {"todo": 2, "doing": 0, "done": 1}


def test_update_project_changes_name_and_description(
    client: FlaskClient, project: dict[str, Any], lookup: Lookup
) -> None:
    response = client.patch(
        f"/projects/{project['id']}", json={"name": "Web site ", "description": "v2"}
    )

    assert response.status_code == 200
    assert response.get_json()["name"] == "Web site"
    stored = lookup(Project, project["id"])
    assert stored is not None
    assert (stored["name"], stored["description"]) == ("Web site", "v2")


def test_update_project_rejects_a_blank_name(
    client: FlaskClient, project: dict[str, Any], lookup: Lookup
) -> None:
    response = client.patch(f"/projects/{project['id']}", json={"name": "  "})

    assert response.status_code == 400
    assert lookup(Project, project["id"]) == project


def test_update_project_name_clash_rolls_back(
    client: FlaskClient, project: dict[str, Any], lookup: Lookup
) -> None:
    other = client.post("/projects", json={"name": "Mobile"}).get_json()

    response = client.patch(
        f"/projects/{other['id']}", json={"name": "Website", "description": "changed"}
    )

    assert response.status_code == 409
    assert response.get_json() == {
        "error": "another project already has that name",
        "conflict_id": project["id"],
    }
    assert lookup(Project, other["id"]) == other
    # The session was rolled back, so the next write works.
    assert client.patch(f"/projects/{other['id']}", json={"description": "ok"}).status_code == 200
    stored = lookup(Project, other["id"])
    assert stored is not None
    assert stored["description"] == "ok"


def test_delete_project_removes_its_tasks_and_comments(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup
) -> None:
    comment = client.post(f"/tasks/{task['id']}/comments", json={"body": "hi"}).get_json()

    response = client.delete(f"/projects/{task['project_id']}")

    assert response.status_code == 204
    assert response.data == b""
    assert lookup(Project, task["project_id"]) is None
    assert lookup(Task, task["id"]) is None
    assert lookup(Comment, comment["id"]) is None


def test_delete_project_rolls_back_and_reraises_when_commit_fails(
    client: FlaskClient, project: dict[str, Any], lookup: Lookup, monkeypatch: pytest.MonkeyPatch
) -> None:
    rollbacks: list[bool] = []
    real_rollback = db.session.rollback

    def failing_commit() -> None:
        raise RuntimeError("database is locked")

    def spying_rollback() -> None:
        rollbacks.append(True)
        real_rollback()

    monkeypatch.setattr(db.session, "commit", failing_commit)
    monkeypatch.setattr(db.session, "rollback", spying_rollback)

    with pytest.raises(RuntimeError, match="database is locked"):
        client.delete(f"/projects/{project['id']}")

    assert rollbacks == [True]
    monkeypatch.undo()
    assert lookup(Project, project["id"]) == project


def test_archive_project(client: FlaskClient, project: dict[str, Any], lookup: Lookup) -> None:
    response = client.post(f"/projects/{project['id']}/archive")

    assert response.status_code == 200
    assert response.get_json()["archived"] is True
    stored = lookup(Project, project["id"])
    assert stored is not None
    assert stored["archived"] is True


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/projects/99"),
        ("patch", "/projects/99"),
        ("delete", "/projects/99"),
        ("post", "/projects/99/archive"),
    ],
)
def test_missing_project_is_a_json_404(client: FlaskClient, method: str, url: str) -> None:
    response = getattr(client, method)(url, json={})

    assert response.status_code == 404
    assert "error" in response.get_json()
