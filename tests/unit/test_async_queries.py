"""Unit tests of async-queries: detection, options, verdicts and fingerprints (engine in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from backfix.builtin_codemods.async_queries.plan import LISTED_FILES, mode_notes

from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run


def _run(
    tmp_path: Path, files: dict[str, str], apply: bool = False, **options: object
) -> RunResult:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", tuple(sorted(options.items())))
    result = run(
        Workspace(root=tmp_path),
        # The rewrite itself, unformatted: tests/unit/test_formatting.py covers the formatter pass.
        RunOptions(specs=[spec], paths=[tmp_path], apply=apply, jobs=1, config={"format": False}),
    )
    assert not result.errors, result.errors
    return result


def _after(result: RunResult, path: str) -> str:
    (change,) = [c for c in result.changes if c.path == path]
    return change.after.decode()


def test_defaults_and_option_validation() -> None:
    """``mode`` defaults to auto; bad modes and bad session names are configuration errors."""
    assert AsyncQueries.Options.defaults()["mode"] == "auto"
    assert AsyncQueries({"mode": "sync"}).options.mode == "sync"
    with pytest.raises(ConfigError, match="mode"):
        AsyncQueries({"mode": "turbo"})
    assert AsyncQueries({"session_names": ["db", "session"]}).session_names == ["db", "session"]


def test_only_known_sessions_count(tmp_path: Path) -> None:
    """Any object with `.query` is not a session: search clients, unannotated params, dicts."""
    source = (
        "def search(client, es, db):\n"
        "    client.query(Job).all()\n"
        "    es.query('x').first()\n"
        "    return db.query(Job).all()\n"
    )
    assert _run(tmp_path, {"app.py": source}).violations == []


def test_a_clients_query_with_constant_arguments_names_no_class(tmp_path: Path) -> None:
    """keep's ``clickhouse_provider.query(query="SELECT ...", single_row=True)``: ``True``,
    capitalised as a class is, selects no entity, so the call is no session's query."""
    source = (
        "def probe(provider_factory):\n"
        "    clickhouse = provider_factory()\n"
        "    return clickhouse.query(query='SELECT 1', single_row=True)\n"
    )
    assert _run(tmp_path, {"app.py": source}).violations == []


NOT_QUERIES_MODELS = (
    "import enum\n\nfrom flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
    "class ObjectType(enum.Enum):\n    query = 1\n    chart = 2\n\n\n"
    "class Names:\n    query = 'query'\n\n\n"
    "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
)
NOT_QUERIES_VIEWS = (
    "from app.models import Names, ObjectType, User\n\n\n"
    "def tags(tag, url, engine, database, ctx, request, repo):\n"
    "    a = ObjectType.query.name\n"
    "    b = tag.kind == ObjectType.query\n"
    "    c = Names.query.upper()\n"
    "    d = url.query.get('ssl', 'false')\n"
    "    e = engine.url.query.get('database')\n"
    "    f = database.url_object.query.get('catalog')\n"
    "    g = request.query.get('page')\n"
    "    h = ctx.query.limit\n"
    "    ctx.query.limit = 10\n"
    "    i = ctx.query.get(tag, default=None)\n"
    "    j = repo.query.get(tag)\n"
    "    k = repo.query.statement\n"
    "    m = User.query.get(tag)\n"
    "    n = repo.request_model.query.get(tag)\n"
    "    return a, b, c, d, e, f, g, h, i, j, k, m, n\n"
)


def test_query_attributes_that_are_no_query(tmp_path: Path) -> None:
    """A ``.query`` that is an enum member or a class constant, a URL's or a request's query
    string, or an attribute read from it (not a called query method) is no finding; a model's
    query and an unknown owner's query call still are."""
    files = {"app/__init__.py": "", "app/models.py": NOT_QUERIES_MODELS}
    files["app/views.py"] = NOT_QUERIES_VIEWS
    found = {v.line: v for v in _run(tmp_path, files, mode="sync").violations}
    assert sorted(found) == [15, 16, 17, 18]
    assert not found[18].fixable and found[18].reason_id == "unknown-model-class"
    assert not found[15].fixable and found[15].reason_id == "unknown-model-class"
    assert not found[16].fixable and found[16].reason_id == "unknown-model-class"
    assert found[17].fixable


