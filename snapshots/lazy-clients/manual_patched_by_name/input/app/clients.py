import httpx

from app.config import settings

payments = httpx.Client(base_url=settings.PAYMENTS_URL)


def charge(amount: int) -> int:
    return payments.post("/charges", json={"amount": amount}).status_code
