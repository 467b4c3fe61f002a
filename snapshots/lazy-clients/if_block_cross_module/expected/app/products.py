from app import search as search_module
from app.search import get_search


def find(term: str) -> list[dict]:
    return get_search().get("/products", params={"q": term}).json()


def health() -> bool:
    return search_module.get_search().get("/").is_success
