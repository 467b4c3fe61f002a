"""Device cookies: a missing or forged cookie is expected, and answered with no device."""

import hmac
import logging

logger = logging.getLogger(__name__)


def parse_device_cookie(cookie: str | None, secret: str) -> tuple[str | None, str | None]:
    try:
        login, nonce, signature = cookie.split("$")
        if hmac.compare_digest(signature, secret + nonce):
            return nonce, login
    except Exception:
        pass
    return None, None


def forget_device(store: dict[str, str], cookie: str) -> None:
    try:
        del store[cookie]
    except Exception:
        logger.exception("Suppressed exception")
    return


def save_device(store: dict[str, str], cookie: str, notify) -> str:
    store[cookie] = "seen"
    try:
        notify(cookie)
    except Exception:
        logger.exception("Suppressed exception")
        pass  # a failed notification must not fail the save
    return cookie


def is_trusted_device(store: dict[str, str], cookie: str):
    try:
        if store[cookie] == "seen":
            return True
    except Exception:
        pass
