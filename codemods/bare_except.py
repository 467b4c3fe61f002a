"""Replace bare ``except:`` handlers, which also catch ``KeyboardInterrupt`` and ``SystemExit``.

What:
    * ``except:`` becomes ``except Exception:``;
    * a handler whose body ends in a bare ``raise`` becomes ``except BaseException:``, the exact
      equivalent, so cleanup-then-re-raise keeps running on Ctrl-C;
    * a handler that silently swallows (its body is only ``pass``, ``continue``, ``return``, ``...``)
      also gets a log call through the module's logger (``logger = logging.getLogger(...)``), which is
      added when the module has none. Option ``log_swallowed = false`` (``--no-logging``) turns it off.

Why:
    A bare ``except:`` swallows interrupts and exits and hides real errors.

Safety:
    Handler bodies and comments are kept. Exception types are never narrowed below ``Exception``:
    guessing (``int()`` → ``ValueError``) breaks code that also relied on ``TypeError``. A handler at
    module level that runs before the module's logger is defined is fixed without a log call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from backfix.codemod import Codemod
from backfix.results import FileFacts, Violation
from backfix.source import SourceFile
from backfix.templating import render

RERAISE, SWALLOW, CATCH = "reraise", "swallow", "catch"

MESSAGES = {
    RERAISE: "bare `except:` re-raises; `except BaseException:` says the same explicitly",
    SWALLOW: "bare `except:` silently swallows every exception, KeyboardInterrupt and SystemExit too",
    CATCH: "bare `except:` also catches KeyboardInterrupt and SystemExit",
}

LOGGER_FACTORIES = frozenset({"getLogger", "get_logger"})


# --- classification, once for `ast` (analysis) and once for LibCST (rewrite) -------------------------


def _ast_kind(body: Sequence[ast.stmt]) -> str:
    last = body[-1]
    if isinstance(last, ast.Raise) and last.exc is None:
        return RERAISE
    if all(_ast_is_silent(stmt) for stmt in body):
        return SWALLOW
    return CATCH


def _ast_is_silent(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Pass, ast.Continue)):
        return True
    if isinstance(stmt, ast.Return):
        return stmt.value is None or (
            isinstance(stmt.value, ast.Constant) and stmt.value.value is None
        )
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and stmt.value.value is Ellipsis
    )


def _cst_small_statements(body: cst.BaseSuite) -> list[cst.CSTNode]:
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    statements: list[cst.CSTNode] = []
    for stmt in body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            statements.extend(stmt.body)
        else:
            statements.append(stmt)
    return statements


def _cst_kind(body: cst.BaseSuite) -> str:
    statements = _cst_small_statements(body)
    last = statements[-1]
    if isinstance(last, cst.Raise) and last.exc is None:
        return RERAISE
    if all(_cst_is_silent(stmt) for stmt in statements):
        return SWALLOW
    return CATCH


def _cst_is_silent(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.Pass, cst.Continue)):
        return True
    if isinstance(stmt, cst.Return):
        return stmt.value is None or (
            isinstance(stmt.value, cst.Name) and stmt.value.value == "None"
        )
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Ellipsis)


# --- analysis ------------------------------------------------------------------------------------------


@dataclass
class _Found:
    line: int
    col: int
    kind: str
    scope: str


class _AstFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[_Found] = []

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is None:
            scope = ".".join(self.scope)
            self.found.append(_Found(node.lineno, node.col_offset, _ast_kind(node.body), scope))
        self.generic_visit(node)


class _CstFinder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.scope: list[str] = []
        self.found: list[_Found] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is None:
            start = self.get_metadata(PositionProvider, node).start
            scope = ".".join(self.scope)
            self.found.append(_Found(start.line, start.column, _cst_kind(node.body), scope))


# --- rewrite -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LoggerSite:
    name: str
    index: int | None  # top-level statement index of the definition; None when we add one


def _find_logger(module: cst.Module) -> _LoggerSite | None:
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        assign = stmt.body[0]
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1):
            continue
        target, value = assign.targets[0].target, assign.value
        if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
            continue
        func = value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name in LOGGER_FACTORIES:
            return _LoggerSite(target.value, index)
    return None


def _module_names(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    names.update(
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    )
    return names


def _has_logging_import(module: cst.Module) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    isinstance(alias.name, cst.Name)
                    and alias.name.value == "logging"
                    and alias.asname is None
                    for alias in small.names
                ):
                    return True
    return False


def _header_end(module: cst.Module) -> int:
    """Index after the docstring, ``__future__`` imports and the leading block of imports."""
    end = 0
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        small = stmt.body[0]
        is_docstring = index == 0 and isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        )
        if is_docstring or isinstance(small, (cst.Import, cst.ImportFrom)):
            end = index + 1
        else:
            break
    return end


class _Fixer(cst.CSTTransformer):
    """Fixes the bare handlers of one top-level statement.

    A handler outside any function runs at import time, so it may log only when the logger is
    already defined above the statement (``logger_ready``).
    """

    def __init__(self, log_call: cst.BaseStatement | None, logger_ready: bool) -> None:
        super().__init__()
        self.log_call = log_call
        self.logger_ready = logger_ready
        self.logged = 0
        self.function_depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function_depth += 1

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.function_depth -= 1
        return updated_node

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        if updated_node.type is not None:
            return updated_node
        kind = _cst_kind(updated_node.body)
        new = updated_node.with_changes(
            type=cst.Name("BaseException" if kind == RERAISE else "Exception"),
            whitespace_after_except=cst.SimpleWhitespace(" "),
        )
        may_log = self.function_depth > 0 or self.logger_ready
        if kind == SWALLOW and self.log_call is not None and may_log:
            new = new.with_changes(body=_prepend(new.body, self.log_call))
            self.logged += 1
        return new


def _prepend(body: cst.BaseSuite, statement: cst.BaseStatement) -> cst.BaseSuite:
    if isinstance(body, cst.SimpleStatementSuite):
        # `except: pass  # why` becomes an indented block; the comment stays on the header line.
        return cst.IndentedBlock(
            header=body.trailing_whitespace,
            body=[statement, cst.SimpleStatementLine(body=body.body)],
        )
    assert isinstance(body, cst.IndentedBlock)
    return body.with_changes(body=[statement, *body.body])


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class BareExcept(Codemod):
    """Bare ``except:`` → ``except Exception:`` (or ``BaseException`` when it re-raises)."""

    SUMMARY = "Replace bare `except:` with `except Exception:` (BaseException when it re-raises)"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(rb"except[ \t]*:")
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "log_swallowed": True,
        "log_method": "exception",
        "log_message": "Suppressed exception",
        "logger_name": "logger",
        "templates": "",
    }
    EXAMPLE = (
        "import json\n\n\n"
        "def load(path):\n"
        "    try:\n"
        "        return json.load(open(path))\n"
        "    except:\n"
        "        pass\n\n\n"
        "def save(path, data):\n"
        "    try:\n"
        "        json.dump(data, open(path, 'w'))\n"
        "    except:\n"
        "        cleanup(path)\n"
        "        raise\n"
    )

    def analyze(self, source: SourceFile) -> FileFacts:
        """Find bare handlers with `ast` (fast, exact); fall back to LibCST for newer grammar."""
        tree = source.ast_module()
        found: list[_Found]
        if tree is not None:
            finder = _AstFinder()
            finder.visit(tree)
            found = finder.found
        else:
            cst_finder = _CstFinder()
            MetadataWrapper(source.module, unsafe_skip_copy=True).visit(cst_finder)
            found = cst_finder.found
        violations: list[Violation] = []
        ordinal: dict[tuple[str, str], int] = {}
        for item in sorted(found, key=lambda f: (f.line, f.col)):
            key = (item.scope, item.kind)
            ordinal[key] = ordinal.get(key, 0) + 1
            violations.append(
                self.violation(
                    source,
                    item.line,
                    item.col,
                    MESSAGES[item.kind],
                    scope=item.scope,
                    snippet=f"except:{item.kind}#{ordinal[key]}",
                )
            )
        return FileFacts(source.path, tuple(violations))

    def rewrite(self, source: SourceFile, edits: Any) -> cst.Module:
        """Fix every bare handler; add the logger only when a log call was inserted."""
        module = source.module
        want_log = bool(self.options["log_swallowed"])
        existing = _find_logger(module) if want_log else None
        if existing is not None:
            logger = existing
        else:
            name = self.options["logger_name"]
            if name in _module_names(module):
                name = f"_{name}"
            logger = _LoggerSite(name, None)
        overrides = [self.options["templates"]] if self.options["templates"] else []
        log_call = cst.parse_statement(
            render(
                "code/bare-except/log_call.py.j2",
                overrides,
                logger=logger.name,
                method=self.options["log_method"],
                message=self.options["log_message"],
            )
        )
        header_end = _header_end(module)
        body: list[cst.BaseStatement] = []
        logged = 0
        for index, stmt in enumerate(module.body):
            if logger.index is None:
                ready = index >= header_end
            else:
                ready = index > logger.index
            fixer = _Fixer(log_call if want_log else None, logger_ready=ready)
            new_stmt = stmt.visit(fixer)
            assert isinstance(new_stmt, cst.BaseStatement)
            body.append(new_stmt)
            logged += fixer.logged
        module = module.with_changes(body=body)
        if logged and logger.index is None:
            module = self._add_logger(module, logger.name, header_end, overrides)
        return module

    @staticmethod
    def _add_logger(
        module: cst.Module, name: str, header_end: int, overrides: list[str]
    ) -> cst.Module:
        """Insert ``import logging`` (if missing) and the logger after the module's header."""
        blank = cst.EmptyLine()
        new: list[cst.BaseStatement] = []
        if not _has_logging_import(module):
            after_docstring = header_end == 1 and _is_docstring(module.body[0])
            new.append(
                cst.parse_statement("import logging").with_changes(
                    leading_lines=[blank] if after_docstring else []
                )
            )
        definition = cst.parse_statement(
            render("code/bare-except/logger_definition.py.j2", overrides, logger=name)
        )
        new.append(definition.with_changes(leading_lines=[blank] if header_end or new else []))
        body = list(module.body)
        if header_end < len(body) and not body[header_end].leading_lines:
            body[header_end] = body[header_end].with_changes(leading_lines=[blank])
        body[header_end:header_end] = new
        return module.with_changes(body=body)
