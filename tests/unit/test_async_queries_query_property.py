"""`Model.query` from `scoped_session.query_property()`: rewritten on that session, or reported."""

from __future__ import annotations

from pathlib import Path

from backfix.builtin_codemods.async_queries import AsyncQueries

from backfix.discovery import Workspace
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run

DATABASE = (
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker\n\n"
    'engine = create_engine("sqlite://")\n'
    "db_session = scoped_session(sessionmaker(bind=engine{query_cls}))\n"
    "Base = declarative_base()\n"
    "Base.query = db_session.query_property()\n"
    "{extra}"
)
MODELS = (
    "from sqlalchemy import Column, Integer, String\n\n"
    "from app.database import Base\n\n\n"
    "class User(Base):\n"
    '    __tablename__ = "users"\n'
    "    id = Column(Integer, primary_key=True)\n"
    "    name = Column(String(50))\n"
)
QUERIES = (
    "from app.models import User\n\n\n"
    "def by_name(name):\n"
    "    return User.query.filter_by(name=name).first()\n"
)


def _run(tmp_path: Path, files: dict[str, str] | None = None, mode: str = "sync") -> RunResult:
    defaults = {
        "app/__init__.py": "",
        "app/database.py": DATABASE.format(query_cls="", extra=""),
        "app/models.py": MODELS,
        "app/queries.py": QUERIES,
    }
    for rel, text in {**defaults, **(files or {})}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", mode),))
    options = RunOptions(specs=[spec], paths=[tmp_path / "app"], apply=True, jobs=1)
    result = run(Workspace(root=tmp_path), options)
    assert not result.errors, result.errors
    return result


def _queries_finding(result: RunResult) -> tuple[bool, str]:
    (found,) = [v for v in result.violations if v.path == "app/queries.py"]
    return found.fixable, found.reason or ""


def test_chains_read_the_session_behind_the_query_property(tmp_path: Path) -> None:
    result = _run(tmp_path)
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    after = change.after.decode()
    assert "from app.database import db_session\n" in after
    assert "db_session.scalars(select(User).filter_by(name=name).limit(1)).first()" in after


def test_a_query_variable_runs_on_the_session_too(tmp_path: Path) -> None:
    queries = (
        "from app.models import User\n\n\n"
        "def names():\n"
        "    users = User.query.filter_by(name='a')\n"
        "    return [user.name for user in users]\n"
    )
    result = _run(tmp_path, {"app/queries.py": queries})
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    after = change.after.decode()
    assert "for user in db_session.scalars(users)" in after and "db." not in after


def test_the_module_that_defines_the_session_imports_nothing(tmp_path: Path) -> None:
    extra = (
        "\n\ndef count_users():\n    from app.models import User\n\n    return User.query.count()\n"
    )
    result = _run(tmp_path, {"app/database.py": DATABASE.format(query_cls="", extra=extra)})
    (change,) = [c for c in result.changes if c.path == "app/database.py"]
    after = change.after.decode()
    assert "db_session.scalar(select(func.count()).select_from(User))" in after
    assert "import db_session" not in after


def test_a_session_imported_where_the_property_is_set_comes_from_its_module(
    tmp_path: Path,
) -> None:
    session = (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import scoped_session, sessionmaker\n\n"
        'db_session = scoped_session(sessionmaker(bind=create_engine("sqlite://")))\n'
    )
    database = (
        "from sqlalchemy.orm import declarative_base\n\n"
        "from .session import db_session\n\n"
        "Base = declarative_base()\nBase.query = db_session.query_property()\n"
    )
    result = _run(tmp_path, {"app/session.py": session, "app/database.py": database})
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    assert "from app.session import db_session\n" in change.after.decode()


def test_a_query_class_of_the_projects_own_is_reported(tmp_path: Path) -> None:
    database = DATABASE.format(query_cls=", query_cls=TenantQuery", extra="")
    database = "from app.tenancy import TenantQuery\n" + database
    files = {"app/database.py": database, "app/tenancy.py": "class TenantQuery:\n    pass\n"}
    fixable, reason = _queries_finding(_run(tmp_path, files))
    assert not fixable and "query class is `TenantQuery`" in reason


def test_flask_sqlalchemys_query_class_converts_but_its_helpers_are_reported(
    tmp_path: Path,
) -> None:
    database = DATABASE.format(query_cls=", query_cls=Query", extra="")
    database = "from flask_sqlalchemy.query import Query\n" + database
    queries = QUERIES + "\n\ndef one(user_id):\n    return User.query.get_or_404(user_id)\n"
    result = _run(tmp_path, {"app/database.py": database, "app/queries.py": queries})
    (left,) = result.violations  # what an apply leaves: the converted chain is not listed
    assert left.line == 9 and "`get_or_404()` is a method of the session's" in (left.reason or "")
    (change,) = result.changes
    assert "db_session.scalars(select(User).filter_by(name=name)" in change.after.decode()


