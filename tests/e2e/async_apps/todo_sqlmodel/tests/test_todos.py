def add(client, title, priority=0):
    response = client.post("/todos", json={"title": title, "priority": priority})
    assert response.status_code == 201
    return response.json()


def test_starts_empty(client):
    assert client.get("/todos").json() == []


def test_lists_by_priority_then_id(client):
    add(client, "water plants", 1)
    add(client, "file taxes", 5)
    add(client, "call mum", 1)
    titles = [t["title"] for t in client.get("/todos").json()]
    assert titles == ["file taxes", "water plants", "call mum"]


def test_marks_done_and_filters(client):
    first = add(client, "a")
    add(client, "b")
    done = client.post(f"/todos/{first['id']}/done")
    assert done.json()["done"] is True
    assert [t["title"] for t in client.get("/todos", params={"done": True}).json()] == ["a"]
    assert [t["title"] for t in client.get("/todos", params={"done": False}).json()] == ["b"]
    assert client.post("/todos/999/done").status_code == 404


def test_deletes(client):
    todo = add(client, "gone soon")
    assert client.delete(f"/todos/{todo['id']}").status_code == 204
    assert client.delete(f"/todos/{todo['id']}").status_code == 404
    assert client.get("/todos").json() == []
