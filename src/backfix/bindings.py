"""Names a module binds, so the names a rewrite adds never clash with the module's own.

Shared by every codemod that brings a name into a module (an import, a logger). A module that defines ``def delete(...)`` (or imports another ``select``, or has a parameter called
``func``) would have its name shadowed by ``from sqlalchemy import delete``, or shadow it: the
rewrite then imports ``delete as sa_delete`` instead. Names are collected from the whole module,
every scope included, which can only make the tool alias more often than strictly needed.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping

import libcst as cst

from backfix.ast_utils import normalized_identifiers
from backfix.cst_walk import WalkVisitor, walk

#: the prefix an aliased import gets, per module it comes from.
PREFIXES = {"sqlalchemy": "sa_", "flask": "flask_"}

#: name → how each binding of it came: ``(module, name)`` for a ``from`` import, None otherwise.
Bindings = dict[str, set[tuple[str, str] | None]]


class BindingCollector(WalkVisitor):
    """Every name bound anywhere, with the ``(module, name)`` it was imported as (or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.bound: dict[str, set[tuple[str, str] | None]] = {}

    def _bind(self, name: str, origin: tuple[str, str] | None = None) -> None:
        self.bound.setdefault(name, set()).add(origin)

    def _targets(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self._bind(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            if alias.asname is not None:
                self._targets(alias.asname.name)
            else:
                self._bind(cst.Module([]).code_for_node(alias.name).split(".")[0])
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if isinstance(node.names, cst.ImportStar):
            return False
        module = cst.Module([]).code_for_node(node.module) if node.module else ""
        for alias in node.names:
            name = cst.Module([]).code_for_node(alias.name)
            local = alias.asname.name if alias.asname else alias.name
            if isinstance(local, cst.Name):
                self._bind(local.value, None if node.relative else (module, name))
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value)

    def visit_Param(self, node: cst.Param) -> None:
        self._bind(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._targets(node.name)  # `with ... as x`, `except E as x` (imports are handled above)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind(item.name.value)


def bound_names(module: cst.CSTNode) -> Bindings:
    """Name → how it is bound: ``(module, name)`` for a ``from`` import, None for anything else."""
    visitor = BindingCollector()
    walk(module, visitor)
    return visitor.bound


def _bind_targets(target: ast.expr, bound: Bindings) -> None:
    """:meth:`BindingCollector._targets` over `ast`: names, through tuples, lists and stars."""
    if isinstance(target, ast.Name):
        bound.setdefault(target.id, set()).add(None)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_targets(element, bound)
    elif isinstance(target, ast.Starred):
        _bind_targets(target.value, bound)


def _import_bindings(node: ast.Import | ast.ImportFrom, bound: Bindings) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            bound.setdefault(name, set()).add(None)
        return
    for alias in node.names:
        if alias.name == "*":
            return
        origin = None if node.level else (node.module or "", alias.name)
        bound.setdefault(alias.asname or alias.name, set()).add(origin)


def _targets_of(node: ast.AST) -> list[ast.expr]:
    """The binding targets ``node`` holds, as :class:`BindingCollector` visits them."""
    kind = type(node)
    if kind is ast.Assign:
        return node.targets  # type: ignore[attr-defined,no-any-return]
    if kind in (
        ast.AnnAssign,
        ast.AugAssign,
        ast.NamedExpr,
        ast.For,
        ast.AsyncFor,
        ast.comprehension,
    ):
        return [node.target]  # type: ignore[attr-defined]
    if kind is ast.withitem and node.optional_vars is not None:  # type: ignore[attr-defined]
        return [node.optional_vars]  # type: ignore[attr-defined]
    return []


def _named(node: ast.AST) -> list[str]:
    """Names ``node`` binds by itself: a definition's, a parameter's, a handler's, ``global``'s."""
    kind = type(node)
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return [node.name]  # type: ignore[attr-defined]
    if kind is ast.arg:
        return [node.arg]  # type: ignore[attr-defined]
    if kind is ast.ExceptHandler and node.name:  # type: ignore[attr-defined]
        return [node.name]  # type: ignore[attr-defined]
    if kind is ast.Global:
        return node.names  # type: ignore[attr-defined,no-any-return]
    return []


def ast_bound_names(tree: ast.AST) -> Bindings:
    """:func:`bound_names` read from Python's `ast` tree of the same code.

    The same rules over the other tree type (``nonlocal`` and match-pattern captures bind nothing
    there either); only where `ast` reads identifiers as LibCST does (see
    :func:`module_bound_names`).
    """
    bound: Bindings = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _import_bindings(node, bound)
            continue
        for target in _targets_of(node):
            _bind_targets(target, bound)
        for name in _named(node):
            bound.setdefault(name, set()).add(None)
    return bound


def module_bound_names(module: cst.Module, text: str) -> Bindings:
    """:func:`bound_names` of ``module``, whose code is ``text``, from `ast` where it reads the
    names alike (no identifier Python normalizes): about a tenth of the cost of a LibCST walk."""
    if not normalized_identifiers(text):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of the user's code are not ours
            try:
                return ast_bound_names(ast.parse(text))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass  # newer grammar than this interpreter's, or too deep: LibCST reads it
    return bound_names(module)


def import_aliases(
    module: cst.Module, wanted: Mapping[str, str], text: str | None = None
) -> dict[str, str]:
    """Imported name → the local name to use for it in ``module`` (whose code is ``text``, when
    given: the names are then read the cheap way, :func:`module_bound_names`).

    A name the module already imports from the same place keeps that local name (``delete as
    sa_delete`` included); a name the module binds to anything else gets a prefixed alias.
    """
    bound = bound_names(module) if text is None else module_bound_names(module, text)
    aliases: dict[str, str] = {}
    for name, source in wanted.items():
        existing = [local for local, how in bound.items() if (source, name) in how]
        clean = [local for local in existing if bound[local] == {(source, name)}]
        if clean:
            aliases[name] = name if name in clean else sorted(clean)[0]
            continue
        if bound.get(name, {(source, name)}) <= {(source, name)}:
            aliases[name] = name
            continue
        alias = PREFIXES.get(source, "_") + name
        counter = 2
        while alias in bound:
            alias = f"{PREFIXES.get(source, '_')}{name}_{counter}"
            counter += 1
        aliases[name] = alias
    return aliases
