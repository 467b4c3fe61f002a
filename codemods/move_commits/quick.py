"""A cheap `ast` pre-check: can this file have a commit in the route layer at all?

LibCST scope and qualified-name metadata cost seconds on a large module; most files that mention
``.commit(`` are models, services or libraries. This check over-approximates the route layer (any
``x.commit()`` call counts, sessions are not resolved) so it never hides a violation; only files it
accepts get the full analysis.
"""

from __future__ import annotations

import ast

from backfix.ast_utils import last_name
from backfix.web_routes import (
    GRAPHQL_MUTATION_BASES,
    GRAPHQL_RESOLVER_DECORATORS,
    ROUTE_DECORATORS,
    SOCKET_DECORATORS,
    is_socketio_name,
)

from .ast_reading import Definition, read_tree
from .frameworks import ROUTE_BASES

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
#: the bases that make a class a view (Graphene's mutations too), by their last name
_VIEW_BASES = ROUTE_BASES | GRAPHQL_MUTATION_BASES


def _is_route_decorated(node: FunctionNode | ast.ClassDef, attrs: frozenset[str]) -> bool:
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in attrs
        ):
            return True
    return False


def _is_socket_handler(node: FunctionNode) -> bool:
    """``@socketio.on("chat")`` / ``@socketio.event`` (see ``backfix.web_routes``)."""
    for decorator in node.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (
            isinstance(func, ast.Attribute)
            and func.attr in SOCKET_DECORATORS
            and is_socketio_name(last_name(func.value))
        ):
            return True
    return False


def _is_graphql_resolver(node: FunctionNode) -> bool:
    """A decorator named like Strawberry's resolvers' (``@strawberry.mutation``), through
    whatever name: the analysis checks it comes from Strawberry."""
    return any(
        last_name(decorator) in GRAPHQL_RESOLVER_DECORATORS for decorator in node.decorator_list
    )


def _is_route(node: Definition, views: set[str]) -> bool:
    """A route function, view class, resource or GraphQL resolver (by its decorators, bases or
    registration)."""
    if isinstance(node, ast.ClassDef):
        return (
            node.name in views
            or any(last_name(base, through_subscript=False) in _VIEW_BASES for base in node.bases)
            or _is_route_decorated(node, frozenset({"route"}))
        )
    return (
        node.name in views
        or _is_route_decorated(node, ROUTE_DECORATORS)
        or _is_socket_handler(node)
        or _is_graphql_resolver(node)
    )


def defines_routes(tree: ast.Module) -> bool:
    """Whether ``tree`` defines a route function, view class or resource."""
    facts = read_tree(tree)
    return any(_is_route(node, facts.views) for node in facts.definitions)


def may_have_route_commits(tree: ast.Module | None, in_route_path: bool) -> bool:
    """False only when no ``x.commit()`` call can be in the route layer of this module."""
    if tree is None:
        return True
    facts = read_tree(tree)
    if in_route_path or not facts.commits:
        return facts.commits > 0
    # A commit in a route is in a module that defines one; and the helpers of a module that
    # defines routes are route layer too.
    return defines_routes(tree)
