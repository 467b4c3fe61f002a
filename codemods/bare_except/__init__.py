"""Replace bare ``except:`` handlers, which also catch ``KeyboardInterrupt`` and ``SystemExit``.

What:
    * ``except:`` becomes ``except Exception:``;
    * a handler whose body ends in a bare ``raise`` becomes ``except BaseException:``, the exact
      equivalent, so cleanup-then-re-raise keeps running on Ctrl-C; so does one that ends the
      process (``sys.exit(1)``, ``os._exit(1)``, ``raise SystemExit``), which must go on ending
      it whatever was raised;
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
from functools import partial
from typing import ClassVar

import libcst as cst

from backfix.ast_utils import yields as ast_yields
from backfix.codemod import CodemodOptions
from backfix.cst_walk import OwnScopeVisitor, walk, yields
from backfix.imports import import_block_end, project_root
from backfix.local import LocalCodemod
from backfix.options import option
from backfix.results import REVIEW, SAFE
from backfix.source import SourceFile
from backfix.templating import render

from .analyze import CATCH, EXIT, RERAISE, SWALLOW, ast_handler_kind, handler_kind
from .rewrite import (
    LoggerSite,
    add_logger,
    find_logger,
    function_bindings,
    logger_site,
    prepend,
    silent_handler_locals,
)
from .suppressions import handler_without_stale_codes

__all__ = ["CATCH", "EXIT", "MESSAGES", "RERAISE", "SWALLOW", "YIELDS_REASON", "BareExcept"]

MESSAGES = {
    RERAISE: "bare `except:` re-raises; `except BaseException:` says the same explicitly",
    EXIT: "bare `except:` ends the process; `except BaseException:` says the same explicitly",
    SWALLOW: "bare `except:` silently swallows every exception, KeyboardInterrupt and SystemExit too",
    CATCH: "bare `except:` also catches KeyboardInterrupt and SystemExit",
}

YIELDS_REASON = (
    "the `try` body yields, so this handler also runs on GeneratorExit when the generator is closed "
    "early; `except Exception:` would skip it (cleanup belongs in `finally`)"
)
YIELDS_REASON_ID = "handler-around-yield"

#: handlers live only in statement bodies: the visit skips the inside of simple statements and
#: expressions, which is most of a module.
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


def _tier(kind: str) -> str:
    """Re-raising through ``except BaseException:`` is the exact equivalent; the others change
    what is caught."""
    return SAFE if _exact(kind) else REVIEW


def _exact(kind: str) -> bool:
    """Whether ``except BaseException:`` is the exact equivalent of the bare handler: it
    re-raises, or ends the process, whatever it caught."""
    return kind in (RERAISE, EXIT)


def _key(kind: str) -> str:
    """A handler's fingerprint key: what it does, so fingerprints survive edits of its body."""
    return f"except:{kind}"


@dataclass(frozen=True)
class BareExceptOptions(CodemodOptions):
    """Options of bare-except (``[tool.backfix.bare-except]``, ``-o key=value``)."""

    log_swallowed: bool = option(
        True,
        help="bare-except: no log call in swallowing handlers.",
        flag="--no-logging",
        flag_value=False,
        rewrite_only=True,
    )
    log_method: str = option("exception", help="Logger method the log call uses.")
    log_message: str = option("Suppressed exception", help="Message of the log call.")
    logger_name: str = option("logger", help="Name of the logger added when the module has none.")
    templates: str = option(
        "",
        help="Folder whose jinja2 templates override the bundled ones.",
        flag="--templates",
        is_path=True,
        rewrite_only=True,
    )