def test_a_query_class_given_to_the_property_is_reported(tmp_path: Path) -> None:
    database = DATABASE.format(query_cls="", extra="").replace(
        "query_property()", "query_property(TenantQuery)"
    )
    database = "from app.tenancy import TenantQuery\n" + database
    files = {"app/database.py": database, "app/tenancy.py": "class TenantQuery:\n    pass\n"}
    fixable, reason = _queries_finding(_run(tmp_path, files))
    assert not fixable and "query class is `TenantQuery`" in reason


REBINDING = (
    "\n\ndef configure(url):\n    global db_session\n"
    "    db_session = scoped_session(sessionmaker(bind=create_engine(url)))\n"
)


def test_a_session_rebound_at_run_time_is_read_through_its_module(tmp_path: Path) -> None:
    """``configure()`` rebinds ``db_session`` (``global``), as MindsDB's ``init()`` does: a
    module that imported it by name would keep the first one, so the chains of a module that
    imports ``app.database`` read it through that module when the query runs
    (``database.db_session``), which gives the current one as ``Model.query`` does; in the
    module itself, by its own name. A module that does not import ``app.database`` stays for
    review: the object it reads its models from may be another module object than an added
    import would give (MindsDB's tests re-import its modules and read them from ``self.db``)."""
    own = "\n\ndef count():\n    return User.query.count()\n"
    database = DATABASE.format(query_cls="", extra=REBINDING) + "\n\nclass User(Base):\n"
    database += '    __tablename__ = "people"\n    id = Column(Integer, primary_key=True)\n' + own
    database = "from sqlalchemy import Column, Integer\n" + database
    aliased = (
        "import app.database as database\n"
        "from app.models import User\n\n\n"
        "def first():\n"
        "    return User.query.first()\n"
    )
    imported = "from app import database\n" + QUERIES
    files = {"app/database.py": database, "app/aliased.py": aliased, "app/imported.py": imported}
    result = _run(tmp_path, files)
    after = {c.path: c.after.decode() for c in result.changes}
    assert (
        "import app.database as database\nfrom app.models import User\n" in after["app/aliased.py"]
    )
    assert "database.db_session.scalars(select(User).limit(1)).first()" in after["app/aliased.py"]
    assert after["app/imported.py"].count("from app import database\n") == 1
    expected = "database.db_session.scalars(select(User).filter_by(name=name).limit(1)).first()"
    assert expected in "".join(after["app/imported.py"].split())
    fixable, reason = _queries_finding(result)  # (app/queries.py imports only `User`)
    assert not fixable and "this module does not import that module" in reason
    assert "app/queries.py" not in after
    assert (
        "return db_session.scalar(select(func.count()).select_from(User))"
        in (after["app/database.py"])
    )
    assert "import database" not in after["app/database.py"]


def test_a_rebound_session_in_its_modules_package_init_is_reported(tmp_path: Path) -> None:
    """``app/__init__.py`` would have to import ``app.database`` while it is itself imported."""
    init = "from app.models import User\n\n\ndef total():\n    return User.query.count()\n"
    files = {
        "app/__init__.py": init,
        "app/database.py": DATABASE.format(query_cls="", extra=REBINDING),
    }
    result = _run(tmp_path, files)
    (found,) = [v for v in result.violations if v.path == "app/__init__.py"]
    assert not found.fixable
    assert "this module is that module's package" in (found.reason or "")
    assert "app/__init__.py" not in [c.path for c in result.changes]


def test_a_rebound_session_of_a_module_in_no_package_is_reported(tmp_path: Path) -> None:
    """No ``from`` import names a top-level module: the chains stay for review."""
    files = {
        "database.py": DATABASE.format(query_cls="", extra=REBINDING),
        "models.py": MODELS.replace("app.database", "database"),
        "queries.py": QUERIES.replace("app.models", "models"),
    }
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    options = RunOptions(specs=[spec], paths=[tmp_path], apply=True, jobs=1)
    result = run(Workspace(root=tmp_path), options)
    (found,) = [v for v in result.violations if v.path == "queries.py"]
    assert not found.fixable
    assert "`configure()` rebinds the session `db_session`" in (found.reason or "")


