"""Sending of notification e-mails."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

logger = logging.getLogger(__name__)


def send(message: EmailMessage) -> None:
    try:
        with smtplib.SMTP("localhost") as smtp:
            smtp.send_message(message)
    except Exception:
        logger.exception("Suppressed exception")
        return


def send_all(messages: list[EmailMessage]) -> int:
    sent = 0
    for message in messages:
        try:
            send(message)
            sent += 1
        except Exception:
            logger.exception("Suppressed exception")
    return sent
