"""Tests that stand in for the legacy Query API with mocks, which a rewrite leaves behind.

``patch("app.models.User.query")`` or ``User.query.filter.return_value.first.return_value = u``
intercept ``User.query...`` calls; the rewritten code calls the session instead, so such a test
reaches the database or a ``MagicMock`` where it expected its stand-in, and fails. The tool cannot
rewrite a mock into the session call it should now stand in for, so the run says where they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .plumbing_plan import is_test

#: a mocked query: ``X.query.filter.return_value``, ``patch("a.X.query")``,
#: ``patch.object(X, "query")``
_QUERY_MOCK = re.compile(
    rb"\.query\.\w+\.(?:return_value|side_effect)\b"
    rb"|patch\(\s*['\"][\w.]+\.query['\"]"
    rb"|patch\.object\(\s*[\w.]+\s*,\s*['\"]query['\"]"
)
#: a note names this many places; more are counted
_LISTED = 5


def query_mock_note(paths: Iterable[str], read: Callable[[str], bytes | None]) -> str:
    """The note naming the test files (among ``paths``) that mock the legacy Query API; "" when
    none does."""
    places: list[str] = []
    for path in paths:
        if not is_test(path):
            continue
        raw = read(path) or b""
        if b".query" not in raw and b"query'" not in raw and b'query"' not in raw:
            continue
        for match in _QUERY_MOCK.finditer(raw):
            line = raw.count(b"\n", 0, match.start()) + 1
            places.append(f"{path}:{line}")
    if not places:
        return ""
    listed = ", ".join(places[:_LISTED])
    more = f" and {len(places) - _LISTED} more" if len(places) > _LISTED else ""
    return (
        "async-queries: tests mock the legacy Query API (a stand-in for `Model.query`), which "
        f"the rewritten code no longer calls, so they may fail after the fix: {listed}{more}; "
        "make them stand in for the session calls the code now makes (`db.session.scalars`, "
        "`db.session.execute`, `db.session.get`), or run them against a test database"
    )
