from app.events import published
from app.extensions import db
from app.models import Job


def make_job(client, title="Backend developer", tenant=1):
    response = client.post("/jobs", json={"title": title}, headers={"X-Tenant": str(tenant)})
    assert response.status_code == 201
    return response.get_json()


def test_create_job_uses_tenant_and_strips_title(client):
    job = make_job(client, "  Data engineer ", tenant=7)
    assert job["title"] == "Data engineer"
    assert job["tenant_id"] == 7
    listed = client.get("/jobs", headers={"X-Tenant": "7"}).get_json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_create_job_requires_title(client):
    assert client.post("/jobs", json={}).status_code == 400
    assert client.get("/jobs").get_json() == []


def test_update_job(client, app):
    job = make_job(client)
    response = client.put(f"/jobs/{job['id']}", json={"status": "paused"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "paused"
    assert response.get_json()["title"] == "Backend developer"
    with app.app_context():
        assert db.session.get(Job, job["id"]).status == "paused"


def test_update_job_of_other_tenant_is_404(client):
    job = make_job(client, tenant=1)
    response = client.put(f"/jobs/{job['id']}", json={"title": "x"}, headers={"X-Tenant": "2"})
    assert response.status_code == 404


def test_delete_job(client, app):
    job = make_job(client)
    assert client.delete(f"/jobs/{job['id']}").status_code == 204
    assert client.delete(f"/jobs/{job['id']}").status_code == 404
    with app.app_context():
        assert db.session.get(Job, job["id"]) is None


def test_delete_locked_job_is_refused(client, app):
    job = make_job(client)
    with app.app_context():
        db.session.get(Job, job["id"]).locked = True
        db.session.commit()
    assert client.delete(f"/jobs/{job['id']}").status_code == 409
    with app.app_context():
        assert db.session.get(Job, job["id"]) is not None


def test_start_job_commits_before_publishing(client, app):
    job = make_job(client)
    response = client.post(f"/jobs/{job['id']}/start")
    assert response.get_json()["status"] == "started"
    assert published == [("job.starting", job["id"], "starting")]
    with app.app_context():
        assert db.session.get(Job, job["id"]).status == "started"


def test_start_missing_job(client):
    assert client.post("/jobs/99/start").status_code == 404


def test_retry_job(client, app):
    job = make_job(client)
    response = client.post(f"/jobs/{job['id']}/retry")
    assert response.get_json()["attempts"] == 1
    assert response.get_json()["status"] == "queued"
    with app.app_context():
        stored = db.session.get(Job, job["id"])
        assert (stored.attempts, stored.status) == (1, "queued")
    assert client.post("/jobs/99/retry").status_code == 404


def test_bulk_close(client, app):
    first, second = make_job(client, "a"), make_job(client, "b")
    response = client.post("/jobs/bulk-close", json={"ids": [first["id"], second["id"], 99]})
    assert response.get_json() == {"closed": 2}
    with app.app_context():
        assert {j.status for j in db.session.scalars(db.select(Job))} == {"closed"}
