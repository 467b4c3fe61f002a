def test_join_strips_the_name(client):
    created = client.post("/members", json={"name": "  Ada "})
    assert created.status_code == 201
    assert client.get(f"/members/{created.json['id']}").json["name"] == "Ada"