#: a declarative model ``Job`` with a ``key``
JOB_MODELS = (
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
    "class Base(DeclarativeBase):\n    pass\n\n\n"
    "class Job(Base):\n"
    "    __tablename__ = 'job'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    key: Mapped[str]\n"
)


def test_a_session_of_unknown_kind_in_sync_code_is_not_made_async_on_a_guess(
    tmp_path: Path,
) -> None:
    """The project creates async sessions only, but ``session = self.make_session()`` says
    nothing of its kind: in a plain ``def`` it stays manual; in an ``async def`` the guess stands."""
    files = {
        "app/__init__.py": "",
        "app/db.py": (
            "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n\n"
            "engine = create_async_engine('sqlite+aiosqlite://')\n"
            "SessionLocal = async_sessionmaker(engine)\n"
        ),
        "app/models.py": JOB_MODELS,
        "app/store.py": (
            "from app.models import Job\n\n\n"
            "class Store:\n"
            "    def find(self, key):\n"
            "        session = self.make_session()\n"
            "        return session.query(Job).filter(Job.key == key).first()\n\n"
            "    async def find_async(self, key):\n"
            "        session = self.make_session()\n"
            "        return session.query(Job).filter(Job.key == key).first()\n"
        ),
    }
    found = {v.line: v for v in _run(tmp_path, files).violations}
    assert sorted(found) == [7, 11]
    assert not found[7].fixable and found[7].reason_id == "unknown-session-kind"
    assert "`Store.find` is synchronous" in found[7].reason
    assert found[11].fixable
    assert all(v.fixable for v in _run(tmp_path, files, mode="async").violations)


EXTERNAL_BASE_FILES = {
    "app/__init__.py": "",
    "app/db.py": (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import sessionmaker\n\n"
        "engine = create_engine('sqlite://')\n"
        "SessionLocal = sessionmaker(engine)\n"
    ),
    "app/models.py": JOB_MODELS,
    "app/base.py": "import logging\n\n\nclass AppHandler(logging.Handler):\n    pass\n",
    "app/handlers.py": (
        "from app.base import AppHandler\n"
        "from app.db import SessionLocal\n"
        "from app.models import Job\n\n\n"
        "class JobCountHandler(AppHandler):\n"
        "    def emit(self, record):\n"
        "        session = SessionLocal()\n"
        "        print(session.query(Job).filter(Job.key == record.msg).count())\n"
    ),
}


def test_a_method_that_may_override_a_library_class_does_not_become_async(
    tmp_path: Path,
) -> None:
    """``emit`` of a subclass (through a project base) of ``logging.Handler``: logging calls it
    without ``await``, so ``--mode async`` reports it, and the session plumbing stays whole."""
    result = _run(tmp_path, EXTERNAL_BASE_FILES, mode="async")
    (query,) = [v for v in result.violations if "legacy Query API" in v.message]
    assert not query.fixable
    assert "a method of `logging.Handler`" in query.reason
    assert all(not v.fixable for v in result.violations)


def test_configured_session_names(tmp_path: Path) -> None:
    """``session_names`` turns plain names and ``self.<name>`` into sessions."""
    source = (
        "class Repo:\n"
        "    def __init__(self, db):\n"
        "        self.db = db\n\n"
        "    def all(self):\n"
        "        return self.db.query(Job).all()\n\n\n"
        "def count(db):\n"
        "    return db.query(Job).count()\n"
    )
    result = _run(tmp_path, {"app.py": source}, session_names=["db"])
    assert [v.line for v in result.violations] == [6, 10]