class BareExcept(LocalCodemod):
    """Bare ``except:`` → ``except Exception:`` (or ``BaseException`` when it re-raises)."""

    SUMMARY = (
        "Replace bare `except:` with `except Exception:` (BaseException when it re-raises or exits)"
    )
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(rb"except[ \t]*:")
    DESCEND_INTO = _MAY_HOLD_HANDLERS
    AST_DETECTION = True
    Options = BareExceptOptions
    options: BareExceptOptions
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

    def begin(self, source: SourceFile) -> None:
        """Per-file state of a rewrite: the logger, the log call, and how many were inserted."""
        self._site: LoggerSite | None = None
        self._log_call: cst.BaseStatement | None = None
        self._bindings: dict[int, set[str]] = {}
        self._logged = 0

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Report a bare handler; fixable unless it is a cleanup handler around a ``yield``."""
        if node.type is not None:
            return
        kind = handler_kind(node.body)
        parent = self.ancestors[-1]
        assert isinstance(parent, cst.Try)
        if not _exact(kind) and yields(parent.body):
            self.report(
                node,
                MESSAGES[kind],
                reason=YIELDS_REASON,
                reason_id=YIELDS_REASON_ID,
                tier=_tier(kind),
                key=_key(kind),
            )
            return
        log = kind == SWALLOW and self.options.log_swallowed and not _answers_next(self.ancestors)
        where = (
            self.ancestors[1],
            tuple(a for a in self.ancestors if isinstance(a, cst.FunctionDef)),
        )
        fix = partial(self._fix, kind, where if log else None)
        self.report(node, MESSAGES[kind], replacement=fix, tier=_tier(kind), key=_key(kind))

    def ast_visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        """The analysis' twin of :meth:`visit_ExceptHandler`: the same report, read from `ast`."""
        if node.type is not None:
            return
        kind = ast_handler_kind(node.body)
        parent = self.ast_ancestors[-1]
        assert isinstance(parent, ast.Try)
        manual = not _exact(kind) and ast_yields(parent.body)
        self.report_ast(
            node,
            MESSAGES[kind],
            key=_key(kind),
            fixable=not manual,
            reason=YIELDS_REASON if manual else "",
            reason_id=YIELDS_REASON_ID if manual else "",
            tier=_tier(kind),
        )

    def _fix(
        self,
        kind: str,
        log_where: tuple[cst.CSTNode, tuple[cst.FunctionDef, ...]] | None,
        handler: cst.ExceptHandler,
    ) -> cst.ExceptHandler:
        logged = log_where is not None and self._may_log(*log_where)
        new = handler_without_stale_codes(handler, logged, broad=not _exact(kind)).with_changes(
            type=cst.Name("BaseException" if _exact(kind) else "Exception"),
            whitespace_after_except=cst.SimpleWhitespace(" "),
        )
        if logged:
            new = new.with_changes(body=prepend(new.body, self._log_statement()))
            self._logged += 1
        return new

    def _site_of_logger(self) -> LoggerSite:
        if self._site is None:
            module, name = self.source.module, self.options.logger_name
            self._site = find_logger(module, name) or logger_site(
                module, name, shadowed=silent_handler_locals(module)
            )
        return self._site

    def _log_statement(self) -> cst.BaseStatement:
        if self._log_call is None:
            code = render(
                "bare-except/log_call.py.j2",
                self._overrides(),
                logger=self._site_of_logger().name,
                method=self.options.log_method,
                message=self.options.log_message,
            )
            self._log_call = cst.parse_statement(code)
        return self._log_call

    def _overrides(self) -> list[str]:
        return [self.options.templates] if self.options.templates else []

    def _may_log(self, statement: cst.CSTNode, functions: tuple[cst.FunctionDef, ...]) -> bool:
        """May this handler log through the module's logger?

        A handler outside any function runs at import time, so it may log only when the logger is
        defined above its top-level statement. Inside a function that binds the logger's name itself
        (a parameter ``log``, say), the name is not the module's logger: no log call there.
        """
        site = self._site_of_logger()
        if not functions:
            index = next(i for i, stmt in enumerate(self.source.module.body) if stmt is statement)
            if site.index is None:
                return index >= import_block_end(self.source.module)
            return index > site.index
        for function in functions:
            if id(function) not in self._bindings:
                self._bindings[id(function)] = function_bindings(function)
            if site.name in self._bindings[id(function)]:
                return False
        return True

    def finish(self, source: SourceFile, module: cst.Module) -> cst.Module:
        """Add the logger (and ``import logging``) when a log call was inserted and none exists."""
        if self._logged and self._site_of_logger().index is None:
            root = project_root(source.abs_path, source.path)
            module = add_logger(module, self._site_of_logger().name, self._overrides(), root)
        return module


def _answers_next(ancestors: Sequence[cst.CSTNode]) -> bool:
    """Whether the ``try`` (the last of ``ancestors``) tries for the caller's answer and its
    handler falls through to a default one: the ``try`` returns a value, and the statement after
    it is ``return <value>`` (``return None, None``). That is a handler that returns its default
    itself, written another way, and gets no log call either. A ``try`` that only does something
    (sends a notification) before the function goes on is still logged."""
    statement, block = ancestors[-1], ancestors[-2]
    assert isinstance(statement, cst.Try)
    body: Sequence[cst.CSTNode] = getattr(block, "body", ())
    index = next((i for i, s in enumerate(body) if s is statement), len(body))
    following = body[index + 1] if index + 1 < len(body) else None
    if following is None and len(ancestors) > 2 and isinstance(ancestors[-3], cst.FunctionDef):
        # the last statement of a predicate (`return True` when the check passes): falling off
        # its end answers `None`, a no, as `return False` in the handler would
        return _answers_yes_or_no(ancestors[-3])
    return (
        isinstance(following, cst.SimpleStatementLine)
        and _returns_value(following)
        and _returns_value(statement.body)
    )


def _answers_yes_or_no(function: cst.FunctionDef) -> bool:
    """Whether every ``return`` of ``function``'s own that gives a value gives ``True`` or
    ``False``, and one does."""
    finder = _ValueReturnFinder()
    walk(function.body, finder)
    return bool(finder.values) and all(
        isinstance(value, cst.Name) and value.value in {"True", "False"} for value in finder.values
    )


class _ValueReturnFinder(OwnScopeVisitor):
    def __init__(self) -> None:
        self.values: list[cst.BaseExpression] = []

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.values.append(node.value)


def _returns_value(node: cst.CSTNode) -> bool:
    """Whether ``node`` holds a ``return <value>`` of its own (not of a nested function)."""
    finder = _ValueReturnFinder()
    walk(node, finder)
    return bool(finder.values)
