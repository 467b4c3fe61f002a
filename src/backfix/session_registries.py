"""Session registries a project defines at module level: ``Session = scoped_session(sessionmaker())``.

A ``scoped_session`` is a session to every caller (``model.Session.query(Package)``,
``meta.Session.commit()``), but a codemod's analysis of one file sees only ``model.Session``, a name
it cannot tell from any other object's. Before any file is analysed, the run reads the files that
call ``scoped_session(`` and takes the names they bind to one at module level, so that the codemods
treat those names as sessions, as they do the names the user lists in ``session_names``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from backfix.ast_utils import dotted, last_name
from backfix.project import is_test_module, module_name
from backfix.source import python_tree

#: the text a file must hold to define a registry (most files are never parsed)
_SCOPED_SESSION = re.compile(rb"scoped_session\s*\(")


def scoped_session_names(
    files: Iterable[str], read: Callable[[str], bytes | None]
) -> dict[str, str]:
    """Each name a module of ``files`` (not a test module) binds at module level to a
    ``scoped_session(...)`` call, with the first file that does; ``read`` gives a file's bytes
    (None: unreadable)."""
    found: dict[str, str] = {}
    for path in files:
        if is_test_module(path):
            continue
        raw = read(path)
        if raw is None or not _SCOPED_SESSION.search(raw):
            continue
        tree = python_tree(raw)
        for name in _registries(tree) if tree is not None else ():
            found.setdefault(name, path)
    return found


def _registries(tree: ast.Module) -> Iterable[str]:
    """The names ``tree`` binds at module level to a ``scoped_session(...)`` call (``Session =
    orm.scoped_session(...)``, ``Session: AlchemySession = scoped_session(...)``), also from a
    function that declares the name ``global`` (MindsDB's ``init()``: ``global session``,
    ``session = scoped_session(...)``)."""
    yield from _bound_to_registries(tree.body)
    for function in tree.body:
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            declared = {
                name
                for node in ast.walk(function)
                if isinstance(node, ast.Global)
                for name in node.names
            }
            if declared:
                statements = [n for n in ast.walk(function) if isinstance(n, ast.stmt)]
                yield from (n for n in _bound_to_registries(statements) if n in declared)


def _bound_to_registries(statements: Iterable[ast.stmt]) -> Iterable[str]:
    """The names ``statements`` assign a ``scoped_session(...)`` call to."""
    for stmt in statements:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Call)
            and last_name(value.func) == "scoped_session"
        ):
            yield target.id


def registry_options(
    listed: Sequence[str],
    known: Callable[[str], bool],
    files: Sequence[str],
    read: Callable[[str], bytes | None],
) -> tuple[dict[str, Any], list[str]]:
    """A codemod's ``session_names`` option with the project's registries added (those neither
    ``listed`` in it already nor ``known`` to the codemod as session names), and a note on each;
    nothing when there are none (see ``Codemod.project_options``)."""
    found = sorted(scoped_session_names(files, read).items())
    added = {name: path for name, path in found if name not in listed and not known(name)}
    if not added:
        return {}, []
    notes = [
        f"`{name}` is a session (`scoped_session(...)` in {path}): its queries and commits are "
        "treated as a session's, as if it were listed in `session_names`"
        for name, path in added.items()
    ]
    return {"session_names": (*listed, *added)}, notes


#: the names SQLAlchemy gives its session classes, which a project's own classes may reuse
SESSION_CLASS_NAMES = frozenset(
    {"Session", "AsyncSession", "scoped_session", "async_scoped_session"}
)

#: the packages a session class can derive from
_SESSION_PACKAGES = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy"})

#: the text a file must hold to define a class of such a name
_SESSION_CLASS = re.compile(rb"class\s+(?:Async)?Session\b|class\s+(?:async_)?scoped_session\b")


def foreign_session_classes(
    files: Sequence[str], read: Callable[[str], bytes | None]
) -> dict[str, str]:
    """The project's own classes named like a SQLAlchemy session class that are not one (test
    modules included: their helpers are called there), dotted (``app.tests.utils.AsyncSession``,
    the module named by its path), each with its file: a ``class AsyncSession(requests.Session)``
    or a mapped ``class Session(Base)``. A class may be a session when a base comes from
    SQLAlchemy, SQLModel or Flask-SQLAlchemy, or is named like a session and comes from the
    project (or is defined in the module itself)."""
    ours = _top_level_names(files)
    found: dict[str, str] = {}
    for path in files:
        raw = read(path)
        if raw is None or not _SESSION_CLASS.search(raw):
            continue
        tree = python_tree(raw)
        if tree is None:
            continue
        origins = _import_origins(tree)
        for node in tree.body:
            if (
                isinstance(node, ast.ClassDef)
                and node.name in SESSION_CLASS_NAMES
                and not any(_may_be_session(base, origins, ours) for base in node.bases)
            ):
                found.setdefault(f"{module_name(path)}.{node.name}", path)
    return found


def _top_level_names(files: Sequence[str]) -> set[str]:
    """The names the project's files can be imported under at the top (``app`` of
    ``app/models.py`` and of ``src/app/models.py``, ``manage`` of ``manage.py``)."""
    names: set[str] = set()
    for path in files:
        parts = PurePosixPath(path).with_suffix("").parts
        names.add(parts[0])
        if parts[0] == "src" and len(parts) > 1:
            names.add(parts[1])
    return names


def _import_origins(tree: ast.Module) -> dict[str, str]:
    """Each name the module's top-level imports bind → the top-level package it comes from ("."
    for a relative import)."""
    origins: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                origins[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            top = "." if node.level else (node.module or "").split(".")[0]
            for alias in node.names:
                origins[alias.asname or alias.name] = top
    return origins


def _may_be_session(base: ast.expr, origins: dict[str, str], ours: set[str]) -> bool:
    """Whether a base class may be a SQLAlchemy session: it comes from a session package, or it
    is named like one and is the project's own (imported from it, or not imported at all)."""
    origin = origins.get(dotted(base).split(".")[0], "")
    if origin in _SESSION_PACKAGES:
        return True
    return "session" in last_name(base).lower() and (origin in {"", "."} or origin in ours)


def names_foreign_class(dotted_name: str, foreign: Iterable[str]) -> bool:
    """Whether ``dotted_name`` (an imported ``module.Class``, or a module's own ``module.Class``)
    names one of the ``foreign`` classes: the same dotted name, or one ending in the other (a
    module's name from its path may start with folders its imports leave out: ``backend.app``)."""
    return any(
        dotted_name == name or dotted_name.endswith(f".{name}") or name.endswith(f".{dotted_name}")
        for name in foreign
    )
