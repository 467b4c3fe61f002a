from fastapi.testclient import TestClient


def _create(client: TestClient, title: str = "first") -> int:
    response = client.post("/notes/", json={"title": title}, headers={"x-user": "ann"})
    assert response.status_code == 201
    note_id: int = response.json()["id"]
    return note_id


def test_create_note(client: TestClient) -> None:
    response = client.post("/notes/", json={"title": "a", "body": "b"})
    assert response.status_code == 201
    assert response.json() == {
        "id": 1,
        "title": "a",
        "body": "b",
        "owner": "anonymous",
        "archived": False,
    }


def test_rename_and_archive(client: TestClient) -> None:
    note_id = _create(client)
    renamed = client.patch(f"/notes/{note_id}", params={"title": "new"})
    assert renamed.json()["title"] == "new"
    assert client.post(f"/notes/{note_id}/archive").json()["archived"] is True
    assert client.patch("/notes/99", params={"title": "x"}).status_code == 404
    assert client.post("/notes/99/archive").status_code == 404


def test_replace_body(client: TestClient) -> None:
    note_id = _create(client)
    replaced = client.put(f"/notes/{note_id}/body", params={"body": "new"})
    assert replaced.json()["body"] == "new"
    assert client.put("/notes/99/body", params={"body": "x"}).status_code == 404


def test_tags(client: TestClient) -> None:
    note_id = _create(client)
    response = client.post(f"/notes/{note_id}/tags", json={"name": "work"})
    assert response.status_code == 201
    assert response.json() == {"id": 1}
    assert client.post("/notes/99/tags", json={"name": "x"}).status_code == 404


def test_delete(client: TestClient) -> None:
    note_id = _create(client)
    assert client.delete(f"/notes/{note_id}").status_code == 204
    assert client.delete(f"/notes/{note_id}").status_code == 404
