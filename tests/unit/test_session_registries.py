"""The run finds the session registries a project binds at module level (``Session =
scoped_session(...)``) and hands them to the codemods as session names."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backfix.builtin_codemods.async_queries import AsyncQueries
from backfix.builtin_codemods.move_commits import MoveCommits

from backfix.runner import RunOptions, Workspace, run
from backfix.runs import CodemodSpec
from backfix.session_registries import (
    foreign_session_classes,
    names_foreign_class,
    scoped_session_names,
)

REGISTRIES = {
    "app/meta.py": "from sqlalchemy import orm\n\nSession = orm.scoped_session(orm.sessionmaker())\n",
    "app/db.py": "DBSession: object = scoped_session(sessionmaker())\n",
    # bound in a function, a test, or text that only mentions it: no registry of the project's
    "app/factory.py": "def build():\n    Local = scoped_session(sessionmaker())\n    return Local\n",
    "tests/conftest.py": "TestSession = scoped_session(sessionmaker())\n",
    "app/notes.py": "# Other = scoped_session(...)\nOther = make()\n",
    # MindsDB's `init()`: a module-level name a function binds through `global`
    "app/storage.py": (
        "session = None\n\n\ndef init(url):\n    global session\n"
        "    if url:\n        session = scoped_session(sessionmaker())\n"
    ),
}


def test_module_level_scoped_sessions_outside_tests_are_found() -> None:
    found = scoped_session_names(sorted(REGISTRIES), lambda p: REGISTRIES[p].encode())
    assert found == {
        "DBSession": "app/db.py",
        "Session": "app/meta.py",
        "session": "app/storage.py",
    }


def test_async_queries_reads_a_registry_through_its_module(tmp_path: Path) -> None:
    """``db.session.query(db.Item)``, ``session`` a registry of ``app/storage/db.py`` that
    ``init()`` binds: a session's query, rewritten, whatever name the registry has (``session``
    is a name the analysis knows only when it stands alone)."""
    files = {
        "app/__init__.py": "",
        "app/storage/__init__.py": "",
        "app/storage/db.py": (
            "from sqlalchemy import Column, Integer, create_engine\n"
            "from sqlalchemy.orm import declarative_base, scoped_session, sessionmaker\n\n"
            "Base = declarative_base()\n"
            "session = None\n\n\n"
            "def init(url):\n"
            "    global session\n"
            "    session = scoped_session(sessionmaker(bind=create_engine(url)))\n\n\n"
            "class Item(Base):\n    __tablename__ = 'items'\n"
            "    id = Column(Integer, primary_key=True)\n"
        ),
        "app/items.py": (
            "from app.storage import db\n\n\n"
            "def every():\n"
            "    return db.session.query(db.Item).all()\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(AsyncQueries, "async-queries", ())
    result = run(Workspace(root=tmp_path), RunOptions(specs=[spec], paths=[tmp_path], apply=True))
    (change,) = result.changes
    assert "return db.session.scalars(select(db.Item)).all()\n" in change.after.decode()
    assert any("`session` is a session (`scoped_session(...)` in app/storage/db.py)" in note
               for note in result.notes)  # fmt: skip


def test_move_commits_counts_a_registrys_commit_in_a_route(tmp_path: Path) -> None:
    """``model.Session.commit()`` in a route, ``Session`` a ``scoped_session`` of the project's:
    a session's commit, moved like ``db.session.commit()``."""
    files = {
        "app/__init__.py": "",
        "app/model.py": "from sqlalchemy.orm import scoped_session, sessionmaker\n\n"
        "Session = scoped_session(sessionmaker())\n",
        "app/views.py": textwrap.dedent(
            """\
            from flask import Blueprint, request

            from app import model

            bp = Blueprint("jobs", __name__)


            @bp.post("/jobs/<int:job_id>")
            def rename(job_id):
                job = model.Session.get(model.Job, job_id)
                job.title = request.form["title"]
                model.Session.commit()
                return "ok"
            """
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    spec = CodemodSpec(MoveCommits, "move-commits")
    result = run(Workspace(root=tmp_path), RunOptions(specs=[spec], paths=[tmp_path], jobs=1))
    assert [(v.path, v.line, v.fixable) for v in result.violations] == [("app/views.py", 12, True)]
    assert any(note.startswith("`Session` is a session") for note in result.notes)


SESSION_NAMED_CLASSES = {
    # a requests session of the tests' own, a mapped model, a plain dict: none is a session
    "app/tests/helpers.py": "import requests\n\n\nclass AsyncSession(requests.Session):\n    pass\n",
    "app/cinema.py": "from app.base import Base\n\n\nclass Session(Base):\n    __tablename__ = 's'\n",
    "app/web.py": "class Session(dict):\n    pass\n",
    # SQLAlchemy's own, or a project base that may be one: a session
    "app/db.py": "from sqlalchemy.orm import Session as _S\n\n\nclass Session(_S):\n    pass\n",
    "app/db2.py": "from app.base import BaseSession\n\n\nclass AsyncSession(BaseSession):\n    pass\n",
    "app/db3.py": "from sqlalchemy import orm\n\n\nclass Session(orm.Session):\n    pass\n",
}


def test_classes_named_like_a_session_that_are_none_are_found() -> None:
    found = foreign_session_classes(
        sorted(SESSION_NAMED_CLASSES), lambda p: SESSION_NAMED_CLASSES[p].encode()
    )
    assert found == {
        "app.cinema.Session": "app/cinema.py",
        "app.tests.helpers.AsyncSession": "app/tests/helpers.py",
        "app.web.Session": "app/web.py",
    }


def test_a_foreign_class_is_matched_by_the_dotted_names_modules_give_it() -> None:
    foreign = ["backend.app.http.AsyncSession"]
    assert names_foreign_class("app.http.AsyncSession", foreign)
    assert names_foreign_class("backend.app.http.AsyncSession", foreign)
    assert not names_foreign_class("app.db.AsyncSession", foreign)
    assert not names_foreign_class("http.AsyncSessionX", foreign)
