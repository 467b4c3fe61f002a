"""async-queries: the notes naming tests that mock the legacy Query API, or the session methods
the rewritten code calls instead."""

from __future__ import annotations

from backfix.builtin_codemods.async_queries.test_mocks import mock_notes

FILES = {
    "tests/test_users.py": (
        b"from unittest import mock\n\n"
        b"def test_missing(client):\n"
        b'    with mock.patch("app.views.User.query") as query:\n'
        b"        query.get.return_value = None\n"
    ),
    "tests/unit/test_zone.py": (
        b"def test_zone(user_cls):\n"
        b"    user_cls.query.filter.return_value.first.return_value = None\n"
        b'@mock.patch.object(Domain, "query")\n'
        b"def test_domain(query):\n"
        b"    pass\n"
    ),
    # the same text outside the tests is no test's stand-in
    "app/fixtures.py": b'patch("app.views.User.query")\n',
    "tests/test_plain.py": b"def test_users(db):\n    assert User.query.count() == 0\n",
    # what a call returned has another client's `query` (timesketch's BigQuery stand-in)
    "tests/test_bigquery.py": b"def test_match(mock_bq):\n    mock_bq().query.return_value = [[1]]\n",
    "tests/test_admin.py": (
        b"def test_sql_error(client):\n"
        b"    with mock.patch.object(\n"
        b"        db.session,\n"
        b'        "scalars",\n'
        b"        mock.Mock(side_effect=[SQLAlchemyError('down'), None]),\n"
        b"    ):\n"
        b"        pass\n"
        b'@mock.patch("app.db.session.execute")\n'
        b'@mock.patch.object(requests, "get")\n'
        b"def test_more(execute, get):\n"
        b"    pass\n"
    ),
}


def test_the_note_names_every_mock_of_a_query_in_the_tests() -> None:
    [note, session_note] = mock_notes(sorted(FILES), FILES.get)
    assert ": tests/test_users.py:4; tests/unit/test_zone.py:2, 3; make them" in note
    assert "app/fixtures.py" not in note and "test_plain" not in note
    assert "test_bigquery" not in note
    assert ": tests/test_admin.py:2, 8; check that" in session_note


def test_the_note_leaves_no_mock_out() -> None:
    """Each mock is a test to change before the fix is merged: every one is named, however
    many (PowerDNS-Admin's fourteen in five files)."""
    files = {
        f"tests/test_{n}.py": b'with patch("app.models.Thing") as thing:\n'
        b"    thing.query.filter.return_value.first.return_value = 1\n"
        b"    thing.query.get.return_value = 2\n"
        for n in range(7)
    }
    [note] = mock_notes(sorted(files), files.get)
    assert all(f"tests/test_{n}.py:2, 3" in note for n in range(7))
    assert "more" not in note


def test_no_note_without_a_mock() -> None:
    assert mock_notes(["tests/test_plain.py"], FILES.get) == []


def test_mocks_of_a_sessions_query_are_named_too() -> None:
    """FastAPI services take the session as a parameter, and their tests mock its ``query``:
    ``db.query.return_value.filter...`` or ``db.query(Item).filter_by(...).first.return_value``."""
    files = {
        "tests/test_items.py": (
            b"def test_find():\n"
            b"    db = MagicMock()\n"
            b"    db.query.return_value.filter.return_value.first.return_value = None\n"
            b"    db.query(Item).filter_by(owner=1).first.return_value = None\n"
            b"    db.query.side_effect = RuntimeError\n"
            b"    assert find(db, 1) is None\n"
        ),
    }
    [note] = mock_notes(sorted(files), files.get)
    assert ": tests/test_items.py:3, 4, 5; make them" in note
    assert "`session.query(...)`" in note


def test_stand_ins_set_with_monkeypatch_or_built_with_a_query_attribute_are_named() -> None:
    """pytest's ``monkeypatch.setattr(Model, "query", Stub())``, a stand-in for the model with
    a ``query`` of its own (``SimpleNamespace(query=...)``, ``MagicMock(query=...)``) and an
    assignment to ``Model.query`` intercept the legacy calls as ``patch`` does."""
    files = {
        "tests/test_tasks.py": (
            b"def test_lookup(monkeypatch):\n"
            b'    monkeypatch.setattr(TaskModel, "query", TaskModelQuery())\n'
            b"    monkeypatch.setattr(\n"
            b"        'app.services.runtime.TaskModel',\n"
            b"        SimpleNamespace(query=query),\n"
            b"    )\n"
            b"    mocker.patch('app.ops.Instance', MagicMock(\n"
            b"        query=query))\n"
            b"    Definition.query = QueryStub()\n"
            b"    assert Definition.query == QueryStub()\n"
            b'    monkeypatch.setattr(db.session, "execute", execute)\n'
        ),
    }
    [note, session_note] = mock_notes(sorted(files), files.get)
    assert ": tests/test_tasks.py:2, 5, 7, 9; make them" in note
    assert ": tests/test_tasks.py:11; check that" in session_note


def test_a_hand_written_session_with_a_query_method_is_named() -> None:
    """``class _FakeDbSession`` with ``def query(self, model)`` (onyx) stands in for the session;
    the rewritten code calls its ``execute``/``scalars``, which it does not have. A fake client
    named otherwise (a search client's ``query``) is not named."""
    files = {
        "tests/test_turns.py": (
            b"class _FakeDbSession:\n"
            b"    def query(self, model):\n"
            b"        return self\n\n\n"
            b"class FakeSearch:\n"
            b"    def query(self, text):\n"
            b"        return []\n"
        )
    }
    [note] = mock_notes(sorted(files), files.get)
    assert ": tests/test_turns.py:1; make them" in note


def test_patches_of_sqlalchemys_query_methods_and_compile_listeners_are_named() -> None:
    """Keystone's tests patch ``sqlalchemy.orm.query.Query.delete`` to fake deadlocks, and count
    the queries a call compiles with a ``before_compile`` listener: the rewritten statements
    call neither. A project's own ``Query`` (a GraphQL root) and a listener that may replace
    the query (``retval=True``, the project's query class) are not named."""
    files = {
        "tests/test_credentials.py": (
            b"@mock.patch('sqlalchemy.orm.query.Query.delete')\n"
            b"def test_retries(delete):\n"
            b"    with mock.patch.object(sqlalchemy.orm.Query, 'update'):\n"
            b"        pass\n"
            b"    with mock.patch('app.graphql.Query.resolve_user'):\n"
            b"        pass\n"
        ),
        "tests/test_counts.py": (
            b"def test_count(counter):\n"
            b"    sqlalchemy.event.listen(\n"
            b"        sqlalchemy.orm.query.Query, 'before_compile', counter.count\n"
            b"    )\n"
            b"    event.listen(Query, 'before_compile', hide, retval=True)\n"
        ),
    }
    [note, listener_note] = mock_notes(sorted(files), files.get)
    assert ": tests/test_credentials.py:1, 3; make them" in note
    assert ": tests/test_counts.py:2; listen to the session's `do_orm_execute`" in listener_note
