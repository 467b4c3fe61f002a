"""Rewrite the legacy SQLAlchemy ``Query`` API to 2.0 ``select()``, synchronously or on AsyncSession.

What:
    * ``session.query(User).filter(...).all()`` → ``session.scalars(select(User).where(...)).all()``,
      with the exact result shapes of ``reference/sqlalchemy-2-mapping.md`` (objects vs rows,
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
    A chain is rewritten whole or not at all. Whatever the spec lists for manual review (queries passed
    around as values, string joins, ``yield_per``, ``Query`` subclass methods, ``q[i]``, Flask-SQLAlchemy
    in async mode, calls from lambdas/properties/dunders/callbacks...) is reported with a reason.

Options:
    ``mode`` = ``auto`` | ``sync`` | ``async``; ``session_names``: extra names (variables, parameters,
    ``self.<name>`` attributes) to treat as sessions; ``convert_engine``: convert the plumbing in
    ``auto`` mode too; ``async_url``: the engine URLs the tool cannot read name an async driver.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import libcst as cst

from backfix.codemod import Codemod, ConfigError, Plan, ProjectContext
from backfix.imports import first_party_packages, project_root
from backfix.results import REVIEW, FileFacts, Violation
from backfix.source import SourceError, SourceFile, parse_cst
from backfix.versions import RUNNING, Found, VersionError, find_versions

from ._async_queries.graph import Planner, PlanOutcome, find_db_module, project_files
from ._async_queries.mappings import read_mappings
from ._async_queries.model import FileEdits, ModuleFacts, Target
from ._async_queries.plumbing_plan import DRIVER_PACKAGES, PlumbingOptions, is_test
from ._async_queries.scan import scan
from ._async_queries.transform import rewrite_module

MODES = ("auto", "sync", "async")
#: what makes a file worth a full scan: a query, an async session, a dependency, an engine.
_RELEVANT = re.compile(
    # `.query(` / `.query.` (and a Query kept in a variable at line end), not `url.query` reads.
    rb"(?m)\.query\s*[(.]|\.query[ \t]*$|AsyncSession|async_sessionmaker|async_scoped_session|create_async_engine"
    rb"|Depends\(|Security\(|sessionmaker\(|create_engine\(|SQLAlchemy\(|Session|create_all\("
)
_MAX_EXTRA_BYTES = 1_000_000


class AsyncQueries(Codemod):
    """Legacy ``Query`` → 2.0 ``select()``; sync, async, or chosen per file (``auto``)."""

    SUMMARY = "Rewrite legacy SQLAlchemy Query calls to 2.0 select(), sync or async (with await propagation)"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(
        # `.query(` / `.query.` (and a Query kept in a variable at line end), not `url.query` reads.
        rb"(?m)\.query\s*[(.]|\.query[ \t]*$|AsyncSession|async_sessionmaker|"
        rb"create_engine\(|sessionmaker\(|\bSession\b|\.(?:create|drop)_all\(|"
        rb"\.(?:execute|scalars?|commit|flush|refresh|delete|get|get_one|merge|rollback|close"
        rb"|stream|stream_scalars|run_sync|exec)\s*\("
        rb"|\.\w+\.(?:filter|filter_by|order_by|all|count|first|paginate|limit|offset)\("
    )
    LOCAL = False
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "mode": "auto",
        "session_names": [],
        "convert_engine": False,
        "async_url": False,
    }
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
        options = dict(options or {})
        for key in ("session_names", "session-names"):
            if isinstance(options.get(key), str):  # `-o session_names=db_session,db`
                options[key] = [n.strip() for n in options[key].split(",") if n.strip()]
        super().__init__(options)
        if self.options["mode"] not in MODES:
            raise ConfigError(
                f"{self.ID}: option 'mode' must be one of {', '.join(MODES)}, "
                f"got {self.options['mode']!r}"
            )
        names = self.options["session_names"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{self.ID}: option 'session_names' must be a list of names")
        self.session_names: list[str] = names
        for key in ("convert_engine", "async_url"):
            if not isinstance(self.options[key], bool):
                raise ConfigError(f"{self.ID}: option {key!r} must be true or false")

    def analyze(self, source: SourceFile) -> FileFacts:
        """Find legacy chains, unawaited AsyncSession calls, functions and calls of one file."""
        if not self.session_names and not _RELEVANT.search(source.raw):
            # No query, no async session in sight: the plan scans it lazily if propagation needs it.
            return FileFacts(source.path, (), None)
        result, _ = scan(source.path, source.module, source.text, self.session_names)
        return FileFacts(source.path, (), result.facts)

    def plan(self, facts: Sequence[FileFacts], project: ProjectContext) -> Plan:
        """Pick modes, propagate `async` across the project, settle manual reviews."""
        modules = [f.data for f in facts if isinstance(f.data, ModuleFacts)]
        known = {m.path for m in modules}
        exclude = [str(g) for g in project.config.get("exclude", [])]
        others = project_files(project.root, exclude, known)
        loaded = set(known)
        texts: dict[str, bytes] = {}

        def load_extra(names: set[str]) -> list[ModuleFacts]:
            if not names:
                return []
            words = b"|".join(re.escape(n.encode()) for n in sorted(names))
            pattern = re.compile(rb"\b(?:" + words + rb")\b")
            wanted = [
                p
                for p in others
                if p not in loaded and pattern.search(self._text(project, p, texts))
            ]
            loaded.update(wanted)
            return self._scan_extra(project, wanted, texts)

        def db_module() -> str:
            for module in modules:
                if module.defines_db:
                    return module.module
            return find_db_module(project.root, others)

        versions = _versions(project)
        extras: list[ModuleFacts] = []

        def load_and_keep(names: set[str]) -> list[ModuleFacts]:
            found = load_extra(names)
            extras.extend(found)
            return found

        mode = self.options["mode"]
        convert = mode == "async" or (mode == "auto" and self.options["convert_engine"])
        if convert and mode == "auto" and any(_sync_plumbing(m) for m in modules):
            mode = "async"  # the sessions are about to become AsyncSession
        mappings = read_mappings(project.root, sorted(known) + others)
        options = plumbing_options(project, versions, self.options) if convert else None

        def plan_once(plumbing: PlumbingOptions | None) -> tuple[Planner, PlanOutcome]:
            planner = Planner(
                modules,
                mode,
                load_and_keep,
                mappings,
                project.read,
                dynamic_paths=sorted({f.path for f in facts}),
                target=target_of(versions),
                plumbing=plumbing,
            )
            for extra in list(extras):
                planner.index.add(extra)
            return planner, planner.run(db_module)

        planner, outcome = plan_once(options)
        stop = _plumbing_stop(planner)
        if options is not None and stop is not None:
            _, outcome = plan_once(replace(options, refuse=stop))
        violations = [
            Violation(
                path=f.path,
                line=f.line,
                col=f.col + 1,  # LibCST columns are 0-based; violations carry 1-based ones
                codemod=self.ID,
                message=f.message,
                fixable=f.fixable,
                reason=f.reason,
                scope=f.scope,
                snippet=f.snippet,
                tier=REVIEW,
            )
            for f in outcome.findings
        ]
        assumed = ", ".join(found.describe() for found in versions.values())
        return Plan(
            violations=violations,
            edits=dict(outcome.edits),
            notes=outcome.notes,
            assumptions=[f"{self.ID}: {assumed}"],
        )

    @staticmethod
    def _text(project: ProjectContext, rel: str, texts: dict[str, bytes]) -> bytes:
        if rel not in texts:
            raw = project.read(rel) or b""
            texts[rel] = raw if len(raw) <= _MAX_EXTRA_BYTES else b""
        return texts[rel]

    def _scan_extra(
        self, project: ProjectContext, paths: list[str], texts: dict[str, bytes]
    ) -> list[ModuleFacts]:
        """Facts of project files outside the scanned paths: callers live there too."""
        found: list[ModuleFacts] = []
        for rel in paths:
            raw = self._text(project, rel, texts)
            try:
                module = parse_cst(raw)
                result, _ = scan(rel, module, raw.decode("utf-8", "replace"), self.session_names)
            except (SourceError, RecursionError):
                continue
            found.append(result.facts)
        return found

    def rewrite(self, source: SourceFile, edits: Any) -> cst.Module:
        """Apply one file's planned edits."""
        assert isinstance(edits, FileEdits)
        root = project_root(source.abs_path, source.path)
        first_party = first_party_packages(source.abs_path, root)
        return rewrite_module(
            source.path, source.module, source.text, self.session_names, edits, root, first_party
        )


