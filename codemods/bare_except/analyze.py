"""What a bare handler does: re-raise, end the process, swallow silently, or catch (whether its
``try`` yields:
``backfix.cst_walk.yields`` and ``backfix.ast_utils.yields``).

Each question is asked of both trees: of LibCST's, which the rewrite visits, and of `ast`'s, which
the analysis reads because it is about ten times cheaper to build. The decision itself
(:func:`kind_of`) is shared; only the reading of one statement or expression differs, and
tests/unit/test_bare_except_ast.py checks that both trees give the same reports.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from backfix.ast_utils import dotted as ast_dotted
from backfix.cst_utils import dotted

RERAISE, EXIT, SWALLOW, CATCH = "reraise", "exit", "swallow", "catch"

#: what one statement of a handler body is, as far as the handler's kind goes
_BARE_RAISE, _EXITS, _SILENT, _OTHER = "bare-raise", "exits", "silent", "other"
#: calls that end the process (``exit``/``quit`` are the site module's, ``sys.exit`` raises
#: ``SystemExit`` out of the handler, ``os._exit`` and ``os.abort`` stop the interpreter)
_EXIT_CALLS = frozenset({"os._exit", "os.abort", "sys.exit", "exit", "quit", "_exit"})


def kind_of(statements: Sequence[str]) -> str:
    """``reraise`` (the last statement is a bare ``raise``), ``exit`` (it ends the process:
    ``sys.exit(1)``, ``os._exit(1)``, ``raise SystemExit``), ``swallow`` (all are silent) or
    ``catch``, from what each statement of the handler body is."""
    if statements[-1] == _BARE_RAISE:
        return RERAISE
    if statements[-1] == _EXITS:
        return EXIT
    if all(statement == _SILENT for statement in statements):
        return SWALLOW
    return CATCH


# --- LibCST ----------------------------------------------------------------------------------------


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
    """``reraise`` (ends in a bare ``raise``), ``exit`` (ends the process), ``swallow`` (only
    silent statements) or ``catch``."""
    return kind_of([_cst_statement(stmt) for stmt in small_statements(body)])


def _cst_statement(stmt: cst.CSTNode) -> str:
    if isinstance(stmt, cst.Raise) and stmt.exc is None:
        return _BARE_RAISE
    if _cst_exits(stmt):
        return _EXITS
    if isinstance(stmt, (cst.Pass, cst.Continue)):
        return _SILENT
    if isinstance(stmt, cst.Return):
        # `return None` is a result, as `return False` is; a bare `return` only leaves
        return _SILENT if stmt.value is None else _OTHER
    if isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Ellipsis):
        return _SILENT
    return _OTHER


# --- ast ---------------------------------------------------------------------------------------------


def ast_handler_kind(body: Sequence[ast.stmt]) -> str:
    """:func:`handler_kind` of an `ast` handler body."""
    return kind_of([_ast_statement(stmt) for stmt in body])


def _ast_statement(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.Raise) and stmt.exc is None:
        return _BARE_RAISE
    if _ast_exits(stmt):
        return _EXITS
    if isinstance(stmt, (ast.Pass, ast.Continue)):
        return _SILENT
    if isinstance(stmt, ast.Return):
        return _SILENT if stmt.value is None else _OTHER
    if (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and stmt.value.value is Ellipsis
    ):
        return _SILENT
    return _OTHER


def _cst_exits(stmt: cst.CSTNode) -> bool:
    """Whether ``stmt`` ends the process: ``sys.exit(1)``, ``raise SystemExit(1)``..."""
    if isinstance(stmt, cst.Raise):
        raised = stmt.exc.func if isinstance(stmt.exc, cst.Call) else stmt.exc
        return dotted(raised) == "SystemExit"
    return (
        isinstance(stmt, cst.Expr)
        and isinstance(stmt.value, cst.Call)
        and dotted(stmt.value.func) in _EXIT_CALLS
    )


def _ast_exits(stmt: ast.stmt) -> bool:
    """:func:`_cst_exits` of an `ast` statement."""
    if isinstance(stmt, ast.Raise):
        raised = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return ast_dotted(raised) == "SystemExit"
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and ast_dotted(stmt.value.func) in _EXIT_CALLS
    )
