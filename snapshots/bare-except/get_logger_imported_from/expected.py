from logging import getLogger

from app.models import User

log = getLogger(__name__)


def deactivate(user: User) -> None:
    try:
        user.deactivate()
    except Exception:
        log.exception("Suppressed exception")
