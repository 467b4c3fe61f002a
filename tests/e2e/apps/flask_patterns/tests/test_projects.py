from app.extensions import db
from app.models import AuditLog, Field, Project, Tag

OWNER = {"X-User": "ada"}


def make_project(client, name="Apollo"):
    response = client.post("/projects", json={"name": name}, headers=OWNER)
    assert response.status_code == 201
    return response.get_json()


def test_create_and_duplicate(client, app):
    project = make_project(client, " Apollo ")
    assert project["name"] == "Apollo" and project["owner"] == "ada"
    duplicate = client.post("/projects", json={"name": "Apollo"}, headers=OWNER)
    assert duplicate.status_code == 409
    assert duplicate.get_json() == {"error": "name already taken"}
    assert client.post("/projects", json={}).status_code == 400
    with app.app_context():
        assert db.session.query(Project).count() == 1
    # The session was rolled back: the app still writes after the conflict.
    make_project(client, "Gemini")


def test_update_checks_owner_before_reading_the_body(client):
    project = make_project(client)
    stranger = client.put(f"/projects/{project['id']}", data="not json", headers={"X-User": "bob"})
    assert stranger.status_code == 403
    assert client.put("/projects/99", json={}).status_code == 404


def test_update_reads_reason_only_when_archived(client):
    project = make_project(client)
    url = f"/projects/{project['id']}"
    opened = client.put(url, json={"status": "paused", "reason": "ignored"}, headers=OWNER)
    assert opened.get_json()["reason"] is None
    archived = client.put(url, json={"status": "archived", "reason": "done"}, headers=OWNER)
    assert archived.get_json()["status"] == "archived"
    assert archived.get_json()["reason"] == "done"


def test_tags_use_the_tenant(client, app):
    project = make_project(client)
    url = f"/projects/{project['id']}/tags"
    response = client.post(url, json={"tags": ["a", "b"]}, headers={"X-Tenant": "7"})
    assert response.get_json() == {"tags": ["a", "b"]}
    assert client.post(url, json={}).get_json() == {"tags": ["a", "b"]}
    with app.app_context():
        assert {t.tenant_id for t in db.session.query(Tag)} == {7}


def test_fields_are_all_required(client, app):
    url = "/projects/1/fields"
    assert client.post(url, data={"budget": "10"}).status_code == 400
    response = client.post(url, data={"budget": "10", "deadline": "May"})
    assert response.get_json() == {"count": 2}
    with app.app_context():
        assert sorted((f.key, f.value) for f in db.session.query(Field)) == [
            ("budget", "10"),
            ("deadline", "May"),
        ]


def test_priority_falls_back_when_not_a_number(client):
    project = make_project(client)
    url = f"/projects/{project['id']}/priority"
    assert client.post(url, data={"priority": "1"}).get_json() == {"priority": 1}
    assert client.post(url, data={"priority": "high"}).get_json() == {"priority": 3}


def test_close_logs_on_request_and_refuses_twice(client, app):
    project = make_project(client)
    url = f"/projects/{project['id']}/close"
    assert client.post(url + "?log=1").get_json()["status"] == "closed"
    assert client.post(url + "?log=1").status_code == 409
    with app.app_context():
        # The audit entry of the refused request was committed before the check.
        assert db.session.query(AuditLog).count() == 2


def test_reopen(client):
    project = make_project(client)
    url = f"/projects/{project['id']}/reopen"
    assert client.post(url).status_code == 409
    client.post(f"/projects/{project['id']}/close")
    assert client.post(url).get_json()["status"] == "open"


def test_delete_needs_owner(client, app):
    project = make_project(client)
    url = f"/projects/{project['id']}"
    assert client.delete(url, headers={"X-User": "bob"}).status_code == 403
    assert client.delete(url, headers=OWNER).status_code == 204
    with app.app_context():
        assert db.session.query(Project).count() == 0
        assert [a.action for a in db.session.query(AuditLog)] == [f"delete {project['id']}"]
