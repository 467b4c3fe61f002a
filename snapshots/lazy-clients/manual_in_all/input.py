import httpx

from app.config import settings

__all__ = ["github"]

github = httpx.AsyncClient(base_url=settings.GITHUB_API)
