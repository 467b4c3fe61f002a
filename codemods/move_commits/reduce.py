"""Which functions the analysis reads, decided from `ast`, so that it can run on a smaller module.

The analysis reads the functions that hold a ``.commit()`` call and, outside them, only module- and
class-level code, the headers of every function (decorators, names, parameters), and the whole
code of the definitions a unit reads by name (helpers and classes that may move, helpers that read
the request). A function is kept whole when it holds a commit, or anything the analysis looks for
in the whole module or that changes what names mean elsewhere: a nested definition (units are
numbered by their function's place among all functions), a view registration
(``add_url_rule``...), ``global``/``nonlocal``, a relative import, a ``before_request`` hook's body;
and, until nothing changes, every function or class named in kept code. Every other body is left
out (:func:`backfix.cst_reduce.reduce_source`), keeping every position of the rest.
"""

from __future__ import annotations

import ast

from backfix.cst_reduce import FunctionNode, reduce_source

#: set False to analyse whole modules (the equivalence test compares both).
REDUCE = True

_REGISTRARS = frozenset({"add_url_rule", "add_api_route", "add_resource"})
_HOOKS = frozenset({"before_request", "before_app_request"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _must_keep(function: FunctionNode) -> bool:
    """Whether the analysis reads the body of ``function`` whatever it is called."""
    if any(_last_name(d) in _HOOKS for d in function.decorator_list):
        return True
    for node in ast.walk(function):
        if node is function:
            continue
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "commit")
            or _last_name(node.func) in _REGISTRARS
        ):
            return True
        if isinstance(node, (*_DEFINITIONS, ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, ast.ImportFrom) and node.level:
            return True
    return False


def _names(node: ast.AST) -> set[str]:
    """Every name read or written in ``node`` (not attribute names: the analysis reads the code
    of a module-level definition a name refers to, never of a method)."""
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)}


class _Layout:
    """The outer functions of a module and the classes around them (not inside functions)."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions: list[FunctionNode] = []
        #: per outer function and per class (by ``id``): the classes around it, outermost first
        self.owners: dict[int, list[ast.ClassDef]] = {}
        self.classes: list[ast.ClassDef] = []
        self._visit(tree, [])

    def _visit(self, node: ast.AST, classes: list[ast.ClassDef]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.append(child)
                self.owners[id(child)] = classes
            elif isinstance(child, ast.ClassDef):
                self.classes.append(child)
                self.owners[id(child)] = classes
                self._visit(child, [*classes, child])
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                self._visit(child, classes)


def kept_functions(tree: ast.Module) -> set[int]:
    """The outer functions (by ``id``) whose bodies the analysis of ``tree`` may read: those it
    reads whatever they are called, then until nothing changes the functions outside classes
    named in kept code, and every method of a class named in it."""
    layout = _Layout(tree)
    kept = {id(f) for f in layout.functions if _must_keep(f)}
    names: set[str] = set()
    for function in layout.functions:
        if id(function) in kept:
            names |= _names(function)
    read: set[int] = set()  # classes
    changed = True
    while changed:
        changed = False
        for owner in layout.classes:
            around = layout.owners[id(owner)]
            if id(owner) not in read and (
                owner.name in names or any(id(c) in read for c in around)
            ):
                read.add(id(owner))
                names |= _names(owner)
                changed = True
        for function in layout.functions:
            if id(function) in kept:
                continue
            around = layout.owners[id(function)]
            if (not around and function.name in names) or any(id(c) in read for c in around):
                kept.add(id(function))
                names |= _names(function)
                changed = True
    return kept


def reduced_source(raw: bytes, tree: ast.Module | None) -> bytes | None:
    """``raw`` with the bodies the analysis does not read left out; None to analyse it whole."""
    if not REDUCE or tree is None:
        return None
    kept = kept_functions(tree)
    reduced = reduce_source(raw, tree, lambda function: id(function) in kept)
    return None if reduced is raw else reduced
