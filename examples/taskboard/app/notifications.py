"""Outgoing events. Production posts them to a webhook; this example keeps them in an outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app


@dataclass
class Outbox:
    """Events waiting for delivery, oldest first."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def send(self, event: dict[str, Any]) -> None:
        """Queue one event."""
        self.events.append(event)


def notify(event: str, **payload: Any) -> None:
    """Queue ``event`` with its payload on the current application's outbox."""
    outbox: Outbox = current_app.extensions["outbox"]
    outbox.send({"event": event, **payload})
