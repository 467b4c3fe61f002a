"""Small reads of Python's own `ast` trees, for the codemods' cheap pre-checks.

Each mirrors the LibCST helper of the same name in :mod:`backfix.cst_utils`, so that a pre-check
asks of the `ast` tree what its analysis asks of the LibCST one.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator, Sequence


def dotted(node: ast.expr | None) -> str:
    """``a.b.c`` for an `ast` Name/Attribute chain; ``""`` for anything else (a call, None)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def last_name(node: ast.expr, *, through_subscript: bool = True) -> str:
    """The last identifier of a Name/Attribute chain, of a call's callee or of a subscript's value.

    ``a.b`` → ``b``, ``f(x)`` → ``f``, ``Repo[Job]`` → ``Repo``; ``""`` when there is none. With
    ``through_subscript=False`` a subscript has no name (``Repo[Job]`` → ``""``), as in
    :func:`backfix.cst_utils.last_name`.
    """
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return last_name(node.func, through_subscript=through_subscript)
    if isinstance(node, ast.Subscript) and through_subscript:
        return last_name(node.value)
    return ""


#: a word with a word character outside ASCII (identifiers among them)
_NON_ASCII_WORD = re.compile(r"\w*[^\W\x00-\x7f]\w*")
#: a word character outside ASCII
_NON_ASCII_WORD_CHARACTER = re.compile(r"[^\W\x00-\x7f]")


def normalized_identifiers(text: str) -> bool:
    """Whether ``text`` may hold an identifier `ast` reports in another form than LibCST: Python
    NFKC-normalizes identifiers (``ﬁle`` is ``file``). Words in strings and comments count too."""
    # Most non-ASCII text is emoji or punctuation: one search rules it out at a tenth of the cost
    # of the word pattern, which is tried again from every letter of every word.
    if _NON_ASCII_WORD_CHARACTER.search(text) is None:
        return False
    return any(
        word.isidentifier() and not unicodedata.is_normalized("NFKC", word)
        for word in _NON_ASCII_WORD.findall(text)
    )


#: fields that never hold a node a read looks at: expression contexts and operators
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})

_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def parameter_names(arguments: ast.arguments) -> set[str]:
    """Every parameter name of a function's or lambda's ``arguments``, ``*args`` and
    ``**kwargs`` included."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [star for star in (arguments.vararg, arguments.kwarg) if star is not None]
    return {arg.arg for arg in every}


def child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of a node type that may hold expressions, statements or their parts: not the
    expression contexts and operators ``ast.iter_child_nodes`` also yields.

    Walks that read every node of a tree look fields up here once per type, which costs a fraction
    of ``ast.iter_child_nodes``' generator per node."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f not in _LEAF_FIELDS)
    return fields


#: where the nodes belong to another function (or to none): :func:`own_nodes` does not enter them
_OTHER_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes of a function ``body`` (any order): a nested function, lambda or class is
    yielded, but what is inside it belongs to another scope and is not."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _OTHER_SCOPES):
            pending.extend(ast.iter_child_nodes(node))


def yields(body: Sequence[ast.stmt]) -> bool:
    """Whether a function ``body`` suspends at a ``yield`` (or ``yield from``) of its own, not of
    a nested function, lambda or class (:func:`backfix.cst_walk.yields` of an `ast` body)."""
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in own_nodes(body))
