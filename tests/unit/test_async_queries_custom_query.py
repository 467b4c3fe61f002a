"""async-queries never rewrites a query that goes through a custom query class (it reports it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries

from backfix.discovery import Workspace
from backfix.results import RunResult, Violation
from backfix.runner import CodemodSpec, RunOptions, run


def _flat(code: str) -> str:
    """Code without layout: the engine's formatter pass may wrap a rewritten statement."""
    return re.sub(r"\s+", "", code).replace(",)", ")").replace(",]", "]")


DB = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
QUERY = (
    "from flask_sqlalchemy import BaseQuery\n\n\n"
    "class HiddenQuery(BaseQuery):\n"
    "    def __iter__(self):\n"
    "        return BaseQuery.__iter__(self.filter_by(hidden=False))\n"
)
#: a query class that only adds a method of its own: queries that do not call it lose nothing
HELPER_QUERY = (
    "from flask_sqlalchemy import BaseQuery\n\n\n"
    "class HelperQuery(BaseQuery):\n"
    '    """Shortcuts."""\n\n'
    "    def visible(self):\n"
    "        return self.filter_by(hidden=False)\n"
)
VIEWS = (
    "from app import db\n"
    "from app.models import Post, Tag\n\n\n"
    "def posts():\n"
    "    return Post.query.filter_by(id=1).all()\n\n\n"
    "def tags():\n"
    "    return Tag.query.filter_by(id=1).all()\n\n\n"
    "def session_posts():\n"
    "    return db.session.query(Post).all()\n"
)


def _run(tmp_path: Path, files: dict[str, str], apply: bool = True) -> RunResult:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", "sync"),))
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[spec], paths=[tmp_path], apply=apply, jobs=1),
    )
    assert not result.errors, result.errors
    return result


def _by_line(result: RunResult, path: str) -> dict[int, Violation]:
    found = [v for v in [*result.violations, *result.fixed] if v.path == path]
    return {v.line: v for v in found}


