"""Make clients built at import time lazy: a cached getter replaces the module variable.

What:
    A module-level ``name = <call>`` where the call is a known client constructor
    (``redis.Redis(...)``, ``redis.Redis.from_url(...)``, ``redis.from_url(...)``,
    ``boto3.client/resource(...)``, ``httpx.Client/AsyncClient(...)``, ``Elasticsearch(...)``,
    ``MongoClient(...)``, ``AsyncIOMotorClient(...)``, OpenAI/Anthropic clients..., resolved through
    the module's imports and aliases), or any constructor call whose arguments read configuration
    (``settings.X``, ``get_settings().X``, ``config[...]``, ``app.config[...]``, ``os.environ[...]``,
    ``os.getenv(...)``), also inside a module-level ``if``/``try`` block, becomes::

        @functools.cache
        def get_name() -> redis.Redis:
            return redis.Redis.from_url(settings.REDIS_URL)

    (``functools.lru_cache(maxsize=None)`` when the project supports Python older than 3.9; the
    return annotation only when the client's class is known). Every use in the module calls
    ``get_name()``; across the project ``from x import name`` becomes ``from x import get_name``
    and its uses ``get_name()``, and ``x.name`` becomes ``x.get_name()``.
    A client built in a module-level ``if``/``try`` keeps that block, unchanged, as the getter's
    body, followed by ``return name``.

Why:
    ``redis_client = redis.Redis.from_url(settings.REDIS_URL)`` runs when the module is imported: an
    empty or malformed setting fails the import of every module that imports it, and with it the
    whole app, also the endpoints that never need the client; a client that connects in its
    constructor connects at import; tests cannot swap the client before it is built.

Safety:
    The getter builds the client once, at its first use, and returns that same object afterwards.
    A client is left as it is, and reported with the reason, when any use anywhere would change
    meaning: it is assigned again (also through ``global`` or ``module.name = ...``), deleted, a
    parameter default, used at import time (module level, class bodies, decorators), listed in
    ``__all__``, re-exported by another module, star-imported, named by string (``mock.patch``),
    built in a block that binds other names too, or when ``get_<name>`` is already taken.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from backfix.codemod import Codemod, Plan, ProjectContext
from backfix.cst_unit_positions import lines_match
from backfix.imports import project_root
from backfix.results import REVIEW, FileFacts
from backfix.source import SourceFile

from .quick import may_build_a_client

if TYPE_CHECKING:
    import libcst as cst

    from .model import Client, FileEdits, ModuleFacts

# The analysis, the planner and the rewrite are imported where they are first needed: most files,
# and most projects, build no client at import time, and a scan of those needs none of them.

#: ``name = something(`` (or ``name: T = something(``, or ``name = (`` then ``something(`` on the
#: next line), after the indentation when indented.
_CALL = rb"[A-Za-z_]\w*[ \t]*(?::[^=\n]+)?=[ \t]*(?:\([ \t]*\n?[ \t]*)?[\w.]+[ \t]*\("
#: such an assignment at top level, or in the first indented lines after a top-level
#: ``if``/``try``/``else``/``except``... line (a client built in a module-level block).
_ASSIGNS_CALL = re.compile(
    rb"(?m)^(?:"
    + _CALL
    + rb"|(?:if|elif|else|try|except|finally)\b[^\n]*\n(?:(?:[ \t][^\n]*|#[^\n]*)?\n)*?[ \t]+"
    + _CALL
    + rb")"
)


class LazyClients(Codemod["ModuleFacts", "FileEdits"]):
    """Module-level clients built at import time → cached getters built at first use."""

    SUMMARY = "Replace clients built at import time (Redis, httpx, boto3... from settings) with cached getters"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = _ASSIGNS_CALL
    LOCAL: ClassVar[bool] = False
    EXAMPLE = (
        "import redis\n\n"
        "from app.config import settings\n\n"
        "redis_client = redis.Redis.from_url(settings.REDIS_URL)\n\n\n"
        "def cached(key):\n"
        "    return redis_client.get(key)\n"
    )

    def analyze(self, source: SourceFile) -> FileFacts[ModuleFacts]:
        """The clients a module builds at import time, with the uses the plan needs."""
        tree = source.ast_module()
        if tree is not None and not may_build_a_client(tree):
            return FileFacts(source.path)  # spares the LibCST parse of most files
        from .analyze import analyze_module

        facts = analyze_module(source.module, with_uses=False, tree=_line_tree(source))
        if not facts.clients:
            return FileFacts(source.path)
        return self.analyze_for_plan(source)

    def analyze_for_plan(self, source: SourceFile) -> FileFacts[ModuleFacts]:
        """Full facts of a module: its clients and how it uses what it imports."""
        from .analyze import analyze_module

        facts = analyze_module(source.module, with_uses=True, tree=_line_tree(source))
        violations = tuple(
            self.violation(
                source,
                client.line,
                client.col,
                _message(client),
                snippet=client.snippet,
                tier=REVIEW,
            )
            for client in facts.clients
        )
        return FileFacts(source.path, violations, facts)

    def plan(
        self, facts: Sequence[FileFacts[ModuleFacts]], project: ProjectContext
    ) -> Plan[FileEdits]:
        """Follow each client across the project; fix it everywhere or report why not."""
        if all(fact.data is None for fact in facts):
            # no file builds a client: what ``plan_clients`` returns then
            return Plan(violations=[v for fact in facts for v in fact.violations])
        from .plan import plan_clients

        return plan_clients(self.ID, facts, project)

    def rewrite(self, source: SourceFile, edits: FileEdits) -> cst.Module:
        """Turn this file's clients into getters and its uses into calls."""
        from .rewrite import rewrite_module

        root = project_root(source.abs_path, source.path)
        return rewrite_module(source.module, edits, source.abs_path, root)


def _line_tree(source: SourceFile) -> ast.Module | None:
    """`ast` of the file, whose statements are where LibCST has them (positions are then worked
    out from it), or None."""
    return source.ast_module() if lines_match(source.raw) else None


def _message(client: Client) -> str:
    """What is wrong with a client, in the words of what happens at import."""
    built = f"`{client.name}` is built when the module is imported (`{client.constructor}(...)`: {client.why})"
    if client.block == "try":
        return (
            f"{built}, in the module-level `try` block on line {client.block_line}: every import "
            "reads the settings and builds the client, also where it is never used, and fails "
            "on any error the handlers do not catch"
        )
    if client.block:
        return f"{built}, in the module-level `{client.block}` block on line {client.block_line}; {_AT_IMPORT}"
    return f"{built}; {_AT_IMPORT}"


#: what building a client at import time does, for the message; many clients (redis-py, httpx)
#: do not connect in their constructor, so an unreachable service alone does not fail the import.
_AT_IMPORT = (
    "a configuration error (a missing or malformed setting) fails the import, a client that "
    "connects when built connects at import, and tests cannot swap it before it is built"
)
