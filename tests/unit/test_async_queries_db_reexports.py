"""Where a rewritten ``Model.query`` finds Flask-SQLAlchemy's ``db``: through a module the file
already imports when that module re-exports it (``models.db``, ``from app.models import Job, db``),
never through a module that merely uses it."""

from __future__ import annotations

import ast

import pytest
from backfix.builtin_codemods.async_queries.plan import _imports_db_from
from backfix.builtin_codemods.async_queries.rewrite import _read_as_module


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
