"""Plan the session plumbing of a sync app as one unit: everything converts, or nothing does.

The unit is every engine, session factory, ``Session(...)``, session dependency and table creation in
the analysed files. Each piece is checked (a URL whose scheme shows, keyword arguments the async
driver accepts, a place where ``await`` is possible...); one piece that cannot be converted makes the
whole unit manual, with that piece's reason repeated on every other piece, and the async query
rewrite is refused with it: an app is never left half on ``AsyncSession``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from backfix.project import is_test_module
from backfix.versions import Found

from . import reasons as R
from .model import FuncFact, Key, ModuleFacts, PlumbEdits
from .plumbing_analyze import (
    P_BAD,
    P_DEP,
    P_ENGINE,
    P_FACTORY,
    P_SESSION,
    P_TABLES,
    P_USE,
    P_WITH,
    Plumb,
    UrlFact,
)

FuncRef = tuple[str, str]


Ref = tuple[str, str]  # (module, module-level name)

#: async drivers: package to add, and the connect_args keys it accepts (None: the same as before).
DRIVERS: dict[str, tuple[str, frozenset[str] | None]] = {
    "sqlite+aiosqlite": (
        "aiosqlite",
        frozenset({"check_same_thread", "timeout", "uri", "isolation_level", "detect_types"}),
    ),
    "postgresql+asyncpg": (
        "asyncpg",
        frozenset({"ssl", "timeout", "command_timeout", "server_settings", "statement_cache_size"}),
    ),
    "postgresql+psycopg": ("psycopg", None),
    "mysql+aiomysql": (
        "aiomysql",
        frozenset({"charset", "ssl", "connect_timeout", "init_command", "sql_mode"}),
    ),
    "mysql+asyncmy": (
        "asyncmy",
        frozenset({"charset", "ssl", "connect_timeout", "init_command", "sql_mode"}),
    ),
}
#: the first SQLAlchemy release with each async dialect the conversion may write (the others came
#: with 1.4.0, the first release with asyncio)
DIALECT_SINCE = {
    "sqlite+aiosqlite": "1.4.3",
    "mysql+asyncmy": "1.4.24",
    "postgresql+psycopg": "2.0",
}
#: sync scheme → async schemes in order of preference (the first the project already has wins).
ASYNC_SCHEMES = {
    "sqlite": ("sqlite+aiosqlite",),
    "sqlite+pysqlite": ("sqlite+aiosqlite",),
    "postgres": ("postgresql+asyncpg", "postgresql+psycopg"),
    "postgresql": ("postgresql+asyncpg", "postgresql+psycopg"),
    "postgresql+psycopg2": ("postgresql+asyncpg", "postgresql+psycopg"),
    "postgresql+pg8000": ("postgresql+asyncpg", "postgresql+psycopg"),
    "postgresql+psycopg": ("postgresql+psycopg",),
    "mysql": ("mysql+aiomysql", "mysql+asyncmy"),
    "mysql+pymysql": ("mysql+aiomysql", "mysql+asyncmy"),
    "mysql+mysqldb": ("mysql+aiomysql", "mysql+asyncmy"),
    "mariadb": ("mysql+aiomysql", "mysql+asyncmy"),
    "mariadb+pymysql": ("mysql+aiomysql", "mysql+asyncmy"),
}
ALREADY_ASYNC = frozenset(
    {
        "sqlite+aiosqlite",
        "postgresql+asyncpg",
        "mysql+aiomysql",
        "mysql+asyncmy",
        "mariadb+aiomysql",
        "mariadb+asyncmy",
    }
)
#: SQLAlchemy's asyncio layer runs on greenlet (the `sqlalchemy[asyncio]` extra).
GREENLET = "greenlet"
#: how many of a refused unit's problems its reason names (each with its place)
LISTED_PROBLEMS = 3
DRIVER_PACKAGES = (*sorted({package for package, _ in DRIVERS.values()}), GREENLET)
#: create_engine keywords that mean the same on create_async_engine.
ENGINE_KEYWORDS = frozenset(
    {
        "url",
        "echo",
        "echo_pool",
        "future",
        "pool_pre_ping",
        "pool_size",
        "max_overflow",
        "pool_recycle",
        "pool_timeout",
        "pool_use_lifo",
        "pool_reset_on_return",
        "isolation_level",
        "execution_options",
        "json_serializer",
        "json_deserializer",
        "hide_parameters",
        "logging_name",
        "pool_logging_name",
        "query_cache_size",
        "connect_args",
        "poolclass",
    }
)
ASYNC_POOLS = frozenset({"None", "NullPool", "StaticPool", "AsyncAdaptedQueuePool"})
RETURN_TYPES = {"Generator": "AsyncGenerator", "Iterator": "AsyncIterator"}


@dataclass(frozen=True)
class PlumbingOptions:
    """What the run allows: ``async_url`` says the URLs the tool cannot read are async already."""

    async_url: bool = False
    sqlalchemy2: bool = True  # `async_sessionmaker` exists
    drivers: Mapping[str, Found] = field(default_factory=dict)  # driver package → version found
    #: async scheme → what it needs, for the dialects the project's SQLAlchemy does not have yet
    missing_dialects: Mapping[str, str] = field(default_factory=dict)
    #: (path, line, reason) found by a first plan: a caller that cannot await what becomes async
    refuse: tuple[str, int, str] | None = None


@dataclass
class PlumbingPlan:
    """The verdict over the unit and what it takes."""

    refuse: str = ""  # why the unit stays manual ("" when it converts, or when there is none)
    #: path, site, message, (why, reason id)
    findings: list[tuple[str, Plumb, str, tuple[str, str]]] = field(default_factory=list)
    edits: dict[str, PlumbEdits] = field(default_factory=dict)
    seeds: list[tuple[str, FuncRef]] = field(default_factory=list)
    #: (path, key) of calls that get an `await` (`engine.dispose()` on the async engine)
    awaits: list[tuple[str, Key]] = field(default_factory=list)
    dependencies: set[FuncRef] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


@dataclass
class _FileWork:
    """Edits collected for one file while the unit is checked."""

    urls: list[tuple[Key, str, str]] = field(default_factory=list)
    async_with: set[Key] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)
    tables: list[tuple[Key, tuple[str, ...]]] = field(default_factory=list)
    keywords: list[tuple[Key, tuple[tuple[str, str], ...]]] = field(default_factory=list)


class PlumbingPlanner:
    """Checks every piece of plumbing of the analysed modules and settles the unit."""

    def __init__(
        self,
        modules: list[ModuleFacts],
        find_module: Callable[[str], str | None],
        func: Callable[[str, str], FuncFact | None],
        options: PlumbingOptions,
    ) -> None:
        with_plumbing = [m for m in modules if m.plumbing is not None]
        # Test code keeps its sync sessions and engines: it is told what to change, and does not
        # hold up the app's conversion.
        self.tests = [m for m in with_plumbing if is_test_module(m.path)]
        self.modules = [m for m in with_plumbing if not is_test_module(m.path)]
        self.by_module = {m.module: m for m in self.modules}
        self.find_module = find_module
        self.func = func
        self.options = options
        self.engines: dict[Ref, tuple[ModuleFacts, Plumb]] = {}
        self.factories: dict[Ref, tuple[ModuleFacts, Plumb]] = {}
        self.deps: dict[FuncRef, tuple[ModuleFacts, Plumb]] = {}
        for facts in self.modules:
            assert facts.plumbing is not None
            for site in facts.plumbing.sites:
                if site.kind == P_ENGINE and site.name:
                    self.engines[(facts.module, site.name)] = (facts, site)
                elif site.kind == P_FACTORY and site.name:
                    self.factories[(facts.module, site.name)] = (facts, site)
                elif site.kind == P_DEP:
                    self.deps[(facts.module, site.name)] = (facts, site)
        self.problems: list[tuple[str, int, str, str]] = []  # path, line, why, reason id
        self.work: dict[str, _FileWork] = {}
        self.schemes: set[str] = set()
        self.plan = PlumbingPlan()

    # -- names ---------------------------------------------------------------------------------------

    def resolve(self, facts: ModuleFacts, name: str) -> Ref | None:
        """The module-level definition ``name`` means in ``facts`` (one import hop)."""
        base = name.split(".")[0]
        for local, source, attr in facts.imports:
            if local == base and attr:
                module = self.find_module(source)
                return (module, attr) if module else None
        return (facts.module, base)

    def sync_symbol(self, facts: ModuleFacts, name: str, role: str) -> bool:
        """Is ``name`` in ``facts`` the sync library name playing ``role`` (e.g. ``Session``)?"""
        assert facts.plumbing is not None
        return any(s == (name, role) for s in ((n, r) for n, r, _ in facts.plumbing.symbols))

    def makes_session(self, facts: ModuleFacts, name: str) -> bool:
        """``name(...)`` makes a sync session: ``Session`` or a factory of the unit."""
        if self.sync_symbol(facts, name, "Session"):
            return True
        ref = self.resolve(facts, name)
        return ref is not None and ref in self.factories

    # -- the unit ---------------------------------------------------------------------------------------

    def problem_list(self) -> str:
        """The first problems, each with where it is, and how many more there are."""
        named = [
            f"{why}, at {path}:{line}" for path, line, why, _ in self.problems[:LISTED_PROBLEMS]
        ]
        more = len(self.problems) - len(named)
        return "; ".join(named) + (f"; and {more} more" if more else "")

    def run(
        self,
        calls: Iterable[tuple[ModuleFacts, str | None, int, tuple[str, ...], bool]],
        outside: Iterable[ModuleFacts] = (),
        renamed: Iterable[tuple[str, int, str]] = (),
    ) -> PlumbingPlan:
        """Check everything; ``calls`` are (module, caller, line, target, is_value) of the project,
        ``outside`` the project files beyond the unit that mention its engines or factories,
        ``renamed`` (path, line, what) where a module imports a factory or session
        alias of the unit under a name without ``Session``."""
        converting: list[tuple[ModuleFacts, Plumb, str]] = []
        for facts in self.modules:
            assert facts.plumbing is not None
            for site in facts.plumbing.sites:
                message = self.check(facts, site)
                if message:
                    converting.append((facts, site, message))
        if not converting:
            return self.plan
        self.check_direct_calls(calls)
        outside = list(outside)
        self.check_outside([*outside, *self.tests])
        self.check_renamed(renamed)
        self.note_test_plumbing([*self.tests, *(m for m in outside if is_test_module(m.path))])
        if self.options.refuse is not None:
            self.problems.append((*self.options.refuse, R.CALLER_CANNOT_AWAIT))
        if self.problems:
            self.plan.refuse = (
                f"the session plumbing cannot all move to AsyncSession ({self.problem_list()}), "
                "and converting only part of it would break the app"
            )
            for facts, site, message in converting:
                own = next(
                    ((w, i) for p, ln, w, i in self.problems if (p, ln) == (facts.path, site.line)),
                    ("", ""),
                )
                reason = own if own[0] else (self.plan.refuse, R.PLUMBING_UNIT)
                self.plan.findings.append((facts.path, site, message, reason))
            self.plan.seeds.clear()
            self.plan.awaits.clear()
            self.plan.dependencies.clear()
            return self.plan
        for facts, site, message in converting:
            self.plan.findings.append((facts.path, site, message, ("", "")))
        self.plan.edits = self.edits()
        self.plan.notes.extend(self.driver_notes())
        return self.plan

    def problem(self, facts: ModuleFacts, site: Plumb, reason_id: str, why: str) -> None:
        """Record why the unit cannot convert (``reason_id``: its stable id, see reasons.py)."""
        # one line: a reason may quote a multi-line decorator
        self.problems.append((facts.path, site.line, " ".join(why.split()), reason_id))

    def work_for(self, facts: ModuleFacts) -> _FileWork:
        return self.work.setdefault(facts.path, _FileWork())

    def check(self, facts: ModuleFacts, site: Plumb) -> str:
        """The finding's message when ``site`` belongs to the unit ("" when it does not)."""
        checks: dict[str, Callable[[ModuleFacts, Plumb], str]] = {
            P_ENGINE: self.check_engine,
            P_FACTORY: self.check_factory,
            P_SESSION: self.check_session,
            P_WITH: self.check_with,
            P_DEP: self.check_dependency,
            P_TABLES: self.check_tables,
            P_USE: self.check_use,
            P_BAD: self.check_bad,
        }
        return checks[site.kind](facts, site)

    def seed(self, facts: ModuleFacts, site: Plumb, what: str) -> bool:
        """Make the enclosing function async; False (and a problem) when it cannot be."""
        if site.func is None:
            self.problem(
                facts,
                site,
                R.PLUMBING_AT_IMPORT,
                f"{what} runs at import time, where `await` is impossible",
            )
            return False
        if (facts.module, site.func) in self.deps:
            return True
        func = self.func(facts.module, site.func)
        if func is not None and not func.is_async and func.blocker:
            self.problem(
                facts,
                site,
                R.CANNOT_AWAIT_HERE,
                f"{what} stands in `{site.func}`, which cannot become async: {func.blocker}",
            )
            return False
        self.plan.seeds.append((facts.path, (facts.module, site.func)))
        return True

    # -- engines ---------------------------------------------------------------------------------

    def check_engine(self, facts: ModuleFacts, site: Plumb) -> str:
        if site.blocker:
            self.problem(facts, site, R.PLUMBING_NOT_CONVERTIBLE, site.blocker)
            return "sync engine: `create_engine(...)`"
        url = site.url or UrlFact("unknown")
        scheme, where = self.url_scheme(facts, site, url)
        target = self.async_scheme(facts, site, scheme)
        if target:
            self.schemes.add(target)
        for keyword, value in site.keywords:
            self.check_engine_keyword(facts, site, keyword, value, scheme, target)
        shown = f" on `{target}://`" if target else ""
        if where and target and target != scheme:
            work = self.work.setdefault(where[0], _FileWork())
            work.urls.append((where[1], scheme, target))
        return f"sync engine: `create_engine(...)` → `create_async_engine(...)`{shown}"

    def url_scheme(
        self, facts: ModuleFacts, site: Plumb, url: UrlFact
    ) -> tuple[str, tuple[str, Key] | None]:
        """(scheme, (path, key) of the string to rewrite) of the engine's URL; "" when unseen."""
        owner = facts
        if url.form == "name":
            ref = self.resolve(facts, url.name)
            found = self.constant(ref) if ref else None
            if found is None:
                return self.unseen(facts, site, f"`{url.name}`")
            owner, url = found
        if url.form in {"literal", "fstring"} and url.key is not None:
            return url.scheme, (owner.path, url.key)
        if url.form == "env":
            default = f" (default `{url.scheme}://...`)" if url.scheme else ""
            what = f"the environment variable `{url.name}`{default}"
            scheme, _ = self.unseen(facts, site, what)
            if url.scheme and url.key is not None:
                return url.scheme, (owner.path, url.key)
            return scheme, None
        if url.form == "replaced" and url.key is not None:
            # whatever the URL held, the replacement's scheme is what the engine gets
            self.unseen(facts, site, f"`{url.code}`")
            return url.scheme, (owner.path, url.key)
        return self.unseen(facts, site, f"`{url.code}`")

    def unseen(self, facts: ModuleFacts, site: Plumb, what: str) -> tuple[str, None]:
        if not self.options.async_url:
            self.problem(
                facts,
                site,
                R.ENGINE_URL_UNKNOWN,
                f"the engine URL comes from {what}, whose scheme is not visible: make it an "
                "async driver URL (`sqlite+aiosqlite://`, `postgresql+asyncpg://`...) and run "
                "again with `-o async_url=true`",
            )
        return "", None

    def constant(self, ref: Ref) -> tuple[ModuleFacts, UrlFact] | None:
        facts = self.by_module.get(ref[0])
        if facts is None or facts.plumbing is None:
            return None
        for name, fact in facts.plumbing.constants:
            if name == ref[1]:
                return facts, fact
        return None

    def async_scheme(self, facts: ModuleFacts, site: Plumb, scheme: str) -> str:
        if not scheme or scheme in ALREADY_ASYNC:
            return scheme
        choices = ASYNC_SCHEMES.get(scheme)
        if choices is None:
            self.problem(
                facts,
                site,
                R.NO_ASYNC_DRIVER,
                f"no async driver is known for `{scheme}://`: pick one SQLAlchemy supports for "
                "asyncio and write its URL by hand",
            )
            return ""
        usable = [choice for choice in choices if choice not in self.options.missing_dialects]
        if not usable:
            self.problem(
                facts,
                site,
                R.NO_ASYNC_DRIVER,
                f"the async driver for `{scheme}://` is `{choices[0]}://`, which needs "
                f"{self.options.missing_dialects[choices[0]]}: upgrade SQLAlchemy first",
            )
            return ""
        for choice in usable:
            package = DRIVERS[choice][0]
            found = self.options.drivers.get(package)
            if found is not None and found.version is not None:
                return choice
        return usable[0]

    def check_engine_keyword(
        self, facts: ModuleFacts, site: Plumb, keyword: str, value: str, scheme: str, target: str
    ) -> None:
        if keyword not in ENGINE_KEYWORDS:
            self.problem(
                facts,
                site,
                R.ENGINE_OPTION,
                f"`create_engine({keyword}=...)` may not apply to `create_async_engine`: "
                "convert the engine by hand",
            )
        elif keyword == "poolclass" and value.rsplit(".", 1)[-1] not in ASYNC_POOLS:
            self.problem(
                facts,
                site,
                R.ENGINE_OPTION,
                f"`poolclass={value}` cannot run under asyncio: use `AsyncAdaptedQueuePool`, "
                "`NullPool` or `StaticPool`",
            )
        elif keyword == "connect_args" and target and target != scheme:
            accepted = DRIVERS[target][1]
            wrong = [k for k in site.extra if accepted is not None and k not in accepted]
            if wrong:
                names = ", ".join(f"`{k}`" for k in wrong)
                self.problem(
                    facts,
                    site,
                    R.ENGINE_OPTION,
                    f"`connect_args` {names} may not mean the same to the async driver "
                    f"`{target}`: translate them by hand",
                )

    # -- sessions ------------------------------------------------------------------------------------

    def check_factory(self, facts: ModuleFacts, site: Plumb) -> str:
        if site.blocker:
            self.problem(facts, site, R.PLUMBING_NOT_CONVERTIBLE, site.blocker)
        names = {k for k, _ in site.keywords}
        add: list[tuple[str, str]] = []
        if "expire_on_commit" not in names:
            add.append(("expire_on_commit", "False"))
        if (self.sqlmodel(facts) and "class_" not in names) or (
            not self.options.sqlalchemy2 and "class_" not in names
        ):
            add.append(("class_", "AsyncSession"))
        if add:
            self.work_for(facts).keywords.append((site.key, tuple(add)))
        made = (
            "async_sessionmaker(...)"
            if self.options.sqlalchemy2
            else "sessionmaker(class_=AsyncSession)"
        )
        return f"sync session factory: `sessionmaker(...)` → `{made}`"

    def sqlmodel(self, facts: ModuleFacts) -> bool:
        assert facts.plumbing is not None
        return any(r == "Session" and s == "sqlmodel" for _, r, s in facts.plumbing.symbols)

    def check_session(self, facts: ModuleFacts, site: Plumb) -> str:
        if not self.makes_session(facts, site.target):
            return ""
        if "with" in site.extra:  # the `with` statement is the finding; this adds keywords only
            if self.sync_symbol(facts, site.target, "Session"):
                self.add_expire(facts, site)
            return ""
        if site.blocker:
            self.problem(facts, site, R.PLUMBING_NOT_CONVERTIBLE, site.blocker)
            return f"sync session: `{site.target}(...)`"
        if site.func is not None and (facts.module, site.func) in self.deps:
            pass
        elif not self.seed(facts, site, f"`{site.target}(...)`"):
            return f"sync session: `{site.target}(...)`"
        if self.sync_symbol(facts, site.target, "Session"):
            self.add_expire(facts, site)
            return f"sync session: `{site.target}(...)` → `AsyncSession(...)`"
        return f"sync session: `{site.target}()` now makes an AsyncSession"

    def add_expire(self, facts: ModuleFacts, site: Plumb) -> None:
        if "expire_on_commit" not in {k for k, _ in site.keywords}:
            self.work_for(facts).keywords.append((site.key, (("expire_on_commit", "False"),)))

    def check_with(self, facts: ModuleFacts, site: Plumb) -> str:
        if site.target in {"begin", "begin_nested"}:
            ref = self.resolve(facts, site.name)
            if ref in self.engines:
                self.problem(
                    facts,
                    site,
                    R.ENGINE_USED_DIRECTLY,
                    f"`with {site.name}.{site.target}()` uses the engine directly: convert it by hand (`async with` and awaited calls)",
                )
                return f"engine use: `{site.name}.{site.target}()`"
            from .analyze import session_like

            if not session_like(site.name):
                return ""
            if self.seed(facts, site, f"`with {site.name}.{site.target}()`"):
                self.work_for(facts).async_with.add(site.key)
            return f"`with {site.name}.{site.target}()` → `async with`"
        if not self.makes_session(facts, site.target):
            return ""
        for other in site.extra:
            if not other.endswith((".begin()", ".begin_nested()")):
                self.problem(
                    facts,
                    site,
                    R.SHARED_WITH_STATEMENT,
                    f"`with {site.target}(...)` also enters `{other}`, which would become `async with` too: split the statement",
                )
        if self.seed(facts, site, f"`with {site.target}(...)`"):
            self.work_for(facts).async_with.add(site.key)
        return f"`with {site.target}(...)` → `async with`"

    def check_dependency(self, facts: ModuleFacts, site: Plumb) -> str:
        if "Session" not in site.target and not self.makes_session(facts, site.target):
            return ""  # it yields what another function makes (`form = LoginForm()`)
        func = self.func(facts.module, site.name)
        blocker = func.blocker if func is not None else ""
        if blocker and "generator function" not in blocker:
            self.problem(
                facts,
                site,
                R.PLUMBING_NOT_CONVERTIBLE,
                f"the session dependency `{site.name}` cannot become async: {blocker}",
            )
        returns = site.extra[0] if site.extra else ""
        if returns and returns.split("[")[0] not in RETURN_TYPES:
            self.problem(
                facts,
                site,
                R.DEPENDENCY_RETURN_TYPE,
                f"the session dependency `{site.name}` returns `{returns}`, which the tool cannot make async: annotate it `Iterator[Session]`, or convert it by hand",
            )
        self.work_for(facts).dependencies.add(site.name)
        self.plan.dependencies.add((facts.module, site.name))
        return f"session dependency: `def {site.name}()` → `async def` with `async with`"

    def check_direct_calls(
        self, calls: Iterable[tuple[ModuleFacts, str | None, int, tuple[str, ...], bool]]
    ) -> None:
        """A dependency called by hand (``next(get_db())``) would get an async generator."""
        for facts, caller, line, target, is_value in calls:
            if is_value or target[0] != "sym":
                continue
            ref = self.resolve(facts, target[1])
            if ref in self.deps:
                self.problems.append(
                    (
                        facts.path,
                        line,
                        f"`{target[1]}()` is called directly in `{caller or 'module level'}`; as "
                        "an async generator it needs `async for` or `anext()` there",
                        R.DEPENDENCY_CALLED_DIRECTLY,
                    )
                )

    def check_outside(self, modules: Iterable[ModuleFacts]) -> None:
        """Files beyond the unit that open sessions on its engine would break: they block it.

        Test code is named in a note instead: its fixtures need an async version anyway.
        """
        for facts in modules:
            if facts.plumbing is None or facts.module in self.by_module:
                continue
            site = next((s for s in facts.plumbing.sites if self.uses_unit(facts, s)), None)
            if site is None:
                continue
            if is_test_module(facts.path):
                self.plan.notes.append(
                    f"async-queries: {facts.path}:{site.line} opens a sync session on the engine "
                    "that becomes async: give the tests an async session fixture"
                )
                continue
            self.problems.append(
                (
                    facts.path,
                    site.line,
                    f"{facts.path} uses the engine or session factory that becomes async "
                    f"(line {site.line}) but is not among the files converted: add it to --path",
                    R.PLUMBING_OUTSIDE_PATHS,
                )
            )

    def note_test_plumbing(self, tests: Iterable[ModuleFacts]) -> None:
        """Test modules that make sync engines or sessions of their own (an override of the
        session dependency on a test engine) need async ones once the app's sessions are."""
        own = {P_ENGINE, P_FACTORY, P_SESSION, P_WITH}
        for facts in tests:
            if facts.plumbing is None or not self._makes_sync_sessions(facts):
                continue
            site = next((s for s in facts.plumbing.sites if s.kind in own), None)
            if site is not None and not self.uses_unit(facts, site):
                self.plan.notes.append(
                    f"async-queries: {facts.path}:{site.line} makes sync sessions of its own: once "
                    "the app's sessions are AsyncSession, the tests' session override and fixtures "
                    "need async ones (an async engine, `async_sessionmaker`, pytest-asyncio or anyio)"
                )

    def _makes_sync_sessions(self, facts: ModuleFacts) -> bool:
        """Whether a module makes sync sessions: a ``sessionmaker``, or ``Session(...)``. An
        engine alone (tables made for the tests, async sessions) keeps working as it is."""
        assert facts.plumbing is not None
        return any(
            site.kind == P_FACTORY
            or (
                site.kind in {P_SESSION, P_WITH} and self.sync_symbol(facts, site.target, "Session")
            )
            for site in facts.plumbing.sites
        )

    def check_renamed(self, renamed: Iterable[tuple[str, int, str]]) -> None:
        """A module that imports a factory or session alias of the unit under a name without
        ``Session``: the sessions it makes or types are not followed there, so their calls would
        stay unawaited."""
        for path, line, what in renamed:
            self.problems.append(
                (
                    path,
                    line,
                    f"{path} imports the {what}, a name without `Session`: the "
                    "calls on its sessions are not found there and would not be awaited; import "
                    "it under a name with `Session` (`... as SessionLocal`, `... as SessionDep`) "
                    "and run again, or convert that module by hand",
                    R.PLUMBING_NOT_CONVERTIBLE,
                )
            )

    def uses_unit(self, facts: ModuleFacts, site: Plumb) -> bool:
        """Does ``site`` (in a file beyond the unit) open a sync session on the unit's engine?"""
        if site.kind == P_SESSION:
            ref = self.resolve(facts, site.target)
            if ref in self.factories:
                return True
            bind = self.resolve(facts, site.name) if site.name else None
            return self.sync_symbol(facts, site.target, "Session") and bind in self.engines
        if site.kind in {P_TABLES, P_USE} and site.target:
            return self.resolve(facts, site.target) in self.engines
        return False

    # -- tables and engine uses -------------------------------------------------------------------

    def check_tables(self, facts: ModuleFacts, site: Plumb) -> str:
        metadata, *others = site.extra
        message = f"`{metadata}.{site.name}(...)` → `await conn.run_sync({metadata}.{site.name})`"
        ref = self.resolve(facts, site.target) if site.target else None
        if ref not in self.engines:
            if not site.target:
                return ""
            self.problem(
                facts,
                site,
                R.CREATE_ALL_UNBOUND,
                f"`{metadata}.{site.name}({site.target})` is not bound to an engine the tool converts: run it with `await conn.run_sync(...)` by hand",
            )
            return message
        if site.blocker:
            self.problem(facts, site, R.PLUMBING_NOT_CONVERTIBLE, site.blocker)
            return message
        if site.func is None:
            self.problem(
                facts,
                site,
                R.PLUMBING_AT_IMPORT,
                f"`{metadata}.{site.name}(...)` runs at import time, where no event loop runs: "
                "move it into the app's lifespan (or a startup hook) and run again",
            )
            return message
        if self.seed(facts, site, f"`{metadata}.{site.name}(...)`"):
            self.work_for(facts).tables.append(
                (site.key, (site.target, metadata, site.name, *others))
            )
        return message

    def check_use(self, facts: ModuleFacts, site: Plumb) -> str:
        ref = self.resolve(facts, site.target)
        if ref not in self.engines:
            return ""
        if site.name == "dispose" and "alone" in site.extra:
            # `AsyncEngine.dispose()` is a coroutine: awaited where it stands.
            if self.seed(facts, site, f"`{site.target}.dispose()`"):
                self.plan.awaits.append((facts.path, site.key))
            return f"engine use: `{site.target}.dispose()` → `await {site.target}.dispose()`"
        self.problem(
            facts,
            site,
            R.ENGINE_USED_DIRECTLY,
            f"`{site.target}.{site.name}(...)` uses the engine directly; on an async engine it "
            "is a coroutine or an async context manager: convert it by hand",
        )
        return f"engine use: `{site.target}.{site.name}(...)`"

    def check_bad(self, facts: ModuleFacts, site: Plumb) -> str:
        self.problem(facts, site, R.PLUMBING_NOT_CONVERTIBLE, site.blocker)
        return f"sync session plumbing: `{site.target}`"

    # -- output -------------------------------------------------------------------------------------

    def edits(self) -> dict[str, PlumbEdits]:
        out: dict[str, PlumbEdits] = {}
        for facts in self.modules:
            assert facts.plumbing is not None
            work = self.work.get(facts.path, _FileWork())
            renames = tuple(
                s
                for s in facts.plumbing.symbols
                if s[1] in {"create_engine", "sessionmaker", "Session", "Engine"}
            )
            if not renames and not any(vars(work).values()):
                continue
            out[facts.path] = PlumbEdits(
                renames=renames + tuple(s for s in facts.plumbing.symbols if s[1] in RETURN_TYPES),
                urls=tuple(sorted(work.urls)),
                async_with=frozenset(work.async_with),
                dependencies=frozenset(work.dependencies),
                tables=tuple(sorted(work.tables)),
                keywords=tuple(sorted(work.keywords)),
                sqlmodel=self.sqlmodel(facts),
                async_sessionmaker=self.options.sqlalchemy2,
            )
        for path, work in self.work.items():  # URL constants in files without plumbing names
            if path not in out and work.urls:
                out[path] = PlumbEdits(urls=tuple(sorted(work.urls)))
        return out

    def driver_notes(self) -> list[str]:
        notes: list[str] = []
        for scheme in sorted(self.schemes):
            package = DRIVERS.get(scheme, ("", None))[0]
            found = self.options.drivers.get(package)
            if package and (found is None or found.version is None):
                notes.append(
                    f"async-queries: add {package} to your dependencies: the async engine "
                    f"connects with `{scheme}://`"
                )
        greenlet = self.options.drivers.get(GREENLET)
        if self.engines and (greenlet is None or greenlet.version is None):
            notes.append(
                "async-queries: depend on `sqlalchemy[asyncio]` (or add greenlet): SQLAlchemy's "
                "asyncio support needs it and plain `sqlalchemy` may not install it"
            )
        if self.schemes or self.engines:
            notes.append(
                "async-queries: sessions are made with `expire_on_commit=False` (unless set): "
                "under AsyncSession, reading an expired attribute after `commit()` would need I/O "
                "outside an await and fail"
            )
        return notes
