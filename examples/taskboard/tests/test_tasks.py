"""Task routes, including the class-based view and the bulk import."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Comment, Task
from helpers import Lookup


def test_create_task_appends_to_the_board(
    client: FlaskClient, project: dict[str, Any], lookup: Lookup
) -> None:
    url = f"/projects/{project['id']}/tasks"
    first = client.post(url, json={"title": " Draft ", "assignee": "ana", "due_date": "2030-05-01"})
    second = client.post(url, json={"title": "Review"})

    assert first.status_code == 201
    assert first.get_json() == {
        "id": 1,
        "project_id": project["id"],
        "title": "Draft",
        "status": "todo",
        "position": 0,
        "assignee": "ana",
        "due_date": "2030-05-01",
    }
    assert second.status_code == 201
    assert second.get_json()["position"] == 1
    assert lookup(Task, 1) == first.get_json()
    assert lookup(Task, 2) == second.get_json()


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({}, "title is required"),
        ({"title": "   "}, "title is required"),
        ({"title": "x", "due_date": "next week"}, "due_date must be YYYY-MM-DD"),
        ({"title": "x", "due_date": 20300501}, "due_date must be YYYY-MM-DD"),
    ],
)
def test_create_task_validates_its_input(
    client: FlaskClient, project: dict[str, Any], payload: dict[str, Any], error: str
) -> None:
    response = client.post(f"/projects/{project['id']}/tasks", json=payload)

    assert response.status_code == 400
    assert response.get_json() == {"error": error}
    assert client.get(f"/projects/{project['id']}/tasks").get_json() == []


def test_create_task_in_an_archived_project_is_refused(
    client: FlaskClient, project: dict[str, Any]
) -> None:
    client.post(f"/projects/{project['id']}/archive")

    response = client.post(f"/projects/{project['id']}/tasks", json={"title": "late"})

    assert response.status_code == 409
    assert response.get_json() == {"error": "project is archived"}
    assert client.get(f"/projects/{project['id']}/tasks").get_json() == []


def test_list_tasks_in_board_order(client: FlaskClient, project: dict[str, Any]) -> None:
    for title in ("one", "two", "three"):
        client.post(f"/projects/{project['id']}/tasks", json={"title": title})
    client.delete("/tasks/2")

    response = client.get(f"/projects/{project['id']}/tasks")

    assert response.status_code == 200
    assert [(t["title"], t["position"]) for t in response.get_json()] == [("one", 0), ("three", 2)]


def test_position_continues_after_the_last_task(
    client: FlaskClient, project: dict[str, Any]
) -> None:
    url = f"/projects/{project['id']}/tasks"
    client.post(url, json={"title": "one"})
    client.post(url, json={"title": "two"})
    client.delete("/tasks/1")

    assert client.post(url, json={"title": "three"}).get_json()["position"] == 2


def test_get_task_counts_its_comments(client: FlaskClient, task: dict[str, Any]) -> None:
    client.post(f"/tasks/{task['id']}/comments", json={"body": "first"})

    response = client.get(f"/tasks/{task['id']}")

    assert response.status_code == 200
    assert response.get_json() == {**task, "comment_count": 1}


def test_patch_task_updates_and_commits(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup
) -> None:
    response = client.patch(
        f"/tasks/{task['id']}",
        json={"title": "Write better copy", "status": "doing", "assignee": "bo"},
    )

    assert response.status_code == 200
    expected = {**task, "title": "Write better copy", "status": "doing", "assignee": "bo"}
    assert response.get_json() == expected
    assert lookup(Task, task["id"]) == expected


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"status": "blocked"}, "status must be one of: todo, doing, done"),
        ({"title": ""}, "title must not be blank"),
    ],
)
def test_patch_task_validates_its_input(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup, payload: dict[str, Any], error: str
) -> None:
    response = client.patch(f"/tasks/{task['id']}", json={**payload, "assignee": "eve"})

    assert response.status_code == 400
    assert response.get_json() == {"error": error}
    assert lookup(Task, task["id"]) == task


def test_delete_task_removes_its_comments(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup
) -> None:
    comment = client.post(f"/tasks/{task['id']}/comments", json={"body": "bye"}).get_json()

    response = client.delete(f"/tasks/{task['id']}")

    assert response.status_code == 204
    assert response.data == b""
    assert lookup(Task, task["id"]) is None
    assert lookup(Comment, comment["id"]) is None


def test_move_task_commits_the_status_and_a_note(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup
) -> None:
    response = client.post(f"/tasks/{task['id']}/move", json={"status": "doing"})

    assert response.status_code == 200
    assert response.get_json() == {**task, "status": "doing"}
    assert lookup(Task, task["id"]) == {**task, "status": "doing"}
    notes = client.get(f"/tasks/{task['id']}/comments").get_json()
    assert [(n["author"], n["body"]) for n in notes] == [("taskboard", "moved from todo to doing")]


def test_move_task_keeps_the_move_when_the_note_fails(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_commit = db.session.commit
    commits: list[int] = []

    def second_commit_fails() -> None:
        commits.append(len(commits) + 1)
        if len(commits) == 2:
            raise RuntimeError("disk full")
        real_commit()

    monkeypatch.setattr(db.session, "commit", second_commit_fails)

    with pytest.raises(RuntimeError, match="disk full"):
        client.post(f"/tasks/{task['id']}/move", json={"status": "done"})

    monkeypatch.undo()
    # The move was committed on its own, before the note was written.
    assert lookup(Task, task["id"]) == {**task, "status": "done"}
    assert client.get(f"/tasks/{task['id']}/comments").get_json() == []


def test_move_task_to_its_own_column_leaves_no_note(
    client: FlaskClient, task: dict[str, Any]
) -> None:
    response = client.post(f"/tasks/{task['id']}/move", json={"status": "todo"})

    assert response.status_code == 200
    assert client.get(f"/tasks/{task['id']}/comments").get_json() == []


def test_move_task_to_an_unknown_column_is_refused(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup
) -> None:
    response = client.post(f"/tasks/{task['id']}/move", json={"status": "blocked"})

    assert response.status_code == 400
    assert response.get_json() == {"error": "status must be one of: todo, doing, done"}
    assert lookup(Task, task["id"]) == task


def test_import_tasks_skips_bad_rows(client: FlaskClient, task: dict[str, Any]) -> None:
    rows: list[Any] = [
        {"title": "Logo", "assignee": "cy", "due_date": "2030-01-31"},
        {"title": "   "},
        "not a row",
        {"title": "Fonts", "status": "someday"},
        {"title": "Photos", "status": "done", "due_date": "end of month"},
    ]

    response = client.post(f"/projects/{task['project_id']}/tasks/import", json={"rows": rows})

    assert response.status_code == 201
    assert response.get_json() == {"imported": 2, "skipped": [1, 2, 3]}
    tasks = client.get(f"/projects/{task['project_id']}/tasks").get_json()
    assert [(t["title"], t["status"], t["position"], t["due_date"]) for t in tasks] == [
        ("Write copy", "todo", 0, None),
        ("Logo", "todo", 1, "2030-01-31"),
        ("Photos", "done", 2, None),
    ]
    assert tasks[1]["assignee"] == "cy"


def test_import_tasks_needs_a_list_of_rows(client: FlaskClient, project: dict[str, Any]) -> None:
    response = client.post(f"/projects/{project['id']}/tasks/import", json={"rows": "a,b"})

    assert response.status_code == 400
    assert response.get_json() == {"error": "rows must be a list"}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/projects/99/tasks"),
        ("post", "/projects/99/tasks"),
        ("post", "/projects/99/tasks/import"),
        ("get", "/tasks/99"),
        ("patch", "/tasks/99"),
        ("delete", "/tasks/99"),
        ("post", "/tasks/99/move"),
    ],
)
def test_missing_rows_are_a_json_404(client: FlaskClient, method: str, url: str) -> None:
    response = getattr(client, method)(url, json={"title": "x", "status": "done", "rows": []})

    assert response.status_code == 404
    assert "error" in response.get_json()
