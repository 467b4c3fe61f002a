"""Names a module binds, so the names a rewrite adds never clash with the module's own.

Shared by every codemod that brings a name into a module (an import, a logger). A module that
defines ``def delete(...)`` (or imports another ``select``, or has a parameter called ``func``)
would have its name shadowed by ``from sqlalchemy import delete``, or shadow it: the rewrite then
imports ``delete as sa_delete`` instead. Without the places the new names are used, names are
collected from the whole module, every scope included, which can only make the tool alias more
often than strictly needed; with them (:func:`import_aliases` ``uses``), a name bound only in a
class body (a method called ``delete``) or a function counts only where it is visible.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import libcst as cst

from backfix.ast_utils import normalized_identifiers
from backfix.cst_walk import WalkVisitor, walk

#: the prefix an aliased import gets, per module it comes from.
PREFIXES = {"sqlalchemy": "sa_", "sqlalchemy.engine": "sa_", "flask": "flask_", "typing": "typing_"}

#: the modules that give the same objects under the same names as a module (SQLAlchemy's
#: ``select`` is ``sqlalchemy.sql.select`` and, on 2.0, ``sqlalchemy.future.select``): a module
#: that imports ``select`` from one of them has the ``select`` a rewrite wants.
SAME_NAMES = {"sqlalchemy": ("sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.future")}

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
        _bind_node(node, bound)
    return bound


def _bind_node(node: ast.AST, bound: Bindings) -> None:
    """Add the names ``node`` binds by itself (not those of its children) to ``bound``."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        _import_bindings(node, bound)
        return
    for target in _targets_of(node):
        _bind_targets(target, bound)
    for name in _named(node):
        bound.setdefault(name, set()).add(None)


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


@dataclass(frozen=True)
class Scope:
    """A function (or lambda) or class body: its lines and the names bound directly in it."""

    first: int
    last: int
    is_class: bool
    names: frozenset[str]

    def holds(self, line: int) -> bool:
        """True when ``line`` is inside the definition."""
        return self.first <= line <= self.last


@dataclass(frozen=True)
class ScopedBindings:
    """What the module itself binds, and what each function and class body binds."""

    module: Bindings
    scopes: tuple[Scope, ...]

    def visible_at(self, line: int) -> set[str]:
        """Local names that would shadow a module-level name used on ``line``: those of every
        enclosing function, and of the class body when the line is directly in it (a class body's
        names are not visible inside its methods)."""
        enclosing = sorted(
            (scope for scope in self.scopes if scope.holds(line)), key=lambda s: s.first
        )
        names: set[str] = set()
        for index, scope in enumerate(enclosing):
            if not scope.is_class or index == len(enclosing) - 1:
                names |= scope.names
        return names


_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _direct_bindings(nodes: Iterable[ast.AST]) -> Bindings:
    """Names bound by ``nodes`` and what they hold, not looking inside nested definitions."""
    bound: Bindings = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        _bind_node(node, bound)
        if not isinstance(node, (*_SCOPE_NODES, ast.Import, ast.ImportFrom)):
            stack.extend(ast.iter_child_nodes(node))
    return bound


def _scope_of(node: ast.AST) -> Scope:
    """The lines and direct bindings of a function, lambda or class."""
    inner: list[ast.AST] = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        inner.append(node.args)
    body = node.body  # type: ignore[attr-defined]
    inner.extend(body if isinstance(body, list) else [body])
    names = frozenset(_direct_bindings(inner))
    last = node.end_lineno or node.lineno  # type: ignore[attr-defined]
    return Scope(node.lineno, last, isinstance(node, ast.ClassDef), names)  # type: ignore[attr-defined]