def test_a_session_local_to_the_function_that_sets_the_property_is_reported(
    tmp_path: Path,
) -> None:
    """``db_session`` is a local variable of ``create_session()``: there is no module-level
    session to import, so the chains stay for review instead of importing a name that does not
    exist. A session the module binds too (at module level) still converts."""
    local = (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker\n\n"
        "Base = declarative_base()\n\n\n"
        "def create_session(url):\n"
        "    db_session = scoped_session(sessionmaker(bind=create_engine(url)))\n"
        "    Base.query = db_session.query_property()\n"
        "    return db_session\n"
    )
    result = _run(tmp_path, {"app/database.py": local})
    fixable, reason = _queries_finding(result)
    assert not fixable and not result.changes
    assert "in `create_session()` of app/database.py, where `db_session` is a local" in reason
    module_level = local.replace(
        "Base = declarative_base()\n", "Base = declarative_base()\ndb_session = None\n"
    )
    module_level = module_level.replace(
        "def create_session(url):\n", "def create_session(url):\n    global db_session\n"
    )
    queries = "from app import database\n" + QUERIES
    result = _run(tmp_path / "b", {"app/database.py": module_level, "app/queries.py": queries})
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    assert "database.db_session.scalars(" in change.after.decode()


def test_a_function_binding_the_sessions_name_is_reported(tmp_path: Path) -> None:
    queries = (
        "from app.models import User\n\n\n"
        "def by_name(name, db_session=None):\n"
        "    return User.query.filter_by(name=name).first()\n"
    )
    fixable, reason = _queries_finding(_run(tmp_path, {"app/queries.py": queries}))
    assert not fixable and "`by_name` binds `db_session` itself" in reason


def test_async_mode_reports_the_sync_session(tmp_path: Path) -> None:
    fixable, reason = _queries_finding(_run(tmp_path, {}, mode="async"))
    assert not fixable and "a sync `scoped_session`" in reason


#: a base model whose class property builds each query on a connection object's session
CONNECTION = (
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import scoped_session, sessionmaker\n\n\n"
    "class Connection:\n"
    "    def __init__(self):\n"
    "        self.session = None\n\n"
    "    def start(self):\n"
    '        self.session = scoped_session(sessionmaker(bind=create_engine("sqlite://")))\n\n\n'
    "connection = Connection()\n"
)
CLASS_PROPERTY_BASE = (
    "from sqlalchemy.orm import declarative_base\n\n"
    "from app.connection import connection\n\n"
    "Base = declarative_base()\n\n\n"
    "class classproperty(property):\n"
    "    def __get__(self, owner_self, owner_cls):\n"
    "        return self.fget(owner_cls)\n\n\n"
    "class BaseModel(Base):\n"
    "    __abstract__ = True\n\n"
    "    @classproperty\n"
    "    def query(cls):\n"
    "        return connection.session.query(cls)\n"
)


def _class_property_files(base: str) -> dict[str, str]:
    """The project's files with ``base`` (a base model with a class property) in place of the
    query property: the models derive from its ``BaseModel``."""
    models = MODELS.replace("from app.database import Base", "from app.base import BaseModel")
    return {
        "app/database.py": "",
        "app/connection.py": CONNECTION,
        "app/base.py": base,
        "app/models.py": models.replace("(Base)", "(BaseModel)"),
    }


def test_chains_read_the_session_a_class_property_builds_queries_on(tmp_path: Path) -> None:
    """mage-ai's base model: ``@classproperty def query(cls): return
    db_connection.session.query(cls)``. Its chains read the session as the property does, when
    the query runs (``connection.session``, which ``start()`` sets later), with the object
    imported from its module."""
    result = _run(tmp_path, _class_property_files(CLASS_PROPERTY_BASE))
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    after = change.after.decode()
    assert "from app.connection import connection\n" in after
    expected = "connection.session.scalars(select(User).filter_by(name=name).limit(1)).first()"
    assert expected.replace(" ", "") in "".join(after.split())


def test_a_class_property_on_the_class_own_session_is_reported(tmp_path: Path) -> None:
    """sqlalchemy-mixins' ``return cls.session.query(cls)``: the session is the class's own,
    set per class at run time, which no module holds for the rewrite to import."""
    base = CLASS_PROPERTY_BASE.replace("connection.session.query(cls)", "cls.session.query(cls)")
    fixable, reason = _queries_finding(_run(tmp_path, _class_property_files(base)))
    assert not fixable
    assert "no `query_property()` of a session was found" in reason


