def make_item(client, stock=5):
    return client.post("/items", json={"name": "pen", "price": 3, "stock": stock}).json()


def test_place_order_takes_stock(client):
    item = make_item(client)
    response = client.post("/orders", params={"item_id": item["id"], "quantity": 2})
    assert response.status_code == 201
    assert response.json()["status"] == "new"
    assert client.get("/items").json()[0]["stock"] == 3


def test_place_order_checks(client):
    item = make_item(client, stock=1)
    assert client.post("/orders", params={"item_id": 99, "quantity": 1}).status_code == 404
    response = client.post("/orders", params={"item_id": item["id"], "quantity": 2})
    assert response.status_code == 409
    assert client.get("/items").json()[0]["stock"] == 1


def test_annotate_order(client):
    item = make_item(client)
    order = client.post("/orders", params={"item_id": item["id"], "quantity": 1}).json()
    response = client.post(f"/orders/{order['id']}/note", json={"note": "gift wrap"})
    assert response.json()["note"] == "gift wrap"
    assert client.post("/orders/99/note", json={"note": "x"}).status_code == 404


def test_cancel_order_returns_stock(client):
    item = make_item(client, stock=20)
    order = client.post("/orders", params={"item_id": item["id"], "quantity": 4}).json()
    response = client.post(f"/orders/{order['id']}/cancel")
    assert response.json()["status"] == "cancelled"
    assert client.get("/items").json()[0]["stock"] == 20
    big = client.post("/orders", params={"item_id": item["id"], "quantity": 11}).json()
    assert client.post(f"/orders/{big['id']}/cancel").status_code == 409
    assert client.get("/items").json()[0]["stock"] == 9
