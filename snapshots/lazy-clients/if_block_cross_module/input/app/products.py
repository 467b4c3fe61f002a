from app import search as search_module
from app.search import search


def find(term: str) -> list[dict]:
    return search.get("/products", params={"q": term}).json()


def health() -> bool:
    return search_module.search.get("/").is_success