def test_a_chain_that_reads_no_session_imports_none(tmp_path: Path) -> None:
    """A query built only to be nested in another statement (``.exists()``, ``.subquery()``)
    becomes a ``select()`` that runs in no session: the module gets no import of the session,
    which would be unused (mage-ai's ``PipelineRun.select(PipelineRun.query.filter(...).exists())``
    gained an unused ``db_connection``)."""
    queries = (
        "from app.models import User\n\n\n"
        "def named(name):\n"
        "    return User.query.filter_by(name=name).exists()\n"
    )
    result = _run(tmp_path, {"app/queries.py": queries})
    (change,) = [c for c in result.changes if c.path == "app/queries.py"]
    after = change.after.decode()
    assert "select(User).filter_by(name=name).exists()" in after
    assert "db_session" not in after


#: a method of the base model that queries whatever class the instance is
SELF_QUERY = "\n\n    def reload(self):\n        return self.query.get(self.id)\n"


def test_a_query_on_self_is_advised_on_the_session_behind_the_property(tmp_path: Path) -> None:
    """``self.query`` stays for review, as in any project; without Flask-SQLAlchemy, its label
    and its advice name the session the query property reads and SQLAlchemy's own ``select()``
    (mage-ai's ``self.query.get(uuid)`` was advised as ``db.session.get(type(self), ...)``)."""
    files = _class_property_files(CLASS_PROPERTY_BASE + SELF_QUERY)
    result = _run(tmp_path, files)
    (found,) = [v for v in result.violations if v.path == "app/base.py"]
    assert not found.fixable
    assert "[sync: a class property returning `connection.session.query(cls)`]" in found.message
    assert "`connection.session.get(type(self), ...)`" in (found.reason or "")
    assert "db." not in (found.reason or "")


def test_a_query_on_self_without_a_known_query_property_is_advised_on_a_session(
    tmp_path: Path,
) -> None:
    base = CLASS_PROPERTY_BASE.replace("connection.session.query(cls)", "cls.session.query(cls)")
    queries = "def names(model):\n    return model.query.filter_by(name='a').all()\n"
    result = _run(tmp_path, {**_class_property_files(base), "app/queries.py": queries})
    found = _queries_finding(result)
    assert not found[0]
    assert "`session.scalars(select(model)...)`" in found[1]
    message = next(v.message for v in result.violations if v.path == "app/queries.py")
    assert "[sync: a query property, no Flask-SQLAlchemy]" in message


#: mage-ai's second class property: the session's `query` method itself, under another name
SELECT_ALIAS = (
    "\n    @classproperty\n    def select(cls):\n        return connection.session.query\n"
)
ALIAS_QUERIES = (
    "from app.models import User\n\n\n"
    "class Report:\n"
    "    def select(self, *columns):\n"
    "        return columns\n\n\n"
    "def names():\n"
    "    return (\n"
    "        User.select(User.name)\n"
    "        .filter(User.id > 1)\n"
    "        .all()\n"
    "    )\n\n\n"
    "def columns():\n"
    "    return Report().select('a'), Report.select(Report(), 'b')\n"
)


def test_a_class_property_returning_the_sessions_query_method_is_counted(tmp_path: Path) -> None:
    """mage-ai's ``@classproperty def select(cls): return db_connection.session.query``:
    ``User.select(User.name).filter(...).all()`` is a legacy query that names neither ``query``
    nor a session. Each such call on a mapped class is reported for a rewrite by hand, once,
    with its whole chain; a method of the same name on another class is not."""
    files = {
        **_class_property_files(CLASS_PROPERTY_BASE + SELECT_ALIAS),
        "app/queries.py": ALIAS_QUERIES,
    }
    result = _run(tmp_path, files)
    (found,) = [v for v in result.violations if v.path == "app/queries.py"]
    assert (found.line, found.col, found.scope) == (11, 9, "names")
    assert not found.fixable
    assert found.reason_id == "query-method-alias"
    assert "legacy Query API: User.select(User.name) .filter(User.id > 1) .all() [" in (
        found.message
    )
    assert "`connection.session.execute(select(...)...)`" in (found.reason or "")
    assert not [c for c in result.changes if c.path == "app/queries.py"]


def test_an_alias_call_is_placed_by_characters_on_the_lines_ast_counts(tmp_path: Path) -> None:
    """A form feed is no line break to Python (``str.splitlines`` makes it one), and a column
    counts characters, not the UTF-8 bytes of ``é``."""
    queries = (
        '"""Rows.\x0c"""\n'
        "from app.models import User\n\n\n"
        "def names():\n"
        "    é = 1; return User.select(User.name).all(), é\n"
    )
    files = {
        **_class_property_files(CLASS_PROPERTY_BASE + SELECT_ALIAS),
        "app/queries.py": queries,
    }
    (found,) = [v for v in _run(tmp_path, files).violations if v.path == "app/queries.py"]
    assert (found.line, found.col) == (6, 19)
