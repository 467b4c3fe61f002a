from app.extensions import db
from app.models import User


def test_create_user(client, app):
    response = client.post("/users", json={"email": "Ada@Example.com"})
    assert response.status_code == 201
    assert response.get_json()["email"] == "ada@example.com"
    with app.app_context():
        assert db.session.scalars(db.select(User.email)).all() == ["ada@example.com"]


def test_duplicate_user_is_409_and_session_recovers(client, app):
    assert client.post("/users", json={"email": "a@x.io"}).status_code == 201
    response = client.post("/users", json={"email": "A@x.io"})
    assert response.status_code == 409
    assert response.get_json() == {"error": "email already registered"}
    assert client.post("/users", json={"email": "b@x.io"}).status_code == 201
    with app.app_context():
        assert db.session.query(User).count() == 2


def test_profile_view_patch(client, app):
    user = client.post("/users", json={"email": "c@x.io"}).get_json()
    response = client.patch(f"/profiles/{user['id']}", json={"bio": "hello"})
    assert response.status_code == 200
    assert response.get_json()["bio"] == "hello"
    assert client.get(f"/profiles/{user['id']}").get_json()["bio"] == "hello"
    assert client.patch("/profiles/99", json={"bio": "x"}).status_code == 404