def test_a_listed_session_name_read_off_any_object_is_a_session(tmp_path: Path) -> None:
    """Pyramid hands views their session as ``request.db`` (Warehouse): with ``db`` listed, the
    run said "list its name (`-o session_names=db`)" and, listed, still did not rewrite it."""
    source = (
        "from app.models import Job\n\n\n"
        "def project(request):\n"
        "    return request.db.query(Job).filter(Job.name == request.matchdict['name']).one()\n"
    )
    models = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Job(Base):\n    __tablename__ = 'jobs'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str]\n"
    )
    files = {"app/__init__.py": "", "app/models.py": models, "app/views.py": source}
    listed = _run(tmp_path / "a", files, apply=True, session_names=["db"])
    assert "request.db.execute(" in _after(listed, "app/views.py")
    assert [v.reason_id for v in listed.violations] == []
    unlisted = _run(tmp_path / "b", files)
    assert [v.reason_id for v in unlisted.violations] == ["unknown-session"]
    assert "-o session_names=db" in unlisted.violations[0].reason


def test_session_origins(tmp_path: Path) -> None:
    """Annotations, sessionmaker() results, `with` targets, Depends(get_db), scoped sessions."""
    source = (
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session, scoped_session, sessionmaker\n\n"
        "SessionLocal = sessionmaker()\n"
        "db_session = scoped_session(SessionLocal)\n\n\n"
        "def annotated(s: Session):\n"
        "    return s.query(Job).all()\n\n\n"
        "def made():\n"
        "    s = SessionLocal()\n"
        "    return s.query(Job).all()\n\n\n"
        "def with_block():\n"
        "    with SessionLocal() as s:\n"
        "        return s.query(Job).all()\n\n\n"
        "def dependency(db=Depends(get_db)):\n"
        "    return db.query(Job).all()\n\n\n"
        "def scoped():\n"
        "    return db_session.query(Job).all()\n"
    )
    result = _run(tmp_path, {"app.py": source})
    assert [v.line for v in result.violations] == [9, 14, 19, 23, 27]
    assert all("[sync:" in v.message for v in result.violations)


def test_model_query_needs_flask_sqlalchemy(tmp_path: Path) -> None:
    """``Model.query`` counts only where a Flask-SQLAlchemy ``db`` exists."""
    plain = {"app.py": "def f():\n    return Config.query.all()\n"}
    assert _run(tmp_path / "plain", plain).violations == []
    fsa = {
        "ext.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app.py": "def f():\n    return User.query.all()\n",
    }
    result = _run(tmp_path / "fsa", fsa, apply=True, mode="sync")
    text = _after(result, "app.py")
    assert "from ext import db" in text
    assert "db.session.scalars(db.select(User)).all()" in text


