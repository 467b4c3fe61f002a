"""async-queries: the bases outside the project that a method may override."""

from __future__ import annotations

import ast

import pytest
from backfix.builtin_codemods.async_queries.external_bases import ExternalBases

#: the project's files; any other module is outside the project
PROJECT = {
    "app/base.py": "import logging\n\n\nclass AppHandler(logging.Handler):\n    pass\n",
    "app/repo.py": "class Repo:\n    pass\n",
}


def _locate(path: str, level: int, module: str) -> str | None:
    if level:
        return ""
    rel = module.replace(".", "/") + ".py"
    return rel if rel in PROJECT else None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "import logging\n\n\nclass H(logging.Handler):\n    def emit(self, r): ...\n",
            "logging.Handler",
        ),
        ("from celery import Task\n\n\nclass T(Task):\n    def emit(self, r): ...\n", "Task"),
        (
            "from app.base import AppHandler\n\n\nclass H(AppHandler):\n    def emit(self, r): ...\n",
            "logging.Handler",
        ),
        ("from app.repo import Repo\n\n\nclass R(Repo):\n    def emit(self, r): ...\n", ""),
        (
            "from typing import Generic, TypeVar\nT = TypeVar('T')\n\n\nclass R(Generic[T]):\n    def emit(self, r): ...\n",
            "",
        ),
        (
            "from pydantic import BaseModel\n\n\nclass M(BaseModel):\n    def emit(self, r): ...\n",
            "",
        ),
        (
            "from sqlalchemy.orm import DeclarativeBase\n\n\nclass B(DeclarativeBase):\n    def emit(self, r): ...\n",
            "",
        ),
        ("class E(Exception):\n    def emit(self, r): ...\n", ""),
        (
            "import logging\n\n\nclass A(logging.Handler):\n    pass\n\n\nclass H(A):\n    def emit(self, r): ...\n",
            "logging.Handler",
        ),
        (
            "from .base import AppHandler\n\n\nclass H(AppHandler):\n    def emit(self, r): ...\n",
            "",
        ),
        ("class H(H):\n    def emit(self, r): ...\n", ""),
    ],
)
def test_the_base_outside_the_project(code: str, expected: str) -> None:
    """Library bases are found directly and through the project's own classes; the project's,
    typing's, Pydantic's, SQLAlchemy's declarative bases and builtins are not; a relative import
    is the project's (it is not followed)."""
    files = {**PROJECT, "app/handlers.py": code}
    bases = ExternalBases(lambda path: ast.parse(files[path]), _locate)
    name = next(n.name for n in reversed(ast.parse(code).body) if isinstance(n, ast.ClassDef))
    assert bases.of_method("app/handlers.py", f"{name}.emit") == expected
    assert bases.of_method("app/handlers.py", f"{name}._emit") == ""
    assert bases.of_method("app/handlers.py", "emit") == ""
