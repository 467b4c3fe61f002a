"""Where a rewritten ``Model.query`` finds Flask-SQLAlchemy's ``db``: through a module the file
already imports when that module re-exports it (``models.db``, ``from app.models import Job, db``),
never through a module that merely uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries.plan import _imports_db_from
from backfix.builtin_codemods.async_queries.rewrite import _read_as_module
from testkit import write_files

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import RunResult
from backfix.runner import CodemodSpec, RunOptions, run


@pytest.mark.parametrize(
    ("path", "text", "typed", "expected"),
    [
        # a package's facade: re-exported where no type checker asks for it explicitly
        ("app/models/__init__.py", "from .base import Column, db\n", False, True),
        ("app/models/__init__.py", "from .base import Column, db\n", True, False),
        ("app/models/__init__.py", "from .base import db as db\n", True, True),
        ("app/models/__init__.py", "from .base import db\n__all__ = ['db', 'Job']\n", True, True),
        # a module that uses `db` for its own models does not re-export it
        ("app/models/jobs.py", "from app.models.base import db\n", False, False),
        ("app/models/__init__.py", "from .base import db as database\n", False, False),
        ("app/models/__init__.py", "from .other import db\n", False, False),
        ("app/models/__init__.py", "def f():\n    from .base import db\n", False, False),
    ],
)
def test_a_module_re_exports_db_only_as_a_facade_or_explicitly(
    path: str, text: str, typed: bool, expected: bool
) -> None:
    tree = ast.parse(text)
    assert _imports_db_from(tree, path, "app.models.base", typed=typed) is expected


def test_a_module_name_is_read_as_a_module_whatever_its_comments_say() -> None:
    text = (
        "from app import models\n\n\n"
        "def f():\n"
        "    # TODO: move to models\n"
        "    return models.db.session\n"
    )
    assert _read_as_module(text, "models")
    assert not _read_as_module(text + "\n\nmodels = None\n", "models")
    assert not _read_as_module(text + "\n\nLABEL = 'models'\n", "models")


FSA_MODELS = (
    "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
    "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
)
TEAM_MODELS = (
    "from app.models import db\n\n\n"
    "class Team(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
)
#: a blueprint package that imports its views before it binds `db` (CTFd's admin package)
ADMIN_PACKAGE = (
    "from flask import Blueprint\n\n"
    'admin = Blueprint("admin", __name__)\n\n'
    "from app.admin import teams, users  # noqa: E402,F401\n"
    "from app.models import db  # noqa: E402\n"
)


def _apply(tmp_path: Path, files: dict[str, str]) -> RunResult:
    """async-queries in sync mode, applied to the project of ``files``, without errors."""
    write_files(tmp_path, files)
    spec = CodemodSpec(get_codemod("async-queries"), "async-queries", (("mode", "sync"),))
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[spec], paths=[tmp_path], apply=True, jobs=1),
    )
    assert not result.errors, result.errors
    return result


def test_db_is_never_imported_from_the_package_that_holds_the_file(tmp_path: Path) -> None:
    """``from app.admin import admin, db`` in ``app/admin/users.py`` raised ImportError (a
    circular import: the package binds ``db`` after it imports its views), and every CTFd test
    failed. ``db`` comes from the module that defines it, beside the names the file already
    imports from there."""
    files = {
        "app/__init__.py": "",
        "app/models.py": FSA_MODELS,
        "app/team_models.py": TEAM_MODELS,
        "app/admin/__init__.py": ADMIN_PACKAGE,
        "app/admin/users.py": (
            "from app.admin import admin\nfrom app.models import User\n\n\n"
            '@admin.route("/users")\ndef users():\n    return User.query.filter_by(id=1).first()\n'
        ),
        "app/admin/teams.py": (
            "from app.admin import admin\nfrom app.team_models import Team\n\n\n"
            '@admin.route("/teams")\ndef teams():\n    return Team.query.all()\n'
        ),
    }
    result = _apply(tmp_path, files)
    after = {c.path: c.after.decode() for c in result.changes}
    users, teams = after["app/admin/users.py"], after["app/admin/teams.py"]
    assert "from app.admin import admin\nfrom app.models import User, db\n" in users
    assert "from app.admin import admin\nfrom app.models import db\n" in teams


def test_a_chain_that_reads_neither_session_nor_db_imports_no_db(tmp_path: Path) -> None:
    """In a module that spells SQLAlchemy's names through ``sqlalchemy`` (``from sqlalchemy
    import func``), a query built only to be nested in another statement (``.exists()``)
    becomes ``select(...)``, which reads no ``db``: importing ``db`` would leave it unused."""
    files = {
        "app/__init__.py": "",
        "app/models.py": FSA_MODELS,
        "app/checks.py": (
            "from sqlalchemy import func\n\nfrom app.models import User\n\n\n"
            "def named(name):\n"
            "    return User.query.filter(func.lower(User.id) == name).exists()\n"
        ),
    }
    result = _apply(tmp_path, files)
    (change,) = result.changes
    after = change.after.decode()
    assert "select(User).where(func.lower(User.id) == name).exists()" in after
    assert "db" not in after.replace("models", "")
