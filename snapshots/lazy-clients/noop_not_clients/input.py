import os
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.config import settings

app = FastAPI(title=settings.PROJECT_NAME)
TIMEOUT = int(os.getenv("TIMEOUT", "5"))
DATA_DIR = Path(os.environ.get("DATA_DIR", "/tmp"))
headers = dict(token=settings.TOKEN)


def client() -> httpx.Client:
    local = httpx.Client(base_url=settings.API_URL)
    return local
