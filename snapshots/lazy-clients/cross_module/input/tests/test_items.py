import app.clients


def test_cache_roundtrip() -> None:
    app.clients.redis_client.set("k", b"v")
    assert app.clients.redis_client.get("k") == b"v"