def test_db_is_imported_under_its_package_name_not_its_path(tmp_path: Path) -> None:
    """The package sits in a folder that is not one (``web/pgadmin``, no ``web/__init__.py``):
    ``db`` is imported as the file's other imports name its module (``pgadmin.model``), joining
    the import already there; relatively in a module that imports relatively."""
    fsa = {
        "web/pgadmin/__init__.py": "",
        "web/pgadmin/model/__init__.py": (
            "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
            "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        ),
        "web/pgadmin/about/__init__.py": (
            "from pgadmin.model import User\n\n\ndef f():\n    return User.query.all()\n"
        ),
        "web/pgadmin/about/relative.py": (
            "from ..model import User\n\n\ndef f():\n    return User.query.all()\n"
        ),
    }
    result = _run(tmp_path, fsa, apply=True, mode="sync")
    assert "from pgadmin.model import User, db\n" in _after(result, "web/pgadmin/about/__init__.py")
    relative = _after(result, "web/pgadmin/about/relative.py")
    assert relative.startswith("from ..model import User, db\n")


def test_a_session_read_from_an_imported_module_counts_when_its_name_is_listed(
    tmp_path: Path,
) -> None:
    """``model.Session.query(...)`` (a session the module ``model`` re-exports, made by a
    factory of the project's): the reason names the option that makes it known; listed, it is
    rewritten, but not where a parameter or local of the function is called like the module."""
    files = _model_session_files("Session = make_session()\n")
    unlisted = _run(tmp_path / "unlisted", files, mode="sync").violations
    assert [v.reason_id for v in unlisted] == ["unknown-session", "unknown-session"]
    assert "or list its name (`-o session_names=Session`)" in unlisted[0].reason
    listed = _run(tmp_path / "listed", files, apply=True, mode="sync", session_names=("Session",))
    assert [(v.line, v.reason_id) for v in listed.violations] == [(9, "unknown-session")]
    after = _after(listed, "app/views.py")
    assert "return model.Session.scalars(select(model.User)).all()" in after
    assert "return model.Session.query(model.User).all()" in after


@pytest.mark.parametrize(
    "definition",
    [
        "Session = scoped_session(sessionmaker())\n",
        "Session: Any = orm.scoped_session(sessionmaker())\n",
    ],
)
def test_a_projects_scoped_session_is_a_session_unlisted(tmp_path: Path, definition: str) -> None:
    """ckan's ``model.Session``, bound to ``scoped_session(...)`` at module level in another
    module: the run finds the registry before analysing and treats the name as a session, with
    a note, as if it were listed."""
    result = _run(tmp_path, _model_session_files(definition), apply=True, mode="sync")
    assert [(v.line, v.reason_id) for v in result.violations] == [(9, "unknown-session")]
    assert (
        "`Session` is a session (`scoped_session(...)` in app/model.py): its queries and commits "
        "are treated as a session's, as if it were listed in `session_names`"
    ) in result.notes
    after = _after(result, "app/views.py")
    assert "return model.Session.scalars(select(model.User)).all()" in after


def _model_session_files(definition: str) -> dict[str, str]:
    """A project whose ``app/model.py`` binds ``Session`` with ``definition`` and whose views
    query ``model.Session`` (and a parameter named ``model``)."""
    return {
        "app/__init__.py": "",
        "app/models.py": (
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n\n\n"
            "class User(Base):\n    __tablename__ = 'users'\n"
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        ),
        "app/model.py": (
            "from typing import Any\n\n"
            "from sqlalchemy import orm\n"
            "from sqlalchemy.orm import scoped_session, sessionmaker\n\n"
            "from app.factory import make_session\n"
            "from app.models import User\n\n" + definition
        ),
        "app/views.py": (
            "import app.model as model\n\n\n"
            "def users():\n    return model.Session.query(model.User).all()\n\n\n"
            "def shadowed(model):\n    return model.Session.query(model.User).all()\n"
        ),
    }


def test_one_violation_per_chain_and_per_query_variable(tmp_path: Path) -> None:
    """A chain is one violation however long; a query variable is one violation."""
    source = (
        "from sqlalchemy.orm import Session\n\n\n"
        "def f(s: Session, name):\n"
        "    q = s.query(User)\n"
        "    if name:\n"
        "        q = q.filter(User.name == name)\n"
        "    return q.all(), s.query(User).filter(User.a).filter(User.b).order_by(User.id).first()\n"
    )
    result = _run(tmp_path, {"app.py": source})
    assert [(v.line, v.fixable) for v in result.violations] == [(5, True), (8, True)]
    assert "query variable `q`" in result.violations[0].message


def test_fingerprints_survive_line_shifts(tmp_path: Path) -> None:
    """Adding lines above a chain keeps its fingerprint."""
    source = "from sqlalchemy.orm import Session\n\n\ndef f(s: Session):\n    return s.query(User).all()\n"
    first = _run(tmp_path / "a", {"app.py": source}).violations
    shifted = _run(tmp_path / "b", {"app.py": "import os\n\n\n" + source}).violations
    assert [v.fingerprint for v in first] == [v.fingerprint for v in shifted]
    assert first[0].line + 3 == shifted[0].line


def test_manual_reasons_are_reported_and_code_is_untouched(tmp_path: Path) -> None:
    """Manual-review chains keep their code; the reason says what blocks the rewrite."""
    source = (
        "from sqlalchemy.orm import Session\n\n\n"
        "def a(s: Session):\n"
        "    return s.query(User).join('addresses').all()\n\n\n"
        "def b(s: Session):\n"
        "    return s.query(User).yield_per(10).all()\n\n\n"
        "def c(s: Session):\n"
        "    return s.query(User).not_deleted().all()\n\n\n"
        "def d(s: Session):\n"
        "    return s.query(thing).all()\n"
    )
    result = _run(tmp_path, {"app.py": source}, apply=True)
    reasons = [v.reason for v in result.violations]
    assert len(reasons) == 4 and not result.changes
    assert "string join targets were removed" in reasons[0]
    assert "yield_per" in reasons[1] and "not_deleted" in reasons[2]
    assert not any("spec" in reason for reason in reasons)
    assert "entity or a column" in reasons[3]


def test_sync_mode_refuses_async_sessions(tmp_path: Path) -> None:
    """``--mode sync`` on an AsyncSession would produce code that cannot run."""
    source = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def f(s: AsyncSession):\n"
        "    return s.query(User).all()\n"
    )
    result = _run(tmp_path, {"app.py": source}, apply=True, mode="sync")
    (violation,) = result.violations
    assert not violation.fixable and "AsyncSession" in violation.reason