def _versions(project: ProjectContext) -> dict[str, Found]:
    overrides = project.config.get("versions", {})
    if not isinstance(overrides, dict):
        raise ConfigError("[tool.backfix.versions] must be a table")
    try:
        return find_versions(Path(project.root), overrides)
    except VersionError as exc:
        raise ConfigError(str(exc)) from None


def _plumbing_stop(planner: Planner) -> tuple[str, int, str] | None:
    """A caller that cannot await what the plumbing made async: then the unit stays manual.

    Tests are reported where they stop, like any propagation boundary; they do not block the app.
    """
    for path, line, trail in planner.plumbing_stops:
        if not is_test(path):
            name = trail.split(" ← ")[-1]
            why = (
                f"a caller cannot await `{name}`, which the conversion makes async (chain: {trail})"
            )
            return path, line, why
    return None


def _sync_plumbing(module: ModuleFacts) -> bool:
    """Does the module create sync engines or sessions (what ``convert_engine`` converts)?"""
    return module.plumbing is not None and any(
        role in {"create_engine", "sessionmaker", "Session"}
        for _, role, _ in module.plumbing.symbols
    )


def plumbing_options(
    project: ProjectContext, versions: dict[str, Found], options: Mapping[str, Any]
) -> PlumbingOptions:
    """What the plumbing conversion may emit, and which async drivers the project already has."""
    try:
        found = find_versions(Path(project.root), None, packages=DRIVER_PACKAGES)
    except VersionError:
        found = {}
    drivers = {name: f for name, f in found.items() if f.source != RUNNING}
    return PlumbingOptions(
        async_url=bool(options["async_url"]),
        sqlalchemy2=versions["sqlalchemy"].at_least("2.0") is not False,
        drivers=drivers,
    )


def target_of(versions: dict[str, Found]) -> Target:
    """What the rewrite may emit, given the library versions the project runs on.

    An unknown Flask-SQLAlchemy version gets the forms that work on 2.x and 3.x alike; an unknown
    SQLAlchemy is taken to be 1.4.24 or later (every Flask-SQLAlchemy 3 requires it).
    """
    sqlalchemy = versions["sqlalchemy"]
    refuse = ""
    if sqlalchemy.at_least("1.4") is False:
        refuse = (
            f"the project runs on {sqlalchemy.describe()}, which has no 2.0-style `select()` "
            "API: upgrade to SQLAlchemy 1.4 first (or set `[tool.backfix.versions] sqlalchemy` "
            "if that version is wrong)"
        )
    return Target(
        fsa3=versions["flask-sqlalchemy"].at_least("3.0") is True,
        session_scalars=sqlalchemy.at_least("1.4.24") is not False,
        refuse=refuse,
    )
