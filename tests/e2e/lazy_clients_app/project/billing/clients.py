"""Clients of the services billing talks to."""

import os

import httpx

from billing.config import PAYMENTS_TIMEOUT

# the payments provider; its URL differs per environment
payments = httpx.Client(base_url=os.environ["PAYMENTS_URL"], timeout=PAYMENTS_TIMEOUT)


def payments_host() -> str:
    return payments.base_url.host
