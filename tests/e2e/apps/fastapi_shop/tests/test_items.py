def make_item(client, name="pen", price=3, stock=10):
    response = client.post("/items", json={"name": name, "price": price, "stock": stock})
    assert response.status_code == 201
    return response.json()


def test_create_and_list(client):
    item = make_item(client)
    assert item["name"] == "pen"
    assert client.get("/items").json() == [item]


def test_duplicate_item_is_409_and_session_recovers(client):
    make_item(client)
    response = client.post("/items", json={"name": "pen", "price": 1})
    assert response.status_code == 409
    assert response.json() == {"detail": "item exists"}
    make_item(client, "ink")
    assert [i["name"] for i in client.get("/items").json()] == ["pen", "ink"]


def test_reprice(client):
    item = make_item(client)
    response = client.patch(f"/items/{item['id']}/price", params={"price": 5})
    assert response.json()["price"] == 5
    assert client.get("/items").json()[0]["price"] == 5
    assert client.patch("/items/99/price", params={"price": 5}).status_code == 404
    assert client.patch(f"/items/{item['id']}/price", params={"price": 0}).status_code == 422


def test_restock(client):
    make_item(client, "pen", stock=1)
    make_item(client, "ink", stock=2)
    response = client.post("/items/restock", json={"pen": 4, "paper": 9})
    assert response.json() == {"restocked": ["pen"]}
    assert [i["stock"] for i in client.get("/items").json()] == [5, 2]


def test_delete(client):
    item = make_item(client)
    assert client.delete(f"/items/{item['id']}").status_code == 204
    assert client.get("/items").json() == []
    assert client.delete(f"/items/{item['id']}").status_code == 404
