"""Request objects that a project module of its own provides.

``current_user`` imported from the project (``from .cw_login import current_user``, a vendored
copy of Flask-Login; ``from ckan.common import request``) is the request's user or the request,
as Flask's and Flask-Login's own are: a service cannot read it outside the request, so the route
passes what the service needs. A name counts when the project's module imports it from a web
framework, binds it to a ``LocalProxy`` (or an instance of a class deriving from one), or to
``cast(..., <such a name>)``, through up to three modules that import it from each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from backfix.project import ProjectContext

from .frameworks import FRAMEWORK_ROOTS

#: the request-bound objects looked up through the project's modules (not ``session``, which
#: in a project's own module is as often its database session).
PROXY_NAMES = {
    "request": "flask.request",
    "g": "flask.g",
    "current_app": "flask.current_app",
    "current_user": "flask_login.current_user",
}
#: modules followed from the route module to the definition.
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Proxies:
    """The request objects a module imports from the project's own modules."""

    #: the imported name as LibCST qualifies it (``.cw_login.current_user``) → the framework
    #: name it stands for (``flask_login.current_user``)
    qualified: dict[str, str] = field(default_factory=dict)
    #: the names the module binds them to
    local_names: frozenset[str] = frozenset()


def project_proxies(tree: ast.Module, path: str, project: ProjectContext) -> Proxies:
    """The request objects that the module at ``path`` (its `ast` ``tree``) imports at module
    level from the project's own modules."""
    qualified: dict[str, str] = {}
    local: set[str] = set()
    for node in _module_level(tree.body):
        if not isinstance(node, ast.ImportFrom) or _from_framework(node):
            continue
        for alias in node.names:
            if alias.name not in PROXY_NAMES:
                continue
            target = _resolve(project, path, node, alias.name, 0)
            if target is not None:
                qualified[_qualified(node, alias.name)] = target
                local.add(alias.asname or alias.name)
    return Proxies(qualified, frozenset(local))


def _qualified(node: ast.ImportFrom, name: str) -> str:
    """How LibCST qualifies ``name`` imported by ``node``: ``..a.b.g`` for ``from ..a.b import g``."""
    module = f"{node.module}." if node.module else ""
    return "." * node.level + module + name


def _from_framework(node: ast.ImportFrom) -> bool:
    return node.level == 0 and (node.module or "").split(".")[0] in FRAMEWORK_ROOTS


def _resolve(
    project: ProjectContext, path: str, node: ast.ImportFrom, name: str, depth: int
) -> str | None:
    """The framework name that ``name``, imported by ``node`` in ``path``, stands for; None when
    it is no request object or is not found in the project within the depth."""
    target = project.resolve_import(path, node.level, node.module or "")
    found = (
        next((c for c in target.candidates if project.read(c) is not None), None)
        if target
        else None
    )
    tree = project.tree(found) if found is not None else None
    if found is None or tree is None:
        return None
    binding = _last_binding(tree.body, name)
    if isinstance(binding, ast.ImportFrom):
        imported = next(a.name for a in binding.names if (a.asname or a.name) == name)
        if _from_framework(binding):
            return f"{binding.module}.{imported}" if imported in PROXY_NAMES else None
        if depth + 1 >= _MAX_DEPTH:
            return None
        return _resolve(project, found, binding, imported, depth + 1)
    if binding is not None and _is_proxy_value(tree, binding):
        return PROXY_NAMES[name]
    return None


def _last_binding(body: Sequence[ast.stmt], name: str) -> ast.ImportFrom | ast.expr | None:
    """What the module-level statements ``body`` last bind ``name`` to: the import, or the
    assigned value."""
    found: ast.ImportFrom | ast.expr | None = None
    for stmt in _module_level(body):
        if isinstance(stmt, ast.ImportFrom):
            if any((a.asname or a.name) == name for a in stmt.names):
                found = stmt
        else:
            found = _assigned(stmt, name) or found
    return found


def _assigned(stmt: ast.stmt, name: str) -> ast.expr | None:
    """The value ``stmt`` assigns to the plain name ``name``, if it does."""
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets = [stmt.target]
    else:
        return None
    named = any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return stmt.value if named else None


def _module_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported, also in ``if``/``try`` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _module_level(stmt.body)
            yield from _module_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse):
                yield from _module_level(block)
        else:
            yield stmt


def _is_proxy_value(tree: ast.Module, value: ast.expr) -> bool:
    """``LocalProxy(...)``, an instance of a module class deriving from ``LocalProxy``, or
    ``cast(T, x)`` (or plain ``x``) of a name the module imports from a framework as a request
    object."""
    if isinstance(value, ast.Call) and _callee(value.func) == "cast" and len(value.args) == 2:
        value = value.args[1]
    if isinstance(value, ast.Name):
        binding = _last_binding(tree.body, value.id)
        if not isinstance(binding, ast.ImportFrom) or not _from_framework(binding):
            return False
        imported = next(a.name for a in binding.names if (a.asname or a.name) == value.id)
        return imported in PROXY_NAMES
    if not isinstance(value, ast.Call):
        return False
    callee = _callee(value.func)
    return callee == "LocalProxy" or callee in _proxy_classes(tree)


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _proxy_classes(tree: ast.Module) -> set[str]:
    """The module's classes that derive from ``LocalProxy`` (``LocalProxy[Request]`` too)."""
    found: set[str] = set()
    for stmt in tree.body:
        if not isinstance(stmt, ast.ClassDef):
            continue
        for base in stmt.bases:
            named = base.value if isinstance(base, ast.Subscript) else base
            if _callee(named) in {"LocalProxy", *found}:
                found.add(stmt.name)
    return found
