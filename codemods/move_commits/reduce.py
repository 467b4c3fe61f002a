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

from backfix.cst_reduce import reduce_source_tree

from .ast_reading import class_names, read_tree

#: set False to analyse whole modules (the equivalence test compares both).
REDUCE = True


def kept_functions(tree: ast.Module) -> set[int]:
    """The outer functions (by ``id``) whose bodies the analysis of ``tree`` may read: those it
    reads whatever they are called, then until nothing changes the functions outside classes
    named in kept code, and every method of a class named in it; and the ``__init__`` of a class
    one of whose methods is kept."""
    facts = read_tree(tree)
    kept = {key for key, reads in facts.reads.items() if reads.must}
    names: set[str] = set()
    for key in kept:
        names |= facts.reads[key].names
    read: set[int] = set()  # classes
    changed = True
    while changed:
        changed = False
        for owner in facts.classes:
            around = facts.owners[id(owner)]
            if id(owner) not in read and (
                owner.name in names or any(id(c) in read for c in around)
            ):
                read.add(id(owner))
                names |= class_names(facts, owner)
                changed = True
        for function in facts.functions:
            if id(function) in kept:
                continue
            around = facts.owners[id(function)]
            if (not around and function.name in names) or any(id(c) in read for c in around):
                kept.add(id(function))
                names |= facts.reads[id(function)].names
                changed = True
    # What a kept method reads off `self` may be an attribute `__init__` sets, which makes the
    # read a plain one (see `RegionClassifier._plain_attribute`).
    owners = {id(facts.owners[key][-1]) for key in kept if facts.owners.get(key)}
    for function in facts.functions:
        around = facts.owners[id(function)]
        if function.name == "__init__" and around and id(around[-1]) in owners:
            kept.add(id(function))
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
