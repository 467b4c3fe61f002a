import httpx

from app import settings

pager = httpx.Client(headers={"Authorization": settings.PAGER_TOKEN})


def page(message):
    return pager.post("https://pager.example/send", json={"text": message})
