"""Rewrite the legacy SQLAlchemy ``Query`` API to 2.0 ``select()``, synchronously or on AsyncSession.

What:
    * ``session.query(User).filter(...).all()`` → ``session.scalars(select(User).where(...)).all()``,
      with the exact result shapes of the legacy API (objects vs rows,
      ``.unique()`` where legacy de-duplicated, ``.limit(1)`` for ``first()``, ``count()`` via a
      subquery, ``scalar()`` → ``scalar_one_or_none()``, ``get()`` → ``session.get()``, bulk
      ``update()``/``delete()`` statements, query variables rebuilt over several statements);
    * Flask-SQLAlchemy ``Model.query...`` → ``db.session.scalars(db.select(Model)...)``, including
      ``get_or_404``, ``first_or_404``, ``one_or_404`` and ``paginate``;
    * ``--mode async`` (or ``auto`` on an AsyncSession): the statements are awaited, missing awaits on
      AsyncSession methods are added, and enclosing functions become ``async def`` up the call graph,
      across files, with ``await`` at every resolved call site;
    * the session plumbing of a sync app (``--mode async``, or ``convert_engine``): engine, session
      factory, ``Session(engine)``, session dependencies, annotations, ``create_all``, SQLModel's
      ``AsyncSession``, converted across files as one unit or left manual as a whole.

Why:
    ``Query`` is legacy in SQLAlchemy 2.0, and ``AsyncSession`` has no ``query()`` at all: an app moved
    to ``create_async_engine`` crashes with ``'AsyncSession' object has no attribute 'query'``.

Safety:
    A chain is rewritten whole or not at all. What has no exact equivalent (queries passed
    around as values, string joins, ``yield_per``, ``Query`` subclass methods, ``q[i]``, Flask-SQLAlchemy
    in async mode, calls from lambdas/properties/dunders/callbacks...) is reported with a reason.

Options:
    ``mode`` = ``auto`` | ``sync`` | ``async``; ``session_names``: extra names (variables, parameters,
    ``self.<name>`` attributes) to treat as sessions; ``convert_engine``: convert the plumbing in
    ``auto`` mode too; ``async_url``: the engine URLs the tool cannot read name an async driver.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import libcst as cst

from backfix.codemod import Codemod, CodemodOptions, Plan, ProjectContext
from backfix.imports import first_party_packages, project_root
from backfix.options import option
from backfix.results import FileFacts
from backfix.session_registries import foreign_session_classes, registry_options
from backfix.source import SourceFile

from .analyze import needs_plumbing, scan
from .mappings import ParseFailure
from .model import FileEdits, ModuleFacts
from .plan import PlanRequest, converts_plumbing, plan_project
from .quick_chains import chain_facts
from .tree_facts import TreeFacts, plain_utf8, read_tree_facts, source_tree

MODES = ("auto", "sync", "async")
#: `.query(` / `.query.`, also continued after a backslash (``Model.query \``), `.query` at
#: a line's end or before its comment (a Query kept in a variable, a chain continued in
#: brackets), and a class's `.query` anywhere (``narrow(Officer.query)``, passed on as a value);
#: not `url.query` reads.
_QUERY_USE = rb"(?m)\.query(?:\s|\\)*[(.]|\.query[ \t]*(?:#.*)?$|\b[A-Z]\w*\.query\b"

#: what makes a file worth a full scan: a query, an async session, a dependency, an engine.
_RELEVANT = re.compile(
    _QUERY_USE + rb"|AsyncSession|async_sessionmaker|async_scoped_session|create_async_engine"
    rb"|Depends\(|Security\(|sessionmaker\(|create_engine\(|SQLAlchemy\(|Session|create_all\("
)


@dataclass(frozen=True)
class AsyncQueriesOptions(CodemodOptions):
    """Options of async-queries (``[tool.backfix.async-queries]``, ``-o key=value``)."""

    mode: str = option(
        "auto",
        help="async-queries: target sync 2.0 style or AsyncSession (default: auto).",
        flag="--mode",
        choices=MODES,
    )
    session_names: tuple[str, ...] = option(
        (), help="Extra names to treat as sessions.", comma_list=True
    )
    not_sessions: tuple[str, ...] = option(
        (),
        help="The project's classes named like a session class that are not one "
        "(`app.http.AsyncSession`); found in the project's code too.",
        comma_list=True,
    )
    convert_engine: bool = option(False, help="Convert the session plumbing in auto mode too.")
    async_url: bool = option(False, help="Engine URLs the tool cannot read name an async driver.")


def _never(_name: str) -> bool:
    return False


class AsyncQueries(Codemod[ModuleFacts | TreeFacts, FileEdits]):
    """Legacy ``Query`` → 2.0 ``select()``; sync, async, or chosen per file (``auto``)."""

    SUMMARY = "Rewrite legacy SQLAlchemy Query calls to 2.0 select(), sync or async (with await propagation)"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(
        _QUERY_USE + rb"|AsyncSession|async_sessionmaker|"
        # `SessionLocal()` too: a file that opens a session only to pass it on belongs to the
        # session plumbing a `--mode async` run converts.
        rb"create_engine\(|sessionmaker\(|\bSession\b|Session\w*\s*\(|\.(?:create|drop)_all\(|"
        rb"\.(?:execute|scalars?|commit|flush|refresh|delete|get|get_one|merge|rollback|close"
        rb"|stream|stream_scalars|run_sync|exec)\s*\("
        rb"|\.\w+\.(?:filter|filter_by|order_by|all|count|first|paginate|limit|offset)\("
    )
    LOCAL = False
    Options = AsyncQueriesOptions
    options: AsyncQueriesOptions
    EXAMPLE = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "class JobRepository:\n"
        "    def __init__(self, db: AsyncSession):\n"
        "        self.db = db\n\n"
        "    def list_active(self):\n"
        "        return self.db.query(Job).filter(Job.active).order_by(Job.id).all()\n\n"
        "    def first_by_title(self, title):\n"
        "        return self.db.query(Job).filter_by(title=title).first()\n"
    )

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        """Check the options; ``session_names`` also reads ``-o session_names=db_session,db``."""
        super().__init__(options)
        self.session_names: list[str] = list(self.options.session_names)
        self.not_sessions = frozenset(self.options.not_sessions)

    def project_options(
        self, files: Sequence[str], read: Callable[[str], bytes | None]
    ) -> tuple[dict[str, Any], list[str]]:
        """The project's ``scoped_session`` registries (``model.Session``) as session names, and
        its classes named like a session class that are not one (``class AsyncSession(
        requests.Session)``) as ``not_sessions``."""
        # (Not `session_like`: a registry is read through its module, `db.session`, which only a
        # listed name makes a session; `session_like` knows the bare names.)
        options, notes = registry_options(self.options.session_names, _never, files, read)
        listed = self.options.not_sessions
        # No note: most such classes are models and helpers no code took for a session.
        added = [
            name for name in sorted(foreign_session_classes(files, read)) if name not in listed
        ]
        if added:
            options["not_sessions"] = (*listed, *added)
        return options, notes

    def analyze(self, source: SourceFile) -> FileFacts[ModuleFacts | TreeFacts]:
        """Find legacy chains, unawaited AsyncSession calls, functions and calls of one file.

        Also what the plan reads from the file's `ast` tree (models, relationship accesses), so
        that it is computed here, in the pool, and cached rather than parsed again by the plan.
        """
        if (
            not self.session_names
            and not _RELEVANT.search(source.raw)
            and not self._plumbing(source)
        ):
            # No query, no async session in sight: the plan scans it lazily if propagation needs it.
            return FileFacts(source.path, (), _tree_facts(source))
        tree = source_tree(source)
        facts = self._module_facts(source, tree)
        found = read_tree_facts(source.raw, source.path, tree)
        return FileFacts(source.path, (), replace(facts, tree=found))

    def analyze_for_plan(self, source: SourceFile) -> FileFacts[ModuleFacts]:
        """The full facts of one file, also when it looks irrelevant: its functions may be callers.

        Without what ``analyze`` reads from the `ast` tree: the plan asks for these files after it
        has read the project's mappings.
        """
        return FileFacts(source.path, (), self._module_facts(source, source_tree(source)))

    def _plumbing(self, source: SourceFile) -> bool:
        """Whether the run converts the session plumbing and the file may hold some of it."""
        converts = converts_plumbing(self.options.mode, self.options.convert_engine)
        return converts and needs_plumbing(source.text)

    def _module_facts(self, source: SourceFile, tree: ast.Module | ParseFailure) -> ModuleFacts:
        """The LibCST scan's facts, read from the `ast` tree (``quick_chains``) where the run does
        not convert the session plumbing; the LibCST scan where that cannot be sure."""
        if isinstance(tree, ast.Module) and plain_utf8(source.raw) and not self._plumbing(source):
            found = chain_facts(
                source.path, source.text, tree, self.session_names, self.not_sessions
            )
            if found is not None:
                return found
        plumbing = converts_plumbing(self.options.mode, self.options.convert_engine)
        result, _ = scan(
            source.path,
            source.module,
            source.text,
            self.session_names,
            plumbing=plumbing,
            not_sessions=self.not_sessions,
        )
        return result.facts

    def plan(
        self, facts: Sequence[FileFacts[ModuleFacts | TreeFacts]], project: ProjectContext
    ) -> Plan[FileEdits]:
        """Pick modes, propagate `async` across the project, settle manual reviews."""
        request = PlanRequest(
            codemod_id=self.ID,
            mode=self.options.mode,
            convert_engine=self.options.convert_engine,
            session_names=self.session_names,
            options=self.options.as_dict(),
        )
        return plan_project(request, facts, project)

    def rewrite(self, source: SourceFile, edits: FileEdits) -> cst.Module:
        """Apply one file's planned edits."""
        from .rewrite import rewrite_module  # a scan never rewrites: it does not load this

        assert isinstance(edits, FileEdits)
        root = project_root(source.abs_path, source.path)
        first_party = first_party_packages(source.abs_path, root)
        return rewrite_module(
            source.path,
            source.module,
            source.text,
            self.session_names,
            edits,
            root,
            first_party,
            self.not_sessions,
        )


def _tree_facts(source: SourceFile) -> TreeFacts:
    return read_tree_facts(source.raw, source.path, source_tree(source))
