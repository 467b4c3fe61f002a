"""Comment routes and the notification sent after a comment is committed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app import notifications
from app.models import Comment
from app.notifications import Outbox
from helpers import Lookup


def test_create_comment_commits_then_notifies(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup, outbox: Outbox
) -> None:
    response = client.post(f"/tasks/{task['id']}/comments", json={"author": "ana", "body": " ok "})

    assert response.status_code == 201
    data = response.get_json()
    assert (data["task_id"], data["author"], data["body"]) == (task["id"], "ana", "ok")
    assert lookup(Comment, data["id"]) == data
    # The event carries the id the database assigned: the comment was committed first.
    assert outbox.events == [
        {"event": "comment.created", "task_id": task["id"], "comment_id": data["id"]}
    ]


def test_create_comment_defaults_the_author(client: FlaskClient, task: dict[str, Any]) -> None:
    response = client.post(f"/tasks/{task['id']}/comments", json={"body": "who am I"})

    assert response.status_code == 201
    assert response.get_json()["author"] == "anonymous"


def test_create_comment_requires_a_body(
    client: FlaskClient, task: dict[str, Any], outbox: Outbox
) -> None:
    response = client.post(f"/tasks/{task['id']}/comments", json={"body": "  "})

    assert response.status_code == 400
    assert response.get_json() == {"error": "body is required"}
    assert client.get(f"/tasks/{task['id']}/comments").get_json() == []
    assert outbox.events == []


def test_a_failing_notification_does_not_fail_the_request(
    client: FlaskClient, task: dict[str, Any], lookup: Lookup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(event: str, **payload: Any) -> None:
        raise ConnectionError("webhook unreachable")

    monkeypatch.setattr(notifications, "notify", unreachable)

    response = client.post(f"/tasks/{task['id']}/comments", json={"body": "still saved"})

    assert response.status_code == 201
    assert lookup(Comment, response.get_json()["id"]) == response.get_json()


def test_list_comments_oldest_first(client: FlaskClient, task: dict[str, Any]) -> None:
    for body in ("first", "second"):
        client.post(f"/tasks/{task['id']}/comments", json={"body": body})

    response = client.get(f"/tasks/{task['id']}/comments")

    assert response.status_code == 200
    assert [c["body"] for c in response.get_json()] == ["first", "second"]


def test_delete_comment(client: FlaskClient, task: dict[str, Any], lookup: Lookup) -> None:
    comment = client.post(f"/tasks/{task['id']}/comments", json={"body": "oops"}).get_json()

    response = client.delete(f"/comments/{comment['id']}")

    assert response.status_code == 204
    assert lookup(Comment, comment["id"]) is None
    again = client.delete(f"/comments/{comment['id']}")
    assert again.status_code == 404
    assert again.get_json() == {"error": "comment not found"}


@pytest.mark.parametrize(
    ("method", "url"), [("get", "/tasks/99/comments"), ("post", "/tasks/99/comments")]
)
def test_comments_of_a_missing_task_are_a_json_404(
    client: FlaskClient, method: str, url: str
) -> None:
    response = getattr(client, method)(url, json={"body": "x"})

    assert response.status_code == 404
    assert "error" in response.get_json()
