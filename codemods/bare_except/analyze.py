"""What a bare handler does: re-raise, swallow silently, or catch; and whether its ``try`` yields."""

from __future__ import annotations

import libcst as cst

RERAISE, SWALLOW, CATCH = "reraise", "swallow", "catch"


def small_statements(body: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a handler body, a line's ``;``-separated statements one by one."""
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    statements: list[cst.CSTNode] = []
    for stmt in body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            statements.extend(stmt.body)
        else:
            statements.append(stmt)
    return statements


def handler_kind(body: cst.BaseSuite) -> str:
    """``reraise`` (ends in a bare ``raise``), ``swallow`` (only silent statements) or ``catch``."""
    statements = small_statements(body)
    last = statements[-1]
    if isinstance(last, cst.Raise) and last.exc is None:
        return RERAISE
    if all(_is_silent(stmt) for stmt in statements):
        return SWALLOW
    return CATCH


def _is_silent(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.Pass, cst.Continue)):
        return True
    if isinstance(stmt, cst.Return):
        return stmt.value is None or (
            isinstance(stmt.value, cst.Name) and stmt.value.value == "None"
        )
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Ellipsis)


class _YieldFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def yields(body: cst.BaseSuite) -> bool:
    """True when ``body`` suspends at a ``yield`` of its own function (not of a nested one)."""
    finder = _YieldFinder()
    body.visit(finder)
    return finder.found
