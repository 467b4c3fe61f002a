import httpx

from app.config import settings

if settings.PAYMENTS_URL:
    payments = httpx.Client(base_url=settings.PAYMENTS_URL)
    PAYMENTS_ENABLED = True
else:
    payments = None
    PAYMENTS_ENABLED = False


def charge(amount: int) -> None:
    if PAYMENTS_ENABLED:
        payments.post("/charges", json={"amount": amount})
