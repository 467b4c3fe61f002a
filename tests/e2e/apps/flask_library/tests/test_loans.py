def _book(client, copies):
    return client.post("/books", json={"title": "Emma", "copies": copies}).json["id"]


def _member(client):
    return client.post("/members", json={"name": "Bo"}).json["id"]


def test_lend_takes_a_copy_and_giving_back_returns_it(client):
    book, member = _book(client, 1), _member(client)
    loan = client.post("/loans", json={"book_id": book, "member_id": member})
    assert loan.status_code == 201
    assert client.get(f"/books/{book}").json["copies"] == 0
    assert client.post("/loans", json={"book_id": book, "member_id": member}).status_code == 409
    assert client.delete(f"/loans/{loan.json['id']}").status_code == 204
    assert client.get(f"/books/{book}").json["copies"] == 1
