"""Tests that stand in for the legacy Query API (or for the session) with mocks, which a rewrite
leaves behind.

``patch("app.models.User.query")`` or ``User.query.filter.return_value.first.return_value = u``
intercept ``User.query...`` calls; the rewritten code calls the session instead, so such a test
reaches the database or a ``MagicMock`` where it expected its stand-in, and fails. The tool cannot
rewrite a mock into the session call it should now stand in for, so the run says where they are.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from backfix.project import is_test_module

#: a mocked query: ``X.query.filter.return_value``, ``patch("a.X.query")``,
#: ``patch.object(X, "query")``, ``monkeypatch.setattr(X, "query", stub)``, ``X.query = stub``, a
#: stand-in for a model with a ``query`` of its own (``SimpleNamespace(query=...)``,
#: ``MagicMock(query=...)``); a mocked session's: ``db.query.return_value.filter...``,
#: ``db.query(X).filter_by(...).first.return_value`` (on one line). The ``query`` is read off a
#: name (a model class, a session, a stand-in for either), not off what a call returned: that
#: is another client's (BigQuery's ``mock_bq().query.return_value``).
_QUERY_MOCK = re.compile(
    rb"(?<=\w)\.query\.\w+\.(?:return_value|side_effect)\b"
    rb"|(?<=\w)\.query\.(?:return_value|side_effect)\b"
    rb"|(?<=\w)\.query\([^\n]*?\)[^\n]*?\.(?:return_value|side_effect)\b"
    rb"|patch\(\s*['\"][\w.]+\.query['\"]"
    rb"|(?:patch\.object|setattr)\(\s*[\w.]+\s*,\s*['\"]query['\"]"
    rb"|\b[A-Z]\w*\.query\s*=(?!=)"
    rb"|\b(?:SimpleNamespace|Mock|MagicMock|NonCallableMock|NonCallableMagicMock)\([^()]*?\bquery\s*="
    # a method of SQLAlchemy's own Query class: `patch("sqlalchemy.orm.query.Query.delete")`
    rb"|patch\(\s*['\"]sqlalchemy(?:\.\w+)*\.Query\.\w+['\"]"
    rb"|patch\.object\(\s*(?:sqlalchemy|orm)(?:\.\w+)*\.Query\s*,"
)
#: a listener of the legacy Query's compile events: ``event.listen(Query, "before_compile", f)``
#: (one that may replace the query, ``retval=True``, is the project's own query class instead)
_COMPILE_LISTENER = re.compile(
    rb"listen(?:s_for)?\(\s*[\w.]*\bQuery\s*,\s*['\"]before_compile(?!\w*['\"][^\n]*retval\s*=\s*True)"
)
#: a mocked session method that rewritten code calls in place of a legacy query:
#: ``patch.object(db.session, "scalars", Mock(side_effect=[...]))``, ``patch("app.db.session.execute")``,
#: ``monkeypatch.setattr(db.session, "execute", fake)``
_SESSION_MOCK = re.compile(
    rb"(?:patch\.object|setattr)\(\s*[\w.]*session[\w.]*\s*,\s*['\"](?:scalars|scalar|execute)['\"]"
    rb"|patch\(\s*['\"][\w.]*session[\w.]*\.(?:scalars|scalar|execute)['\"]"
)
_NEWLINE = b"\n"


def mock_notes(paths: Iterable[str], read: Callable[[str], bytes | None]) -> list[str]:
    """The notes naming the places in test files (among ``paths``) that mock the legacy Query
    API, or the session methods the rewritten code calls instead."""
    queries: list[tuple[str, int]] = []
    sessions: list[tuple[str, int]] = []
    listeners: list[tuple[str, int]] = []
    for path in paths:
        if not is_test_module(path):
            continue
        raw = read(path) or b""
        if b"uery" in raw:
            queries += _places(path, raw, _QUERY_MOCK)
            listeners += _places(path, raw, _COMPILE_LISTENER)
        if b"def query(" in raw:
            queries += _fake_sessions(path, raw)
        if b"session" in raw:
            sessions += _places(path, raw, _SESSION_MOCK)
    notes: list[str] = []
    if queries:
        notes.append(
            "async-queries: tests mock the legacy Query API (a stand-in for `Model.query` or "
            "`session.query(...)`), "
            "which the rewritten code no longer calls, so they may fail after the fix: "
            f"{_listed(queries)}; make them stand in for the session calls the code now makes "
            "(`db.session.scalars`, `db.session.execute`, `db.session.get`), or run them "
            "against a test database"
        )
    if listeners:
        notes.append(
            "async-queries: tests listen to the legacy Query's `before_compile` event, which the "
            "rewritten statements do not fire (a `select()` never compiles as a `Query`), so "
            f"what they count or check changes: {_listed(listeners)}; listen to the session's "
            "`do_orm_execute` event instead, which sees every ORM statement"
        )
    if sessions:
        notes.append(
            "async-queries: tests mock session methods (`scalars`, `execute`) that the rewritten "
            "code now calls more often, in place of the legacy queries: a mock with results "
            f"fixed in advance (`side_effect=[...]`) may run out or answer the wrong call: "
            f"{_listed(sessions)}; check that it still stands in for every call the test makes"
        )
    return notes


def _fake_sessions(path: str, raw: bytes) -> list[tuple[str, int]]:
    """``(path, line)`` of each class of a test that stands in for a session with a ``query``
    method of its own (``class _FakeDbSession: def query(self, model): ...``): a class named
    for a session or a database."""
    try:
        tree = ast.parse(raw)
    except (SyntaxError, ValueError):
        return []
    return [
        (path, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and ("session" in node.name.lower() or "db" in node.name.lower())
        and any(
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "query"
            for item in node.body
        )
    ]


def _places(path: str, raw: bytes, pattern: re.Pattern[bytes]) -> list[tuple[str, int]]:
    """``(path, line)`` of each match of ``pattern`` in the file's bytes ``raw``."""
    return [(path, raw.count(_NEWLINE, 0, m.start()) + 1) for m in pattern.finditer(raw)]


def _listed(places: list[tuple[str, int]]) -> str:
    """Every place, a file's lines together (``tests/test_a.py:4, 9; tests/test_b.py:12``): the
    tests to change before the fix is merged, none left out."""
    lines: dict[str, list[str]] = {}
    for path, line in places:
        lines.setdefault(path, []).append(str(line))
    return "; ".join(f"{path}:{', '.join(numbers)}" for path, numbers in lines.items())
