import httpx

from app.config import settings

api = httpx.Client(base_url=settings.API_URL)


def get(path: str, client: httpx.Client = api) -> httpx.Response:
    return client.get(path)
