def test_add_and_get_book(client):
    created = client.post("/books", json={"title": "Dune", "copies": 2})
    assert created.status_code == 201
    shown = client.get(f"/books/{created.json['id']}")
    assert shown.json == {"id": created.json["id"], "title": "Dune", "copies": 2}


def test_unknown_book(client):
    assert client.get("/books/99").status_code == 404
