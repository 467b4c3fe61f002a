"""The name of the getter that replaces a module variable.

The getter is ``get_<name>``. A binding name of one or two letters (``r = redis.Redis(...)``)
would give an unreadable ``get_r``: such a getter is named after the client instead
(``get_redis_client``), from the constructor the module calls. A short name with a digit names a
service (``s3``) and is kept.
"""

from __future__ import annotations

import re

from .detect import FACTORIES

#: a binding name shorter than this (leading underscores aside) is named after its client.
SHORTEST_NAME = 3

#: class names that say nothing without their package (``httpx.Client``, ``requests.Session``).
GENERIC_CLASSES = frozenset({"Client", "AsyncClient", "Session", "ClientSession"})
#: module parts that say nothing about the client (``redis.asyncio``, ``google.cloud.storage``).
GENERIC_MODULES = frozenset({"asyncio", "google", "cloud", "client", "cluster"})
#: a kind already ending like this gets no ``_client`` suffix.
ENDINGS = ("client", "session", "pool")


def getter_name(name: str, kind: str = "") -> str:
    """``redis_client`` → ``get_redis_client``; ``_client`` → ``_get_client``; ``REDIS`` →
    ``get_redis``; ``r`` of kind ``redis_client`` → ``get_redis_client``."""
    stripped = name.lstrip("_")
    prefix = name[: len(name) - len(stripped)]
    if kind and _too_short(stripped):
        stripped = kind
    return prefix + "get_" + stripped.lower()


def local_getter(local: str, getter: str) -> str:
    """The name a module gives the getter ``getter`` it imports under ``local``: ``get_<local>``,
    or the getter's own name when ``local`` is too short to name it."""
    if _too_short(local.lstrip("_")):
        return getter
    return getter_name(local)


def _too_short(name: str) -> bool:
    """One or two letters (``r``, ``rc``); a digit makes a service name (``s3``)."""
    return len(name) < SHORTEST_NAME and name.isalpha()


def _snake(name: str) -> str:
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", spaced).lower()


def client_kind(qualified: str) -> str:
    """What a client built by ``qualified`` is called: ``redis.Redis.from_url`` →
    ``redis_client``, ``httpx.Client`` → ``httpx_client``, ``openai.AsyncOpenAI`` →
    ``async_openai_client``, ``PaymentsClient`` → ``payments_client``; ``""`` when unsure."""
    tail = qualified.rsplit(")", 1)[-1]
    parts = [part for part in tail.split(".") if part.isidentifier()]
    while parts and parts[-1] in FACTORIES:
        parts.pop()
    parts = [part for part in parts if part not in GENERIC_MODULES] or parts
    if not parts:
        return ""
    last = parts[-1]
    module = parts[-2].lower() if len(parts) > 1 else ""
    if not last[:1].isupper():
        kind = last.lower()
    elif last in GENERIC_CLASSES:
        kind = f"{module}_{_snake(last)}" if module else _snake(last)
    elif module and last.lower().endswith(module):
        prefix = _snake(last[: len(last) - len(module)])
        kind = f"{prefix}_{module}" if prefix else module
    else:
        kind = _snake(last)
    return kind if kind.endswith(ENDINGS) else f"{kind}_client"
