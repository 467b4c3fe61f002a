import os

import httpx
from fastapi import APIRouter

router = APIRouter()

payments = httpx.Client(
    base_url=os.environ["PAYMENTS_URL"],
    timeout=5.0,
)


@router.get("/charges/{charge_id}")
def charge(charge_id: str) -> dict[str, str]:
    def fetch(client: httpx.Client | None = None) -> dict[str, str]:
        return (client or payments).get(f"/charges/{charge_id}").json()

    return fetch()
