from fastapi import APIRouter

from billing import clients
from billing.clients import payments

router = APIRouter(prefix="/payments")


@router.get("/provider")
def provider() -> dict[str, str]:
    return {"base_url": str(payments.base_url), "host": clients.payments_host()}


@router.get("/timeout")
def timeout() -> dict[str, float | None]:
    return {"read": clients.payments.timeout.read}
