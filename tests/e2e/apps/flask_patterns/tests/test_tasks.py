from tests.test_projects import make_project


def test_star_counts_up(client):
    project = make_project(client)
    url = f"/projects/{project['id']}/star"
    assert client.post(url).get_json() == {"count": 1}
    assert client.post(url).get_json() == {"count": 2}
    assert client.post("/projects/99/star").status_code == 404


def test_first_star_only_once(client):
    project = make_project(client)
    url = f"/projects/{project['id']}/first-star"
    assert client.post(url).status_code == 201
    second = client.post(url)
    assert second.status_code == 409
    assert second.get_json() == {"error": "already starred"}


def test_visit_records_the_forwarded_address(client):
    project = make_project(client)
    url = f"/projects/{project['id']}/visits"
    response = client.post(url, headers={"X-Forwarded-For": "10.0.0.9"})
    assert response.get_json() == {"ip": "10.0.0.9"}
    assert client.post(url).get_json() == {"ip": "127.0.0.1"}
