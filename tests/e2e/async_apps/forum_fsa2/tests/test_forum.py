def test_show_and_404(client):
    assert client.get("/topics/2").get_json() == {"id": 2, "title": "b"}
    assert client.get("/topics/99").status_code == 404


def test_by_title_and_its_404_description(client):
    assert client.get("/topics/titled/cc").get_json()["id"] == 3
    missing = client.get("/topics/titled/zz")
    assert missing.status_code == 404
    assert b"no such topic" in missing.data


def test_pagination(client):
    assert client.get("/topics?page=2").get_json() == {
        "items": [{"id": 3, "title": "cc"}],
        "total": 3,
    }
    assert client.get("/topics?page=9").get_json()["items"] == []


def test_hidden_rows_stay_hidden(client):
    assert client.get("/topics/1/replies").get_json() == ["first", "third"]


def test_stats(client):
    assert client.get("/stats").get_json() == {
        "topics": 3,
        "stored_replies": 3,
        "visible_replies": 2,
        "newest": "cc",
        "titled_b": 2,
        "long_titles": 1,
    }


def test_delete(client):
    assert client.delete("/topics/3").get_json() == {"removed": 1}
    assert client.get("/topics/3").status_code == 404
