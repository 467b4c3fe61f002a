"""LibCST metadata for visitors that only read, without the metadata wrapper's cost.

``MetadataWrapper(module).visit(visitor)`` resolves each provider the visitor depends on with a
batched visit of its own, then walks the module with LibCST's ``visit``, which rebuilds every node
it leaves. For the providers the codemods use (positions, parents, expression contexts, scopes) the
engine has cheaper equivalents that give the same values: :class:`backfix.cst_positions.CodeRanges`,
:class:`backfix.cst_walk.Parents` and :mod:`backfix.cst_scopes`, each checked against LibCST once per
process with a fallback to LibCST's own. :func:`visit` hands those tables to the visitor, as the
wrapper would, and walks with :func:`backfix.cst_walk.read_only_visits`: the same callbacks in the
same order. A visitor that depends on any other provider gets the wrapper. :func:`transform` does
the same for a transformer, which LibCST's own walk then runs (it rebuilds what it changes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import libcst as cst
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)
from libcst.metadata.base_provider import ProviderT

from backfix.cst_positions import CodeRanges
from backfix.cst_scopes import resolve_contexts, resolve_scopes
from backfix.cst_walk import Parents, read_only_visits, walk

#: what a visitor's ``get_metadata`` reads for one provider: ``table[node]``, ``table.get(node, d)``.
Table = Mapping[cst.CSTNode, Any]

#: per provider, the engine function that resolves the same values for a module (``CodeRanges``
#: is no ``Mapping``, but offers the two look-ups ``get_metadata`` makes).
CHEAP: dict[type[Any], Callable[[cst.Module], Any]] = {
    PositionProvider: CodeRanges,
    ParentNodeProvider: Parents,
    ExpressionContextProvider: resolve_contexts,
    ScopeProvider: resolve_scopes,
}


def visit(module: cst.Module, visitor: cst.CSTVisitor, *, tokens: bool = True) -> None:
    """``MetadataWrapper(module, unsafe_skip_copy=True).visit(visitor)`` for a visitor that only
    reads (a ``CSTVisitor``): its metadata from the engine's equivalents when it depends on no
    other provider.

    With ``tokens=False``, for a visitor that never looks at a token (whitespace, comments,
    operators, punctuation): it is walked with :func:`backfix.cst_walk.walk`, which refuses a
    visitor with a hook for a token or an attribute, and its parent table holds no token.
    """
    wanted = visitor.get_inherited_dependencies()
    if not all(provider in CHEAP for provider in wanted):
        MetadataWrapper(module, unsafe_skip_copy=True).visit(visitor)
        return
    with read_only_visits():
        tables: dict[ProviderT, Table] = {p: _table(p, module, tokens) for p in wanted}
        visitor.metadata = tables
        try:
            if tokens:
                module.visit(visitor)
            else:
                walk(module, visitor)
        finally:
            visitor.metadata = {}


def _table(provider: ProviderT, module: cst.Module, tokens: bool) -> Table:
    if provider is ParentNodeProvider and not tokens:
        return Parents(module, tokens=False)
    return CHEAP[provider](module)  # type: ignore[no-any-return]


def transform(module: cst.Module, transformer: cst.CSTTransformer) -> cst.Module:
    """``MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)``: the transformed module,
    the transformer's metadata from the engine's equivalents when it depends on no other provider.

    The tables are those of ``module``'s own nodes, as the wrapper's are without its copy: what a
    transformer looks up is an ``original_node``.
    """
    wanted = transformer.get_inherited_dependencies()
    if not all(provider in CHEAP for provider in wanted):
        return MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    with read_only_visits():
        tables: dict[ProviderT, Table] = {p: CHEAP[p](module) for p in wanted}
    transformer.metadata = tables
    try:
        return module.visit(transformer)
    finally:
        transformer.metadata = {}
