"""Replace bare ``except:`` handlers, which also catch ``KeyboardInterrupt`` and ``SystemExit``.

What:
    * ``except:`` becomes ``except Exception:``;
    * a handler whose body ends in a bare ``raise`` becomes ``except BaseException:``, the exact
      equivalent, so cleanup-then-re-raise keeps running on Ctrl-C;
    * a handler that silently swallows (its body is only ``pass``, ``continue``, ``return``, ``...``)
      also gets a log call through the module's logger (``logger``/``log = logging.getLogger(...)``,
      or a ``logger`` imported from elsewhere, e.g. loguru's). When the module has none, one is added
      after its imports, and ``import logging`` where isort would sort it (``import logging as
      _logging`` when the module already uses the name ``logging`` for something else). Option
      ``log_swallowed = false`` (``--no-logging``) turns this off.

Why:
    A bare ``except:`` swallows interrupts and exits and hides real errors.

Safety:
    Handler bodies and comments are kept. Exception types are never narrowed below ``Exception``:
    guessing (``int()`` → ``ValueError``) breaks code that also relied on ``TypeError``. A handler at
    module level that runs before the module's logger is defined, or one in a function that binds the
    logger's name itself (a parameter ``log``), is fixed without a log call. A new logger never takes
    a name the module already uses (``logger`` → ``_logger``). A handler that does not re-raise
    around a ``yield`` is left for manual review: it also runs on GeneratorExit.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from backfix.bindings import bound_names
from backfix.codemod import Codemod
from backfix.imports import (
    add_import,
    detach_leading_comments,
    import_block_end,
    project_root,
    space_after_imports,
)
from backfix.results import REVIEW, SAFE, FileFacts, Violation
from backfix.source import SourceFile
from backfix.templating import render

RERAISE, SWALLOW, CATCH = "reraise", "swallow", "catch"

MESSAGES = {
    RERAISE: "bare `except:` re-raises; `except BaseException:` says the same explicitly",
    SWALLOW: "bare `except:` silently swallows every exception, KeyboardInterrupt and SystemExit too",
    CATCH: "bare `except:` also catches KeyboardInterrupt and SystemExit",
}

LOGGER_FACTORIES = frozenset({"getLogger", "get_logger"})

YIELDS_REASON = (
    "the `try` body yields, so this handler also runs on GeneratorExit when the generator is closed "
    "early; `except Exception:` would skip it (cleanup belongs in `finally`)"
)


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


def _ast_yields(body: Sequence[ast.stmt]) -> bool:
    """True when ``body`` suspends at a ``yield`` of its own function (not of a nested one)."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))
    return False


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


class _CstYieldFinder(cst.CSTVisitor):
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


def _cst_yields(body: cst.BaseSuite) -> bool:
    """True when ``body`` suspends at a ``yield`` of its own function (not of a nested one)."""
    finder = _CstYieldFinder()
    body.visit(finder)
    return finder.found


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
    # The try body yields: a cleanup handler there must keep seeing GeneratorExit.
    yields: bool = False


class _AstFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[_Found] = []
        self.yielding: set[int] = set()  # ids of handlers whose try body yields

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Try(self, node: ast.Try) -> None:
        if any(h.type is None for h in node.handlers) and _ast_yields(node.body):
            self.yielding.update(id(h) for h in node.handlers)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is None:
            scope = ".".join(self.scope)
            kind = _ast_kind(node.body)
            yields = id(node) in self.yielding
            self.found.append(_Found(node.lineno, node.col_offset, kind, scope, yields))
        self.generic_visit(node)


