def test_browse_lists_active_jobs_in_order(client):
    response = client.get("/jobs")
    assert response.status_code == 200
    assert [job["id"] for job in response.json()] == [1, 2, 3]


def test_browse_filters_by_company(client):
    assert [job["id"] for job in client.get("/jobs?company_id=2").json()] == [3]


def test_detail_and_404(client):
    assert client.get("/jobs/2").json()["title"] == "Data engineer"
    assert client.get("/jobs/99").status_code == 404


def test_stats_deduplicates_companies(client):
    assert client.get("/jobs/stats").json() == {
        "active": 3,
        "max_salary": 120,
        "companies": ["Acme", "Globex"],
    }


def test_titles_are_rows(client):
    assert client.get("/jobs/titles").json()[0] == {"id": 1, "title": "Backend engineer"}


def test_search_joins_company(client):
    assert [job["id"] for job in client.get("/jobs/search?q=globex").json()] == [3, 4]
    assert [job["id"] for job in client.get("/jobs/search?q=engineer").json()] == [1, 2]


def test_post_creates_and_rejects_duplicates(client):
    response = client.post("/jobs", json={"title": "SRE", "company_id": 3, "salary": 130})
    assert response.status_code == 201
    created = response.json()
    assert client.get(f"/jobs/{created['id']}").json()["title"] == "SRE"
    assert client.post("/jobs", json={"title": "SRE", "company_id": 3}).status_code == 409
    assert client.get("/jobs/stats").json()["max_salary"] == 130


def test_close_company_deactivates_jobs(client):
    assert client.post("/companies/1/close").json() == {"closed": 2}
    assert [job["id"] for job in client.get("/jobs").json()] == [3]


def test_delete(client):
    assert client.delete("/jobs/3").json() == {"deleted": 3}
    assert client.get("/jobs/3").status_code == 404
    assert client.delete("/jobs/3").status_code == 404