def test_async_parenthesises_await_where_precedence_needs_it(tmp_path: Path) -> None:
    """``(await s.get(...)).name`` and ``await s.execute(...)`` as a statement."""
    source = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def f(s: AsyncSession, uid):\n"
        "    s.query(User).filter(User.id == uid).delete()\n"
        "    return s.query(User).get(uid).name\n"
    )
    text = _after(_run(tmp_path, {"app.py": source}, apply=True), "app.py")
    assert "    await s.execute(delete(User).where(User.id == uid))\n" in text
    assert "return (await s.get(User, uid)).name" in text


def test_parentheses_around_a_rewritten_statement_go_unless_they_hold_a_comment(
    tmp_path: Path,
) -> None:
    """A bulk ``delete()`` over several lines in parentheses becomes a call whose own brackets
    hold its line breaks: the statement's parentheses go, except where a comment sits in them."""
    source = (
        "from sqlalchemy.orm import Session\n\n\n"
        "def f(s: Session, uid):\n"
        "    (\n"
        "        s.query(User)\n"
        "        .filter(User.id == uid)\n"
        "        .delete()\n"
        "    )\n"
        "    (s.query(Post)\n"
        "        .filter(Post.id == uid).delete())\n"
        "    (\n"
        "        # and the tags\n"
        "        s.query(Tag).filter(Tag.id == uid).delete()\n"
        "    )\n"
    )
    text = _after(_run(tmp_path, {"app.py": source}, apply=True, mode="sync"), "app.py")
    assert text.endswith(
        "def f(s: Session, uid):\n"
        "    s.execute(delete(User)\n"
        "        .where(User.id == uid))\n"
        "    s.execute(delete(Post)\n"
        "        .where(Post.id == uid))\n"
        "    (\n"
        "        # and the tags\n"
        "        s.execute(delete(Tag).where(Tag.id == uid))\n"
        "    )\n"
    ), text


def test_already_awaited_legacy_query_is_reported(tmp_path: Path) -> None:
    """``await s.query(...).all()`` was never valid; it needs a person."""
    source = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def f(s: AsyncSession):\n"
        "    return await s.query(User).all()\n"
    )
    (violation,) = _run(tmp_path, {"app.py": source}).violations
    assert not violation.fixable and "already awaited" in violation.reason


def test_query_variable_used_as_value_is_reported(tmp_path: Path) -> None:
    """M5: a query handed to a helper is not converted, its later uses neither."""
    source = (
        "from sqlalchemy.orm import Session\n\n\n"
        "def f(s: Session):\n"
        "    q = s.query(User)\n"
        "    q = q.filter(User.active)\n"
        "    return paginate(q)\n"
    )
    result = _run(tmp_path, {"app.py": source}, apply=True)
    (violation,) = result.violations
    assert "used as a value" in violation.reason and not result.changes


def test_imports_added_once_and_merged(tmp_path: Path) -> None:
    """``select``/``func`` join an existing ``from sqlalchemy import`` line, once."""
    source = (
        "from sqlalchemy import or_\n"
        "from sqlalchemy.orm import Session\n\n\n"
        "def f(s: Session):\n"
        "    return s.query(User).all(), s.query(User).count(), s.query(User).first()\n"
    )
    text = _after(_run(tmp_path, {"app.py": source}, apply=True), "app.py")
    assert text.count("from sqlalchemy import") == 1
    assert "from sqlalchemy import func, or_, select" in text


