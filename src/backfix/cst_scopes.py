"""LibCST scope (and expression context) metadata of a module, resolved the cheap way when the
installed LibCST allows it.

``cst_fast_scopes`` runs LibCST's own scope analysis without the metadata wrapper's idle walks and with
cached visitor callbacks; it leans on LibCST internals (a provider's ``_computed``, the scope
visitor's ``_ASSIGNMENT_LIKE_NODES``, what ``visit_Module`` and the visitor callbacks do). LibCST is
not pinned to one version, so the first resolution checks those internals once; when one is
missing or changed, every module is resolved by ``MetadataWrapper.resolve(ScopeProvider)``:
slower, never different.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from backfix.cst_walk import read_only_visits

Resolver = Callable[[cst.Module], Mapping[cst.CSTNode, Scope | None]]


def wrapper_scopes(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """The scope of every node through LibCST's metadata wrapper."""
    return MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)


@cache
def resolver() -> Resolver:
    """The fast resolution when this LibCST's internals are the expected ones, else the wrapper."""
    try:
        from backfix import cst_fast_scopes
    except (ImportError, AttributeError):
        return wrapper_scopes
    try:
        supported = cst_fast_scopes.matches_libcst()
    except (AttributeError, TypeError):
        supported = False
    return cst_fast_scopes.resolve if supported else wrapper_scopes


def resolve_scopes(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """The scope of every node of ``module``: what ``ScopeProvider`` resolves (the caller may
    run it within ``read_only_visits``: it only reads the tree)."""
    return resolver()(module)


def resolve_inner_scopes(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """:func:`resolve_scopes` without visiting tokens (:func:`backfix.cst_walk.is_token`):
    the same scopes, assignments and accesses, but no scope for a token (whitespace,
    operators, punctuation), for an analysis that never asks about one."""
    with read_only_visits(tokens=False):
        return resolver()(module)


def resolve_contexts(module: cst.Module) -> Mapping[cst.CSTNode, ExpressionContext]:
    """The expression context of the nodes of ``module``: what ``ExpressionContextProvider``
    resolves (cheaply when :func:`resolve_scopes` is, through the wrapper otherwise)."""
    if resolver() is wrapper_scopes:
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider)
    from backfix import cst_fast_scopes

    return cst_fast_scopes.resolve_contexts(module)
