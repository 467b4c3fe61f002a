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

from backfix.ast_utils import last_name
from backfix.cst_reduce import FunctionNode, reduce_source_tree

#: set False to analyse whole modules (the equivalence test compares both).
REDUCE = True

_REGISTRARS = frozenset({"add_url_rule", "add_api_route", "add_resource"})
_HOOKS = frozenset({"before_request", "before_app_request"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


#: nodes whose presence in a function makes the analysis read its body (see the module doc)
_KEEP_TYPES = frozenset({*_DEFINITIONS, ast.Global, ast.Nonlocal})


def _is_kept_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "commit") or last_name(
        func, through_subscript=False
    ) in _REGISTRARS


def _read(function: FunctionNode) -> tuple[bool, set[str]]:
    """Whether the analysis reads the body of ``function`` whatever it is called, and the names
    in it (one walk for both)."""
    must = any(last_name(d, through_subscript=False) in _HOOKS for d in function.decorator_list)
    names: set[str] = set()
    for node in ast.walk(function):
        kind = type(node)
        if kind is ast.Name:
            names.add(node.id)  # type: ignore[attr-defined]
        elif node is function or must:
            continue
        elif kind is ast.Call:
            must = _is_kept_call(node)  # type: ignore[arg-type]
        elif kind in _KEEP_TYPES or (kind is ast.ImportFrom and node.level):  # type: ignore[attr-defined]
            must = True
    return must, names


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
    found = {id(f): _read(f) for f in layout.functions}
    kept = {key for key, (must, _names_in) in found.items() if must}
    names: set[str] = set()
    for key in kept:
        names |= found[key][1]
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
                names |= found[id(function)][1]
                changed = True
    return kept


def reduced_source(raw: bytes, tree: ast.Module | None) -> bytes | None:
    """``raw`` with the bodies the analysis does not read left out; None to analyse it whole."""
    reduced = reduced_source_tree(raw, tree)
    return None if reduced is None else reduced[0]


def reduced_source_tree(raw: bytes, tree: ast.Module | None) -> tuple[bytes, ast.Module] | None:
    """:func:`reduced_source` and its `ast` tree."""
    if not REDUCE or tree is None:
        return None
    kept = kept_functions(tree)
    reduced = reduce_source_tree(raw, tree, lambda function: id(function) in kept)
    return None if reduced is None or reduced[0] is raw else reduced