MODELS = {
    "model attribute": (
        "class Post(db.Model):\n"
        "    query_class = HiddenQuery\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    ),
    "mixin": (
        "class SoftDelete:\n"
        "    query_class = HiddenQuery\n\n\n"
        "class Post(SoftDelete, db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    ),
    "abstract base, two levels": (
        "class Base(db.Model):\n"
        "    __abstract__ = True\n"
        "    query_class = HiddenQuery\n\n\n"
        "class Middle(Base):\n"
        "    __abstract__ = True\n\n\n"
        "class Post(Middle):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    ),
    "query property": (
        "class Post(db.Model):\n"
        "    query = db.session.query_property(HiddenQuery)\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    ),
    "set in __declare_last__": (
        "class SoftDelete:\n"
        "    @classmethod\n"
        "    def __declare_last__(cls):\n"
        "        cls.query_class = HiddenQuery\n\n\n"
        "class Post(SoftDelete, db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    ),
    "assigned after the class": (
        "class Post(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n\n\n"
        "Post.query_class = HiddenQuery\n"
    ),
}
TAG = "\n\nclass Tag(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"


@pytest.mark.parametrize("where", sorted(MODELS))
def test_model_with_custom_query_class_is_reported(tmp_path: Path, where: str) -> None:
    """Every way of giving one model a query class: its queries are reported, others rewritten."""
    models = "from app import db\nfrom app.query import HiddenQuery\n\n\n" + MODELS[where] + TAG
    files = {"app/__init__.py": DB, "app/query.py": QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": VIEWS})
    lines = _by_line(result, "app/views.py")
    assert not lines[6].fixable
    assert "custom query class" in lines[6].reason and "HiddenQuery" in lines[6].reason
    assert "with_loader_criteria" in lines[6].reason
    assert lines[10].fixable  # Tag has the default query class
    assert lines[14].fixable  # db.session.query() does not use a model's query_class
    (change,) = result.changes
    assert "Post.query.filter_by(id=1).all()" in change.after.decode()
    assert "db.select(Tag)" in change.after.decode()


@pytest.mark.parametrize(
    "setting",
    [
        "db = SQLAlchemy(query_class=HiddenQuery)\n",
        "db = SQLAlchemy()\ndb.Model.query_class = HiddenQuery\n",
    ],
)
def test_project_wide_query_class_reports_every_model(tmp_path: Path, setting: str) -> None:
    """``SQLAlchemy(query_class=...)`` and ``db.Model.query_class`` reach every model."""
    init = (
        "from flask_sqlalchemy import SQLAlchemy\n\nfrom app.query import HiddenQuery\n\n" + setting
    )
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n" + TAG
    files = {"app/__init__.py": init, "app/query.py": QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": VIEWS}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert not lines[6].fixable and not lines[10].fixable
    # SQLAlchemy(query_class=...) also makes db.session create HiddenQuery objects.
    assert lines[14].fixable is ("query_class=" not in setting)


#: a project's own subclass of ``SQLAlchemy`` (no override), and what ``db`` is made with
SUBCLASS = (
    "from flask_sqlalchemy import SQLAlchemy\n"
    "from flask_sqlalchemy.model import Model\n"
    "from sqlalchemy.orm import declarative_base\n\n"
    "from app.query import HiddenQuery\n\n\n"
    "class BaseModel(Model):\n    query_class = HiddenQuery\n\n\n"
    "class AppSQLAlchemy(SQLAlchemy):\n{body}\n\n\n"
    "db = AppSQLAlchemy({arguments})\n"
)
PLAIN_BODY = "    def enforce(self):\n        self.session.flush()\n"


@pytest.mark.parametrize(
    ("body", "arguments", "session_fixable"),
    [
        (PLAIN_BODY, "query_class=HiddenQuery", False),
        (PLAIN_BODY, "model_class=declarative_base(cls=BaseModel, name='Model')", True),
        (
            "    def create_session(self, options):\n        return super().create_session(options)\n",
            "",
            False,
        ),
    ],
)
def test_a_subclass_of_sqlalchemy_sets_what_sqlalchemy_would(
    tmp_path: Path, body: str, arguments: str, session_fixable: bool
) -> None:
    """``db = AppSQLAlchemy(query_class=...)`` of a project's subclass sets the query class as
    ``SQLAlchemy(...)`` would, ``model_class=declarative_base(cls=X)`` makes ``X`` the base of
    every model, and a subclass that overrides how sessions are made may change every query."""
    init = SUBCLASS.format(body=body, arguments=arguments)
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n" + TAG
    files = {"app/__init__.py": init, "app/query.py": QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": VIEWS}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert not lines[6].fixable and not lines[10].fixable
    assert lines[14].fixable is session_fixable
    if "create_session" in body:
        assert "`AppSQLAlchemy` at app/__init__.py:12, whose `create_session()`" in lines[6].reason


def test_a_model_query_finds_db_made_by_a_subclass_of_sqlalchemy(tmp_path: Path) -> None:
    """``Model.query`` in a module without ``db``: the ``db`` a project's subclass of
    ``SQLAlchemy`` makes is imported, as ``db = SQLAlchemy()``'s would be."""
    init = SUBCLASS.format(body=PLAIN_BODY, arguments="")
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n"
    views = "from app.models import Post\n\n\ndef posts():\n    return Post.query.all()\n"
    files = {"app/__init__.py": init, "app/query.py": QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views})
    (change,) = result.changes
    assert "from app import db\n" in change.after.decode()
    assert "db.session.scalars(db.select(Post)).all()" in _flat(change.after.decode())


MODEL_HOOK = (
    "    def _make_declarative_base(self, model_class, disable_autonaming=False):\n"
    "        model = super()._make_declarative_base(model_class, disable_autonaming)\n"
    "        model.query_class = {query_class}\n"
    "        model.query = _QueryProperty()\n"
    "        return model\n"
)


@pytest.mark.parametrize(("query_class", "fixable"), [("self.Query", True), ("HiddenQuery", False)])
def test_a_subclass_that_makes_models_with_the_default_query_changes_no_query(
    tmp_path: Path, query_class: str, fixable: bool
) -> None:
    """A subclass whose ``_make_declarative_base()`` gives the model base a metaclass of its own
    and sets ``query_class = self.Query`` and ``query = _QueryProperty()`` as Flask-SQLAlchemy
    does changes no query (flask-shop's ``UnLockedAlchemy``); one that sets another query class
    stays reported. Its ``db`` is found whatever the subclass is called."""
    init = (
        "from flask_sqlalchemy import SQLAlchemy\n"
        "from flask_sqlalchemy.model import _QueryProperty\n\n"
        "from app.query import HiddenQuery\n\n\n"
        f"class UnlockedAlchemy(SQLAlchemy):\n{MODEL_HOOK.format(query_class=query_class)}\n\n"
        "db = UnlockedAlchemy()\n"
    )
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n"
    views = "from app.models import Post\n\n\ndef posts():\n    return Post.query.all()\n"
    files = {"app/__init__.py": init, "app/query.py": QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views}, apply=False)
    (violation,) = result.violations
    assert violation.fixable is fixable, violation.reason
    if not fixable:
        assert "whose `_make_declarative_base()` overrides" in violation.reason


def test_sessionmaker_query_cls_reports_session_queries(tmp_path: Path) -> None:
    """``sessionmaker(query_cls=...)``: every ``session.query()`` may build the custom class,
    which may change any query (a class attribute here; one that only adds methods is the
    case above)."""
    files = {
        "app/db.py": (
            "from sqlalchemy.orm import Query, sessionmaker\n\n\n"
            "class LiveQuery(Query):\n    _live = True\n\n\n"
            "SessionLocal = sessionmaker(query_cls=LiveQuery)\n"
        ),
        "app/repo.py": (
            "from sqlalchemy.orm import Session\n\n\n"
            "def jobs(session: Session):\n"
            "    return session.query(Job).all()\n"
        ),
    }
    result = _run(tmp_path, files)
    (violation,) = result.violations
    assert "sessionmaker(query_cls=LiveQuery)" in violation.reason
    assert result.changes == []


def test_query_subclass_methods_stay_reported(tmp_path: Path) -> None:
    """A method only the custom Query has (``visible()``) was already a manual case; still is."""
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n"
    views = "from app.models import Post\n\n\ndef f():\n    return Post.query.visible().all()\n"
    files = {"app/__init__.py": DB, "app/models.py": models, "app/views.py": views}
    (violation,) = _run(tmp_path, files).violations
    assert not violation.fixable and "custom Query" in violation.reason


HELPER_VIEWS = (
    "from app.models import Post\n\n\n"
    "def posts():\n"
    "    return Post.query.filter_by(id=1).all()\n\n\n"
    "def visible():\n"
    "    return Post.query.visible().all()\n"
)


@pytest.mark.parametrize(
    "setting", ["query_class = HelperQuery", "query = db.session.query_property(HelperQuery)"]
)
def test_a_query_class_that_only_adds_methods_keeps_other_queries_fixable(
    tmp_path: Path, setting: str
) -> None:
    """``HelperQuery`` only adds ``visible()``: a query that does not call it is the default query
    a ``select()`` replaces; one that calls it stays reported."""
    models = (
        "from app import db\nfrom app.query import HelperQuery\n\n\n"
        f"class Post(db.Model):\n    {setting}\n    id = db.Column(db.Integer, primary_key=True)\n"
    )
    files = {"app/__init__.py": DB, "app/query.py": HELPER_QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": HELPER_VIEWS})
    lines = _by_line(result, "app/views.py")
    assert lines[5].fixable
    assert not lines[9].fixable and "HelperQuery" in lines[9].reason
    (change,) = result.changes
    assert "db.session.scalars(db.select(Post).filter_by(id=1)).all()" in _flat(
        change.after.decode()
    ).replace(",", ", ")


def test_a_query_class_overriding_paginate_keeps_queries_that_do_not_paginate_fixable(
    tmp_path: Path,
) -> None:
    """indico's ``IndicoBaseQuery`` overrides ``paginate()`` (to show all rows on one page),
    which no other query method runs: a query that does not paginate is the default query; one
    that does stays reported, naming the class."""
    query = HELPER_QUERY + (
        "\n    def paginate(self, *, page=1, per_page=25, show_all=False):\n"
        "        return super().paginate(page=page, per_page=per_page)\n"
    )
    models = (
        "from app import db\nfrom app.query import HelperQuery\n\n\n"
        "class Post(db.Model):\n    query_class = HelperQuery\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    )
    views = (
        HELPER_VIEWS + "\n\ndef page():\n    return Post.query.paginate(page=2, show_all=True)\n"
    )
    files = {"app/__init__.py": DB, "app/query.py": query, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert lines[5].fixable
    assert not lines[13].fixable and "HelperQuery" in lines[13].reason


@pytest.mark.parametrize(
    "setting",
    [
        "db = SQLAlchemy(query_class=HelperQuery)",
        "db = SQLAlchemy(session_options={'query_cls': HelperQuery})",
    ],
)
def test_a_session_query_class_that_only_adds_methods_keeps_other_queries_fixable(
    tmp_path: Path, setting: str
) -> None:
    """The session's query class (Flask-SQLAlchemy's ``query_class=``, which ``Model.query``
    uses as well, or ``session_options={'query_cls': ...}``) only adds ``visible()``: a query
    that does not call it is the default query; one that calls it stays reported."""
    db = f"from flask_sqlalchemy import SQLAlchemy\n\nfrom app.query import HelperQuery\n\n{setting}\n"
    models = (
        "from app import db\n\n\n"
        "class Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
    )
    views = (
        "from app import db\nfrom app.models import Post\n\n\n"
        "def posts():\n    return db.session.query(Post).filter_by(id=1).all()\n\n\n"
        "def visible():\n    return db.session.query(Post).visible().all()\n\n\n"
        "def model_posts():\n    return Post.query.filter_by(id=1).all()\n"
    )
    files = {"app/__init__.py": db, "app/query.py": HELPER_QUERY, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert lines[6].fixable
    assert not lines[10].fixable and "HelperQuery" in lines[10].reason
    # `Model.query` runs the class Flask-SQLAlchemy's `query_class=` names (which only adds
    # methods) or, with only the session's set, the library's own
    assert lines[14].fixable


@pytest.mark.parametrize(
    ("overrides", "listener"),
    [
        ("    def first(self):\n        return None\n", ""),
        ("    def _hidden(self):\n        return None\n", ""),
        ("    _hidden = True\n", ""),
        ("", "@event.listens_for(HelperQuery, 'before_compile', retval=True)\n"),
        ("", "@event.listens_for(BaseQuery, 'before_compile', retval=True)\n"),
    ],
)
def test_a_query_class_that_changes_queries_stays_reported(
    tmp_path: Path, overrides: str, listener: str
) -> None:
    """An override of a query method that other methods run (``first()``, run by
    ``first_or_404()``), a private method, a class attribute, or a ``before_compile`` listener on
    the class (or on the library's own ``Query``, which every legacy query runs) may change every
    query: reported as before."""
    query = HELPER_QUERY + overrides
    events = (
        "from flask_sqlalchemy import BaseQuery\nfrom sqlalchemy import event\n\n"
        "from app.query import HelperQuery\n\n\n"
        + listener
        + "def hide(query):\n    return query\n"
    )
    models = (
        "from app import db\nfrom app.query import HelperQuery\n\n\n"
        "class Post(db.Model):\n    query_class = HelperQuery\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    )
    files = {
        "app/__init__.py": DB,
        "app/query.py": query,
        "app/events.py": events,
        "app/models.py": models,
    }
    result = _run(tmp_path, {**files, "app/views.py": HELPER_VIEWS}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert not lines[5].fixable
    assert "listens_for(" in lines[5].reason if listener else "HelperQuery" in lines[5].reason


#: the imports of a module that registers a listener of the legacy Query's events
LISTENS = "from sqlalchemy import event\nfrom sqlalchemy.orm import Query\n\n\n"


def _listened(tmp_path: Path, path: str, listener: str) -> RunResult:
    """A scan of ``VIEWS`` over ``Post`` and ``Tag`` models, with the module ``path`` that
    registers a listener (``listener``, after :data:`LISTENS`)."""
    models = "from app import db\n\n\nclass Post(db.Model):\n    id = db.Column(db.Integer)\n" + TAG
    files = {"app/__init__.py": DB, "app/models.py": models, path: LISTENS + listener}
    return _run(tmp_path, {**files, "app/views.py": VIEWS}, apply=False)


def test_a_before_compile_listener_on_query_reports_every_legacy_query(tmp_path: Path) -> None:
    """SQLAlchemy's soft-delete recipe: a ``before_compile`` listener on ``Query`` filters every
    legacy query, and no ``select()``: every query is reported, the listener named."""
    events = (
        "@event.listens_for(Query, 'before_compile', retval=True)\n"
        "def hide(query):\n    return query\n"
    )
    result = _listened(tmp_path, "app/events.py", events)
    lines = _by_line(result, "app/views.py")
    assert [lines[n].fixable for n in (6, 10, 14)] == [False, False, False]
    assert all("listens_for(Query, 'before_compile')" in lines[n].reason for n in (6, 10, 14))


@pytest.mark.parametrize(
    "registration",
    [
        "event.listen(Query, 'before_compile', counter.count)",
        "event.listen(Query, 'before_compile', counter.count, retval=False)",
    ],
)
def test_a_tests_listener_that_only_observes_legacy_queries_blocks_no_rewrite(
    tmp_path: Path, registration: str
) -> None:
    """A test that counts the queries a call compiles listens to ``before_compile`` without
    ``retval=True``: SQLAlchemy ignores what such a listener returns, so it changes no query and
    the queries are rewritten; a note names the test, which no longer sees them."""
    test = f"def test_posts_compile_once(counter):\n    {registration}\n    assert counter.calls == 1\n"
    result = _listened(tmp_path, "tests/test_posts.py", test)
    lines = _by_line(result, "app/views.py")
    assert [lines[n].fixable for n in (6, 10, 14)] == [True, True, True]
    assert [v for v in result.violations if v.path == "tests/test_posts.py"] == []
    (note,) = [n for n in result.notes if "`before_compile`" in n]
    assert ": tests/test_posts.py:6; listen to the session's `do_orm_execute`" in note


def test_a_listener_of_the_application_that_acts_on_each_query_reports_them(
    tmp_path: Path,
) -> None:
    """Without ``retval=True`` a listener cannot change a query, but one in the application's
    code may act on each (update a histogram before each bulk delete), which a rewritten
    statement would skip: every query is reported, the listener named."""
    events = (
        "def track(query, context):\n    pass\n\n\n"
        "event.listen(Query, 'before_compile_delete', track)\n"
    )
    result = _listened(tmp_path, "app/events.py", events)
    lines = _by_line(result, "app/views.py")
    assert [lines[n].fixable for n in (6, 10, 14)] == [False, False, False]
    assert all("listen(Query, 'before_compile_delete')" in lines[n].reason for n in (6, 10, 14))


def test_the_query_api_names_cover_the_installed_sqlalchemy() -> None:
    """A query class defining any public name of ``Query`` overrides it: the list must know every
    name the installed SQLAlchemy has (a new release adding one shows up here)."""
    from backfix.builtin_codemods.async_queries.mappings import QUERY_API_NAMES
    from sqlalchemy.orm import Query

    assert {name for name in dir(Query) if not name.startswith("_")} <= QUERY_API_NAMES


@pytest.mark.parametrize(
    ("base", "model"),
    [
        # one class sets both: its `query` attribute is the property, whatever `query_class` says
        ("", "    query_class = HelperQuery\n    query = db.session.query_property(HiddenQuery)\n"),
        # a base's property is still the `query` attribute of a model that sets `query_class`
        ("    query = db.session.query_property(HiddenQuery)\n", "    query_class = HelperQuery\n"),
    ],
)
def test_a_query_property_decides_over_a_query_class(tmp_path: Path, base: str, model: str) -> None:
    """Flask-SQLAlchemy's ``query_class`` only sets the class of its own ``query`` attribute, which
    ``query = ...query_property(X)`` replaces: ``HiddenQuery`` (which filters) decides, so the
    query is reported, and the reason names the property, not the helper query class."""
    query = "from flask_sqlalchemy import BaseQuery\n\n\n" + HELPER_QUERY.split("\n\n\n", 1)[1]
    query += "\n\n" + QUERY.split("\n\n\n", 1)[1]
    models = (
        "from app import db\nfrom app.query import HelperQuery, HiddenQuery\n\n\n"
        f"class Base(db.Model):\n    __abstract__ = True\n{base}\n\n"
        f"class Post(Base):\n{model}    id = db.Column(db.Integer, primary_key=True)\n"
    )
    views = "from app.models import Post\n\n\ndef posts():\n    return Post.query.filter_by(id=1).all()\n"
    files = {"app/__init__.py": DB, "app/query.py": query, "app/models.py": models}
    (violation,) = _run(tmp_path, {**files, "app/views.py": views}).violations
    assert not violation.fixable
    assert (
        "query_property(HiddenQuery)" in violation.reason and "HelperQuery" not in violation.reason
    )


def test_a_query_class_that_overrides_get_changes_only_the_queries_that_call_it(
    tmp_path: Path,
) -> None:
    """``ScopedQuery.get(owner, ident)`` replaces ``get()``, which no other query method runs
    but ``get_or_404()``: ``filter_by(...).all()`` is the default query, a ``select()`` replaces
    it; ``get()`` and ``get_or_404()`` stay reported, naming the method."""
    query = (
        "from flask_sqlalchemy import BaseQuery\n\n\n"
        "class ScopedQuery(BaseQuery):\n"
        "    def get(self, owner, ident):\n"
        "        return self.filter_by(owner=owner, id=ident).one_or_none()\n"
    )
    models = (
        "from app import db\nfrom app.query import ScopedQuery\n\n\n"
        "class Post(db.Model):\n    query_class = ScopedQuery\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    owner = db.Column(db.String)\n"
    )
    views = (
        "from app.models import Post\n\n\n"
        "def posts():\n"
        "    return Post.query.filter_by(owner='a').all()\n\n\n"
        "def one(owner, ident):\n"
        "    return Post.query.get(owner, ident)\n\n\n"
        "def found(ident):\n"
        "    return Post.query.get_or_404(ident)\n"
    )
    files = {"app/__init__.py": DB, "app/query.py": query, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views}, apply=False)
    lines = _by_line(result, "app/views.py")
    assert lines[5].fixable
    assert not lines[9].fixable and "whose `get()` this query calls" in lines[9].reason
    assert not lines[13].fixable and "whose `get()` this query calls" in lines[13].reason


@pytest.mark.parametrize(
    ("use", "fixable"),
    [("query.all()", True), ("query.get(owner)", False)],
)
def test_a_query_variable_stays_only_where_its_uses_call_what_the_query_class_overrides(
    tmp_path: Path, use: str, fixable: bool
) -> None:
    """A query variable's later calls are not in its code: its uses name them. ihatemoney's
    ``BillQuery`` overrides ``get()`` and ``delete()``; a variable whose only use runs
    ``.all()`` is the default query a ``select()`` replaces, one whose use calls ``get()``
    stays, naming it."""
    query = (
        "from flask_sqlalchemy import BaseQuery\n\n\n"
        "class RowQuery(BaseQuery):\n"
        "    def get(self, *args):\n"
        "        return self.filter_by(hidden=False).first()\n"
    )
    models = (
        "from app import db\nfrom app.query import RowQuery\n\n\n"
        "class Post(db.Model):\n    query_class = RowQuery\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
    )
    views = (
        "from app.models import Post\n\n\n"
        "def posts(owner):\n"
        "    query = Post.query.filter_by(id=owner)\n"
        f"    return {use}\n"
    )
    files = {"app/__init__.py": DB, "app/query.py": query, "app/models.py": models}
    result = _run(tmp_path, {**files, "app/views.py": views}, apply=False)
    (violation,) = _by_line(result, "app/views.py").values()
    assert violation.fixable is fixable
    if not fixable:
        assert "whose `get()` this query calls" in violation.reason


def test_a_method_no_query_has_tells_the_run_its_query_class_is_unseen(tmp_path: Path) -> None:
    """``Post.query.notempty()``: the models' query class comes from somewhere backfix cannot
    read (a library's model base). That chain is reported; the run's note says the plain chains
    that were rewritten assume the class adds no criteria of its own."""
    models = (
        "from library_mixins import ModelBase\n\n"
        "from app import db\n\n\n"
        "class Post(ModelBase, db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n"
        "    hidden = db.Column(db.Boolean)\n"
    )
    views = (
        "from app.models import Post\n\n\n"
        "def any_posts():\n"
        "    return Post.query.filter_by(hidden=False).notempty()\n\n\n"
        "def posts():\n"
        "    return Post.query.filter_by(id=1).all()\n"
    )
    files = {"app/__init__.py": DB, "app/models.py": models, "app/views.py": views}
    result = _run(tmp_path, files, apply=False)
    found = _by_line(result, "app/views.py")
    assert not found[5].fixable and "`.notempty()`" in (found[5].reason or "")
    assert found[9].fixable
    (note,) = [n for n in result.notes if "SQLAlchemy's `Query` does not have" in n]
    assert "call `.notempty()`" in note and "1 other `Model.query` chain(s)" in note
    plain = {**files, "app/views.py": views.replace(".notempty()", ".first()")}
    quiet = _run(tmp_path / "plain", plain, apply=False)
    assert not [n for n in quiet.notes if "SQLAlchemy's `Query` does not have" in n]
