"""Rewrite helpers: the module's logger (found or added) and the log call put into a handler."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node

from backfix.bindings import bound_names
from backfix.cst_utils import single_assignment
from backfix.imports import (
    add_import,
    detach_leading_comments,
    import_block_end,
    space_after_imports,
)
from backfix.logger_style import (
    LOGURU,
    STDLIB,
    STRUCTLOG,
    LoggerStyle,
    project_logger_style,
    structlog_style,
)
from backfix.templating import render

from .analyze import SWALLOW, handler_kind

LOGGER_FACTORIES = frozenset({"getLogger", "get_logger"})
#: the modules ``get_logger`` is imported from in a structlog project
_STRUCTLOG_MODULES = frozenset({"structlog", "structlog.stdlib"})


@dataclass(frozen=True)
class LoggerSite:
    """The logger a log call uses: its name and where it is defined."""

    name: str
    index: int | None  # top-level statement index of the definition; None when we add one


def _single_small(stmt: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt.body[0]
    return None


def find_logger(module: cst.Module, configured: str) -> LoggerSite | None:
    """The module's logger: ``<name> = ...getLogger(...)``, or ``logger`` imported from elsewhere."""
    for index, stmt in enumerate(module.body):
        small = _single_small(stmt)
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            # `from loguru import logger`, `from app.log import logger`: the module's own logger.
            if configured in bound_names(small):
                return LoggerSite(configured, index)
            continue
        assignment = single_assignment(stmt)
        if assignment is None:
            continue
        target, value = assignment
        if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
            continue
        func = value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if name in LOGGER_FACTORIES:
            return LoggerSite(target.value, index)
    return None


def logger_site(module: cst.Module, configured: str, shadowed: Collection[str] = ()) -> LoggerSite:
    """The module's logger, or the free name (``logger``, else ``_logger``...) of one to add: free
    in the module and not among the ``shadowed`` names (bound locally where it is called)."""
    existing = find_logger(module, configured)
    if existing is not None:
        return existing
    name = configured
    taken = module_names(module) | set(shadowed)
    while name in taken:
        name = f"_{name}"
    return LoggerSite(name, None)


def module_names(module: cst.Module) -> set[str]:
    """Names bound in the module that a new logger must not shadow (function bodies aside)."""
    names: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        else:
            names.update(bound_names(stmt))
    return names


def function_bindings(node: cst.FunctionDef) -> set[str]:
    """Names a function binds itself (parameters and assignments in its body)."""
    return set(bound_names(node.params)) | set(bound_names(node.body))


class _SilentHandlerScopes(cst.CSTVisitor):
    """The names bound by the functions that hold a bare handler that swallows."""

    def __init__(self) -> None:
        self.functions: list[cst.FunctionDef] = []
        self.names: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is None and handler_kind(node.body) == SWALLOW:
            for function in self.functions:
                self.names |= function_bindings(function)


def silent_handler_locals(module: cst.Module) -> set[str]:
    """Names a logger added for the swallowing bare handlers of ``module`` must not take: those the
    functions around them bind (``logger = logging.getLogger("werkzeug")`` later in the same
    function makes ``logger`` local there)."""
    visitor = _SilentHandlerScopes()
    module.visit(visitor)
    return visitor.names


