"""LibCST's parser without validating every node twice.

LibCST's native parser builds each node through the node class's constructor, whose
``__post_init__`` calls the node's ``_validate``: the checks that catch a hand-built node that
cannot be printed back as valid code (a ``Name`` with an empty value, ``not`` with no space before
a name...). The parser only builds nodes its grammar accepts, which pass those checks by
construction, and on a real application the checks were about a quarter of the parse.
:func:`parse_module` turns them off while the parser builds the tree and only then: nodes built
afterwards (by a codemod's rewrite) are validated as always.

This relies on LibCST internals (what ``CSTNode.__post_init__`` does, and that node classes do not
override it), checked once per process by :func:`skips_validation`; where the check fails,
:func:`parse_module` is ``libcst.parse_module``: slower, never different.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.base import CSTNode

from backfix.libcst_verdicts import remembered

#: a few lines of what the check parses both ways (besides the positions' sample of most node
#: types): decorators, f-strings, a walrus, parenthesised with, comments, type hints
_EXTRA_SAMPLE = """\
# a comment
@app.route("/x", methods=["GET"])  # trailing
async def view(a: int, *, b: "list[str]" = (), **kw: object) -> dict[str, int] | None:
    with (open(a) as f, lock):
        if (n := len(f"{a!r:>{b}} {kw=} {'nested' + f'{n}'}")) > 1:
            return {"n": n}
"""


def _no_validation(self: CSTNode) -> None:
    """``CSTNode.__post_init__`` while the parser builds a tree."""


@contextmanager
def _unvalidated() -> Iterator[None]:
    """Nodes built meanwhile skip ``_validate`` (see :func:`skips_validation`)."""
    library = CSTNode.__dict__["__post_init__"]
    CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        yield
    finally:
        CSTNode.__post_init__ = library  # type: ignore[method-assign]


def _parse_unvalidated(source: bytes | str) -> cst.Module:
    with _unvalidated():
        return cst.parse_module(source)


def _post_init_only_validates() -> bool:
    """``CSTNode.__post_init__`` calls ``self._validate()`` and nothing else, and no node class has
    a ``__post_init__`` of its own."""
    from backfix.cst_walk import with_subclasses

    post_init = CSTNode.__dict__.get("__post_init__")
    code = getattr(post_init, "__code__", None)
    if code is None or getattr(post_init, "__closure__", None) is not None:
        return False
    if code.co_names != ("_validate",) or code.co_varnames != ("self",):
        return False
    if any(const is not None for const in code.co_consts):
        return False
    return all(
        "__post_init__" not in vars(kind)
        for kind in with_subclasses(CSTNode)
        if kind is not CSTNode
    )


@remembered
def skips_validation() -> bool:
    """Whether :func:`parse_module` can skip the validation of parsed nodes in this LibCST, checked
    once per process: the internals it relies on are the expected ones, and samples of most node
    types parse to equal trees (``deep_equals``, the same code) both ways."""
    from backfix.cst_positions import SAMPLE

    try:
        if not _post_init_only_validates():
            return False
        for source in (SAMPLE, _EXTRA_SAMPLE):
            fast, plain = _parse_unvalidated(source), cst.parse_module(source)
            if not (fast.deep_equals(plain) and fast.code == plain.code == source):
                return False
    except Exception:  # whatever broke, LibCST's own parse is the answer
        return False
    return True


def parse_module(source: bytes) -> cst.Module:
    """``libcst.parse_module(source)``, the same tree and the same errors, for less.

    While another thread runs, it is ``libcst.parse_module`` itself: the validation is switched off
    for the whole process, and a node another thread builds meanwhile must still be checked.
    """
    if threading.active_count() > 1 or not skips_validation():
        return cst.parse_module(source)
    return _parse_unvalidated(source)


def parse_expression(source: str) -> cst.BaseExpression:
    """``libcst.parse_expression(source)``, the same tree and the same errors, for less (as
    :func:`parse_module`)."""
    if threading.active_count() > 1 or not skips_validation():
        return cst.parse_expression(source)
    with _unvalidated():
        return cst.parse_expression(source)
