def test_index_lists_published(client):
    assert [p["id"] for p in client.get("/posts").get_json()] == [1, 2, 4]


def test_show_and_404(client):
    assert client.get("/posts/2").get_json()["title"] == "Again"
    missing = client.get("/posts/99")
    assert missing.status_code == 404
    assert b"no such post" in missing.data


def test_show_legacy_get(client):
    assert client.get("/posts/legacy/4").get_json()["author"] == 2
    assert client.get("/posts/legacy/99").get_json() is None


def test_latest_first_or_404(client):
    assert client.get("/authors/ann/latest").get_json()["id"] == 3
    assert client.get("/authors/zed/latest").status_code == 404


def test_only_one_or_404(client):
    assert client.get("/authors/bob/only").get_json() == {"id": 2}
    assert client.get("/authors/zed/only").status_code == 404


def test_pagination(client):
    assert client.get("/page?page=2").get_json() == {"items": [3, 4], "total": 5, "pages": 3}
    assert client.get("/page?page=9").get_json()["items"] == []


def test_stats(client):
    assert client.get("/stats").get_json() == {
        "posts": 5,
        "published": 3,
        "most_viewed": 7,
        "authors": ["ann", "bob"],
        "ann": 1,
    }


def test_bulk_update_and_delete(client):
    assert client.post("/posts/1/view").get_json() == {"changed": 1}
    assert client.get("/posts/1").get_json()["views"] == 4
    assert client.delete("/authors/1/drafts").get_json() == {"removed": 1}
    assert client.get("/stats").get_json()["posts"] == 4