def _imported_as(module: cst.Module, library: str) -> str | None:
    """The name the module imports ``library`` (``logging``, ``structlog``) under, if it does."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                dotted = get_full_name_for_node(alias.name) or ""
                asname = alias.asname.name if alias.asname is not None else None
                if dotted == library and isinstance(asname, cst.Name):
                    return asname.value
                if asname is None and (dotted == library or dotted.startswith(f"{library}.")):
                    return library  # `import logging.handlers` binds `logging` too
    return None


def _structlog_factory(module: cst.Module) -> str | None:
    """How the module spells structlog's ``get_logger``, if it imports structlog at top level:
    ``structlog.get_logger`` (``import structlog``), or ``get_logger`` (``from structlog import
    get_logger``, also from ``structlog.stdlib``)."""
    imported = _imported_as(module, STRUCTLOG)
    if imported is not None:
        return f"{imported}.get_logger"
    for stmt in module.body:
        small = _single_small(stmt)
        if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
            continue
        source = get_full_name_for_node(small.module) if small.module is not None else ""
        if source not in _STRUCTLOG_MODULES:
            continue
        for alias in small.names:
            if get_full_name_for_node(alias.name) == "get_logger":
                bound = alias.asname.name if alias.asname is not None else alias.name
                return bound.value if isinstance(bound, cst.Name) else None
    return None


def _logger_style(module: cst.Module, root: Path | None) -> LoggerStyle:
    """How to define a logger added to ``module``: with structlog when the module imports it, or
    when the project logs with it and the name the import binds is free; else with the standard
    library."""
    if _structlog_factory(module) is not None:
        return structlog_style(root)
    style = STDLIB if root is None else project_logger_style(root)
    bound = "get_logger" if style.from_import else STRUCTLOG
    if style.library == STRUCTLOG and bound in module_names(module):
        return STDLIB
    return style


def add_logger(
    module: cst.Module, name: str, overrides: list[str], root: Path | None
) -> cst.Module:
    """Insert the logger definition after the module's imports, and the import it needs.

    The logger follows the module, then the project (see :mod:`backfix.logger_style`):
    structlog's ``get_logger()`` where they log with structlog, loguru's ``logger`` imported
    where the project imports it, else ``logging.getLogger(__name__)``. When the module already
    binds ``logging`` to something else (``from mylib import logging``), the standard module is
    imported under a free name (``import logging as _logging``).
    """
    style = _logger_style(module, root)
    if style.library == LOGURU:
        asname = None if name == "logger" else name
        return add_import(module, "loguru", "logger", asname=asname, root=root)
    if style.library == STRUCTLOG:
        factory = _structlog_factory(module)
        if factory is None and style.from_import:
            factory = "get_logger"
            module = add_import(module, STRUCTLOG, "get_logger", root=root)
        elif factory is None:
            factory = "structlog.get_logger"
            module = add_import(module, STRUCTLOG, root=root)
        code = render(
            "bare-except/structlog_logger_definition.py.j2",
            overrides,
            logger=name,
            factory=factory,
            argument=style.argument,
        )
        return _with_definition(module, code)
    logging_name = _imported_as(module, "logging")
    if logging_name is None:
        taken = module_names(module)
        logging_name = "logging"
        while logging_name in taken:
            logging_name = f"_{logging_name}"
        asname = None if logging_name == "logging" else logging_name
        module = add_import(module, "logging", asname=asname, root=root)
    code = render(
        "bare-except/logger_definition.py.j2",
        overrides,
        logger=name,
        logging_module=logging_name,
    )
    return _with_definition(module, code)


def _with_definition(module: cst.Module, code: str) -> cst.Module:
    """``module`` with the statement ``code`` right after its imports."""
    header_end = import_block_end(module)
    if header_end == 0:
        module = detach_leading_comments(module)
    body = list(module.body)
    if header_end < len(body):
        body[header_end] = space_after_imports(body[header_end])
    definition = cst.parse_statement(code).with_changes(
        leading_lines=[cst.EmptyLine()] if header_end else []
    )
    body.insert(header_end, definition)
    return module.with_changes(body=body)


def prepend(body: cst.BaseSuite, statement: cst.BaseStatement) -> cst.BaseSuite:
    """``body`` with ``statement`` first; a lone ``pass`` (or ``...``) with no comment of its own
    gives way to it, since the handler is no longer empty."""
    if isinstance(body, cst.SimpleStatementSuite):
        # `except: pass  # why` becomes an indented block; the comment stays on the header line.
        kept = [] if _placeholders(body.body) else [cst.SimpleStatementLine(body=body.body)]
        return cst.IndentedBlock(header=body.trailing_whitespace, body=[statement, *kept])
    assert isinstance(body, cst.IndentedBlock)
    if len(body.body) == 1 and _bare_placeholder(body.body[0]):
        return body.with_changes(body=[statement])
    return body.with_changes(body=[statement, *body.body])


def _bare_placeholder(statement: cst.BaseStatement) -> bool:
    """A ``pass``/``...`` line with no comment above or beside it."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and _placeholders(statement.body)
        and statement.trailing_whitespace.comment is None
        and all(line.comment is None for line in statement.leading_lines)
    )


def _placeholders(small: Sequence[cst.BaseSmallStatement]) -> bool:
    """Only ``pass`` or ``...`` statements."""
    return all(
        isinstance(node, cst.Pass)
        or (isinstance(node, cst.Expr) and isinstance(node.value, cst.Ellipsis))
        for node in small
    )
