"""A route's session parameter that nothing reads once its hand-offs stop passing it.

It is removed when every read of it was a session argument the plan drops, every dependency behind
those hand-offs is plain (see :mod:`.dependency`: calling it has no other effect), and nothing in the
project calls the route function or reads it as a value (its parameters would then be an API).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from .model import UnusedParam
from .resolve import Index


def unused_params(
    index: Index, fixed: Mapping[tuple[str, str, str], Sequence[bool]]
) -> dict[str, list[UnusedParam]]:
    """Per file, the session parameters to remove; ``fixed`` maps ``(file, route, parameter)`` to
    whether each dependency behind the hand-offs fixed there is plain."""
    found: dict[str, list[UnusedParam]] = defaultdict(list)
    for (path, route, session), plain in sorted(fixed.items()):
        data = index.data[path]
        if data.session_reads.get((route, session), 0) != len(plain) or not all(plain):
            continue
        if _used_elsewhere(index, path, route):
            continue
        param = next(p for p in data.requests[route] if p.name == session)
        found[path].append(UnusedParam(route, session, param.spelled))
    return found


def _used_elsewhere(index: Index, path: str, route: str) -> bool:
    """Is the route function called or read as a value anywhere in the project?"""
    definition = (path, route)
    for user in index.users(definition):
        data = index.data[user]
        names = [c.callee for c in data.calls] + [name for name, _ in data.values]
        if any(index.resolve(user, name) == definition for name in names):
            return True
    return False
