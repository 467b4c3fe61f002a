import httpx

from app.config import settings

if settings.SEARCH_URL:
    search = httpx.Client(base_url=settings.SEARCH_URL, timeout=5)
else:  # local development
    search = httpx.Client(base_url="http://localhost:9200")
