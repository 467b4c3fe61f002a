from app.extensions import db
from app.models import AuditLog, Job


def test_audit(client, app):
    response = client.post("/admin/audit", json={"action": "login"}, headers={"X-Actor": "ada"})
    assert response.status_code == 201
    with app.app_context():
        entry = db.session.get(AuditLog, response.get_json()["id"])
        assert (entry.action, entry.actor) == ("login", "ada")


def test_purge_closed_jobs(client, app):
    with app.app_context():
        db.session.add_all(
            [Job(title="a", tenant_id=1, status="closed"), Job(title="b", tenant_id=1)]
        )
        db.session.commit()
    response = client.post("/admin/purge")
    assert response.get_json() == {"removed": [1]}
    with app.app_context():
        assert [j.title for j in db.session.scalars(db.select(Job))] == ["b"]