def function_bindings(node: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """The names a function binds directly: its parameters and what its body binds outside
    nested definitions (``global`` names included)."""
    return _scope_of(node).names


def scoped_bindings(tree: ast.Module) -> ScopedBindings:
    """The module's own bindings (``global`` declarations included) and every scope's."""
    module = _direct_bindings(tree.body)
    scopes: list[Scope] = []
    for node in ast.walk(tree):
        if isinstance(node, _SCOPE_NODES):
            scopes.append(_scope_of(node))
        elif isinstance(node, ast.Global):
            for name in node.names:
                module.setdefault(name, set()).add(None)
    return ScopedBindings(module, tuple(scopes))


def _scoped(text: str) -> ScopedBindings | None:
    """:func:`scoped_bindings` of ``text`` when `ast` reads its names as LibCST does."""
    if normalized_identifiers(text):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of the user's code are not ours
        try:
            return scoped_bindings(ast.parse(text))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def shadowed_lines(text: str, name: str, lines: Collection[int]) -> set[int]:
    """The ``lines`` of the module ``text`` where a local binding of ``name`` (a parameter, an
    assignment anywhere in an enclosing function) hides the module's ``name``: all of them when
    the module's names cannot be read the cheap way."""
    scoped = _scoped(text)
    if scoped is None:
        return set(lines)
    return {line for line in lines if name in scoped.visible_at(line)}


def import_aliases(
    module: cst.Module,
    wanted: Mapping[str, str],
    text: str | None = None,
    uses: Collection[int] | None = None,
    bound: Bindings | None = None,
) -> dict[str, str]:
    """Imported name → the local name to use for it in ``module`` (whose code is ``text``, when
    given: the names are then read the cheap way, :func:`module_bound_names`; ``bound``: those
    names, where the caller has read them already).

    A name the module already imports from the same place keeps that local name (``delete as
    sa_delete`` included); a name the module binds to anything else gets a prefixed alias. With
    ``text`` and ``uses`` (the lines where the imported names will be used), a name bound only
    in functions and class bodies clashes only when it is visible on one of those lines.
    """
    scoped = _scoped(text) if text is not None and uses is not None else None
    if bound is None:
        bound = bound_names(module) if text is None else module_bound_names(module, text)
    if scoped is None:
        return _aliases(wanted, bound, set(), bound)
    shadowing = {name for line in uses or () for name in scoped.visible_at(line)}
    return _aliases(wanted, scoped.module, shadowing, bound)


def _aliases(
    wanted: Mapping[str, str], module: Bindings, shadowing: set[str], everywhere: Bindings
) -> dict[str, str]:
    """The local name of each wanted name: ``module`` holds the module-level bindings,
    ``shadowing`` the local names visible where the names are used, ``everywhere`` every name a
    new alias must avoid."""
    aliases: dict[str, str] = {}
    for name, source in wanted.items():
        origin = (source, name)
        same = {(other, name) for other in (source, *SAME_NAMES.get(source, ()))}

        def taken(
            local: str, origin: tuple[str, str] = origin, same: set[tuple[str, str]] = same
        ) -> bool:
            return local in shadowing or not module.get(local, {origin}) <= same

        clean = [local for local, how in module.items() if how & same and not taken(local)]
        if clean:
            aliases[name] = name if name in clean else sorted(clean)[0]
            continue
        if not taken(name):
            aliases[name] = name
            continue
        alias = PREFIXES.get(source, "_") + name
        counter = 2
        while alias in everywhere or alias in module:
            alias = f"{PREFIXES.get(source, '_')}{name}_{counter}"
            counter += 1
        aliases[name] = alias
    return aliases


def imported_alike(bound: Bindings, local: str, source: str, name: str) -> bool:
    """Whether the module (its :func:`bound_names` ``bound``) binds ``local`` only by importing
    ``name`` from a module that gives the same object as ``source`` does (``from sqlalchemy.sql
    import select`` for SQLAlchemy's ``select``): the rewrite needs no import of its own."""
    how = bound.get(local, set())
    return bool(how) and how <= {(other, name) for other in SAME_NAMES.get(source, ())}
