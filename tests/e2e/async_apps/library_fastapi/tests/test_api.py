def test_lists_books_in_id_order(client):
    response = client.get("/books")
    assert response.status_code == 200
    assert [b["title"] for b in response.json()] == [
        "The Dispossessed",
        "Invisible Cities",
        "A Wizard of Earthsea",
    ]


def test_reads_one_book_or_404(client):
    assert client.get("/books/2").json() == {"id": 2, "title": "Invisible Cities", "year": 1972}
    assert client.get("/books/99").status_code == 404


def test_books_of_an_author_by_year(client):
    assert client.get("/authors/1/books").json() == ["A Wizard of Earthsea", "The Dispossessed"]
    assert client.get("/authors/9/books").status_code == 404


def test_creates_a_book_and_counts_it(client):
    created = client.post("/books", json={"title": "Cosmicomics", "year": 1965, "author_id": 2})
    assert created.status_code == 201
    assert created.json()["title"] == "Cosmicomics"
    assert client.get("/stats").json() == {"books": 4, "first": "The Dispossessed"}
    assert client.post("/books", json={"title": "X", "year": 1, "author_id": 7}).status_code == 422


def test_tables_come_from_the_lifespan(client):
    assert client.get("/stats").json()["books"] == 3
