"""A cheap `ast` pre-check: can this file have a commit in the route layer at all?

LibCST scope and qualified-name metadata cost seconds on a large module; most files that mention
``.commit(`` are models, services or libraries. This check over-approximates the route layer (any
``x.commit()`` call counts, sessions are not resolved) so it never hides a violation; only files it
accepts get the full analysis.
"""

from __future__ import annotations

import ast

from backfix.ast_utils import last_name

from .frameworks import ROUTE_BASES, ROUTE_DECORATORS

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_VIEW_REGISTRARS = {"add_url_rule": 2, "add_api_route": 1, "add_resource": 0}


def _view_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        position = _VIEW_REGISTRARS.get(last_name(node.func, through_subscript=False))
        if position is None:
            continue
        values = [kw.value for kw in node.keywords if kw.arg in {"view_func", "endpoint"}]
        if len(node.args) > position:
            values.append(node.args[position])
        for value in values:
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                value = value.func.value  # `View.as_view("name")`
            names.add(last_name(value, through_subscript=False))
    return names


def _is_route_decorated(node: FunctionNode | ast.ClassDef, attrs: frozenset[str]) -> bool:
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in attrs
        ):
            return True
    return False


def _is_commit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and not node.args
        and not node.keywords
    )


class _Finder(ast.NodeVisitor):
    def __init__(self, views: set[str]) -> None:
        self.views = views
        self.route_depth = 0
        self.found = False
        self.has_routes = False
        self.commits = 0

    def _function(self, node: FunctionNode) -> None:
        is_route = node.name in self.views or _is_route_decorated(node, ROUTE_DECORATORS)
        self.has_routes = self.has_routes or is_route
        self.route_depth += is_route
        self.generic_visit(node)
        self.route_depth -= is_route

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        is_view = (
            node.name in self.views
            or any(last_name(base, through_subscript=False) in ROUTE_BASES for base in node.bases)
            or _is_route_decorated(node, frozenset({"route"}))
        )
        self.has_routes = self.has_routes or is_view
        self.route_depth += is_view
        self.generic_visit(node)
        self.route_depth -= is_view

    def visit_Call(self, node: ast.Call) -> None:
        if _is_commit(node):
            self.commits += 1
            self.found = self.found or bool(self.route_depth)
        self.generic_visit(node)


def may_have_route_commits(tree: ast.Module | None, in_route_path: bool) -> bool:
    """False only when no ``x.commit()`` call can be in the route layer of this module."""
    if tree is None:
        return True
    if in_route_path:
        return any(_is_commit(node) for node in ast.walk(tree))
    finder = _Finder(_view_names(tree))
    finder.visit(tree)
    # Helpers of a module that defines routes are route layer too.
    return finder.found or (finder.has_routes and finder.commits > 0)