class _CstFinder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.scope: list[str] = []
        self.found: list[_Found] = []
        self.tries: list[cst.Try] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()

    def visit_Try(self, node: cst.Try) -> None:
        self.tries.append(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self.tries.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is None:
            start = self.get_metadata(PositionProvider, node).start
            scope = ".".join(self.scope)
            yields = _cst_yields(self.tries[-1].body)
            self.found.append(_Found(start.line, start.column, _cst_kind(node.body), scope, yields))


# --- rewrite: where the logger is, or where one goes ---------------------------------------------------


@dataclass(frozen=True)
class _LoggerSite:
    name: str
    index: int | None  # top-level statement index of the definition; None when we add one


def _single_small(stmt: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt.body[0]
    return None


def _find_logger(module: cst.Module, configured: str) -> _LoggerSite | None:
    """The module's logger: ``<name> = ...getLogger(...)``, or ``logger`` imported from elsewhere."""
    for index, stmt in enumerate(module.body):
        small = _single_small(stmt)
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            # `from loguru import logger`, `from app.log import logger`: the module's own logger.
            if configured in bound_names(small):
                return _LoggerSite(configured, index)
            continue
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        else:
            continue
        if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
            continue
        func = value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name in LOGGER_FACTORIES:
            return _LoggerSite(target.value, index)
    return None


def _module_names(module: cst.Module) -> set[str]:
    """Names bound in the module that a new logger must not shadow (function bodies aside)."""
    names: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        else:
            names.update(bound_names(stmt))
    return names


def _function_bindings(node: cst.FunctionDef) -> set[str]:
    return set(bound_names(node.params)) | set(bound_names(node.body))


def _logging_import(module: cst.Module) -> str | None:
    """The name the module imports the standard ``logging`` module under, if it does."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                dotted = get_full_name_for_node(alias.name) or ""
                asname = alias.asname.name if alias.asname is not None else None
                if dotted == "logging" and isinstance(asname, cst.Name):
                    return asname.value
                if asname is None and (dotted == "logging" or dotted.startswith("logging.")):
                    return "logging"  # `import logging.handlers` binds `logging` too
    return None


def _add_logger(
    module: cst.Module, name: str, overrides: list[str], root: Path | None
) -> cst.Module:
    """Insert ``import logging`` (if missing) and the logger definition after the module's imports.

    When the module already binds ``logging`` to something else (``from mylib import logging``),
    the standard module is imported under a free name (``import logging as _logging``).
    """
    logging_name = _logging_import(module)
    if logging_name is None:
        taken = _module_names(module)
        logging_name = "logging"
        while logging_name in taken:
            logging_name = f"_{logging_name}"
        asname = None if logging_name == "logging" else logging_name
        module = add_import(module, "logging", asname=asname, root=root)
    header_end = import_block_end(module)
    if header_end == 0:
        module = detach_leading_comments(module)
    body = list(module.body)
    if header_end < len(body):
        body[header_end] = space_after_imports(body[header_end])
    code = render(
        "code/bare-except/logger_definition.py.j2",
        overrides,
        logger=name,
        logging_module=logging_name,
    )
    definition = cst.parse_statement(code).with_changes(
        leading_lines=[cst.EmptyLine()] if header_end else []
    )
    body.insert(header_end, definition)
    return module.with_changes(body=body)


# --- rewrite: fixing the handlers -----------------------------------------------------------------------


_MAY_HOLD_HANDLERS = (
    cst.Module,
    cst.BaseCompoundStatement,
    cst.BaseSuite,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Else,
    cst.Finally,
    cst.MatchCase,
)


class _Fixer(cst.CSTTransformer):
    """Fixes the bare handlers of one top-level statement.

    A handler outside any function runs at import time, so it may log only when the logger is
    already defined above the statement (``logger_ready``). Inside a function that binds the logger's
    name itself (a parameter ``log``, say), the name is not the module's logger: no log call there.
    """

    def __init__(
        self, log_call: cst.BaseStatement | None, logger_name: str, logger_ready: bool
    ) -> None:
        super().__init__()
        self.log_call = log_call
        self.logger_name = logger_name
        self.logger_ready = logger_ready
        self.logged = 0
        self.functions: list[cst.FunctionDef] = []
        self.tries: list[cst.Try] = []
        self._bindings: dict[int, set[str]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Handlers live only in statement bodies: skipping simple statements and expressions
        # avoids rebuilding most of the tree, which is most of the rewrite's cost.
        return isinstance(node, _MAY_HOLD_HANDLERS) and super().on_visit(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.functions.pop()
        return updated_node

    def visit_Try(self, node: cst.Try) -> None:
        self.tries.append(node)

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.Try:
        self.tries.pop()
        return updated_node

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        if updated_node.type is not None:
            return updated_node
        kind = _cst_kind(updated_node.body)
        if kind != RERAISE and _cst_yields(self.tries[-1].body):
            return updated_node  # reported for manual review (YIELDS_REASON)
        new = updated_node.with_changes(
            type=cst.Name("BaseException" if kind == RERAISE else "Exception"),
            whitespace_after_except=cst.SimpleWhitespace(" "),
        )
        if kind == SWALLOW and self.log_call is not None and self._may_log():
            new = new.with_changes(body=_prepend(new.body, self.log_call))
            self.logged += 1
        return new

    def _may_log(self) -> bool:
        return self.logger_ready if not self.functions else not self._shadowed()

    def _shadowed(self) -> bool:
        # Computed only for functions that hold a swallowing handler: a walk per function is costly.
        for function in self.functions:
            if id(function) not in self._bindings:
                self._bindings[id(function)] = _function_bindings(function)
            if self.logger_name in self._bindings[id(function)]:
                return True
        return False


def _prepend(body: cst.BaseSuite, statement: cst.BaseStatement) -> cst.BaseSuite:
    if isinstance(body, cst.SimpleStatementSuite):
        # `except: pass  # why` becomes an indented block; the comment stays on the header line.
        return cst.IndentedBlock(
            header=body.trailing_whitespace,
            body=[statement, cst.SimpleStatementLine(body=body.body)],
        )
    assert isinstance(body, cst.IndentedBlock)
    return body.with_changes(body=[statement, *body.body])


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
            manual = item.yields and item.kind != RERAISE
            violations.append(
                self.violation(
                    source,
                    item.line,
                    item.col,
                    MESSAGES[item.kind],
                    fixable=not manual,
                    reason=YIELDS_REASON if manual else "",
                    scope=item.scope,
                    snippet=f"except:{item.kind}#{ordinal[key]}",
                    tier=SAFE if item.kind == RERAISE else REVIEW,
                )
            )
        return FileFacts(source.path, tuple(violations))

    def rewrite(self, source: SourceFile, edits: Any) -> cst.Module:
        """Fix every bare handler; add the logger only when a log call was inserted."""
        module = source.module
        want_log = bool(self.options["log_swallowed"])
        configured = str(self.options["logger_name"])
        existing = _find_logger(module, configured) if want_log else None
        if existing is not None:
            logger = existing
        else:
            name = configured
            taken = _module_names(module)
            while name in taken:
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
        header_end = import_block_end(module)
        body: list[cst.BaseStatement] = []
        logged = 0
        for index, stmt in enumerate(module.body):
            # At import time a handler may log only once the logger exists above it.
            ready = index >= header_end if logger.index is None else index > logger.index
            fixer = _Fixer(log_call if want_log else None, logger.name, logger_ready=ready)
            new_stmt = stmt.visit(fixer)
            assert isinstance(new_stmt, cst.BaseStatement)
            body.append(new_stmt)
            logged += fixer.logged
        module = module.with_changes(body=body)
        if logged and logger.index is None:
            root = project_root(source.abs_path, source.path)
            module = _add_logger(module, logger.name, overrides, root)
        return module
