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
from typing import Any

from backfix.ast_utils import last_name
from backfix.project import is_test_module
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
    orm.scoped_session(...)``, ``Session: AlchemySession = scoped_session(...)``)."""
    for stmt in tree.body:
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