def test_plan_notes_name_the_mode_per_file(tmp_path: Path) -> None:
    """``scan``/``apply`` say which mode each file got."""
    files = {
        "a.py": "from sqlalchemy.orm import Session\n\n\ndef f(s: Session):\n    return s.query(User).all()\n",
        "b.py": (
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "async def f(s: AsyncSession):\n    return s.query(User).all()\n"
        ),
    }
    notes = _run(tmp_path, files).notes
    assert "async-queries: sync mode: a.py" in notes
    assert "async-queries: async mode: b.py" in notes


def test_mode_notes_count_the_files_of_a_mode_beyond_a_few() -> None:
    """A large project gets one line per mode, not one per file."""
    many = [f"app/m{i}.py" for i in range(LISTED_FILES + 1)]
    few = many[:LISTED_FILES]
    assert mode_notes({"sync": many, "async": ["app/a.py"], "async/sync": few}) == [
        "async-queries: async mode: app/a.py",
        f"async-queries: async/sync mode: {', '.join(few)}",
        f"async-queries: sync mode: {len(many)} files (each finding names its mode)",
    ]


def test_non_database_functions_never_become_async(tmp_path: Path) -> None:
    """Only callers of database functions change."""
    files = {
        "repo.py": (
            "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
            "def load(s: AsyncSession):\n    return s.query(User).all()\n\n\n"
            "def label(x):\n    return str(x)\n"
        ),
        "svc.py": (
            "from repo import label, load\n\n\n"
            "def run(s):\n    return [label(x) for x in load(s)]\n\n\n"
            "def name(x):\n    return label(x)\n"
        ),
    }
    result = _run(tmp_path, files, apply=True)
    svc = _after(result, "svc.py")
    assert "async def run(s):\n    return [label(x) for x in await load(s)]" in svc
    assert "def name(x):\n    return label(x)" in svc
    assert "async def label" not in _after(result, "repo.py")


def test_generic_repository_model_attribute_is_an_entity(tmp_path: Path) -> None:
    """``self.model`` (CRUD base classes) selects objects; ``obj.thing`` is left for a person."""
    source = (
        "from sqlalchemy.orm import Session\n\n\n"
        "class CRUDBase:\n"
        "    def __init__(self, model):\n"
        "        self.model = model\n\n"
        "    def get(self, db: Session, id):\n"
        "        return db.query(self.model).filter(self.model.id == id).first()\n\n"
        "    def odd(self, db: Session):\n"
        "        return db.query(self.column).all()\n\n"
        "    def names(self, db: Session):\n"
        "        return db.query(models.User.name).all()\n"
    )
    result = _run(tmp_path, {"app.py": source}, apply=True)
    text = _after(result, "app.py")
    assert "db.scalars(select(self.model).where(self.model.id == id).limit(1)).first()" in text
    assert "db.execute(select(models.User.name)).all()" in text
    (manual,) = result.violations
    assert manual.line == 12 and "entity or a column" in manual.reason


def test_a_class_read_through_its_module_path_is_an_entity(tmp_path: Path) -> None:
    """``app.archive.db.Entry`` (``import app.archive.db``) selects objects as ``models.User``
    does; ``app.archive.db.Entry.title`` is a column."""
    source = (
        "import app.archive.db\n"
        "from sqlalchemy.orm import Session\n\n\n"
        "def entries(db: Session):\n"
        "    return db.query(app.archive.db.Entry).all()\n\n\n"
        "def titles(db: Session):\n"
        "    return db.query(app.archive.db.Entry.title).all()\n"
    )
    result = _run(tmp_path, {"jobs.py": source}, apply=True)
    text = _after(result, "jobs.py")
    assert "db.scalars(select(app.archive.db.Entry)).all()" in text
    assert "db.execute(select(app.archive.db.Entry.title)).all()" in text
    assert result.violations == []
