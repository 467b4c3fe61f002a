"""Picklable facts (analyze → plan) and per-file edits (plan → rewrite) of ``async-queries``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .plumbing_analyze import PlumbingFacts
    from .tree_facts import TreeFacts

#: a node's source range: start line, start column, end line, end column.
Key = tuple[int, int, int, int]

SYNC, ASYNC = "sync", "async"

#: receiver kinds: where a session came from, decided per chain in the plan phase.
KIND_SYNC, KIND_ASYNC, KIND_FSA, KIND_UNKNOWN = "sync", "async", "fsa", "unknown"
DEP_PREFIX = "dep:"


@dataclass(frozen=True)
class ChainFact:
    """One legacy ``Query`` chain (or one query variable built over several statements)."""

    key: Key
    line: int
    col: int
    scope: str
    func: str | None  # qualified name of the enclosing function, None at module/class level
    snippet: str
    summary: str
    kind: str  # receiver kind (KIND_* or DEP_PREFIX + dependency name)
    is_variable: bool = False
    #: of a query variable: the methods its uses and rebuilds call (``filter``, ``get``...)
    variable_methods: tuple[str, ...] = ()
    manual: str = ""  # why it cannot be rewritten in any mode ("" when convertible)
    async_blocker: str = ""  # why it cannot be awaited where it stands ("" when it can)
    needs_db_import: bool = False  # Flask-SQLAlchemy chain in a module that does not bind `db`
    root: str = "session"  # ROOT_* of the chain: `x.query(...)`, `Model.query` or untyped `.query`
    entities: tuple[str, ...] = ()  # class names the query starts from (`Model`, `query(User.id)`)
    needs_mapped: bool = False  # a legacy query only when one of `entities` is a mapped class
    fsa_terminal: str = ""  # get_or_404 / first_or_404 / one_or_404 / paginate
    manual_fsa2: str = ""  # why it cannot be rewritten for Flask-SQLAlchemy 2.x ("" when it can)
    terminal: str = ""  # the method that runs the query (`first`, `all`...), "" when none
    manual_id: str = ""  # the stable id of ``manual`` (reasons.py)
    manual_fsa2_id: str = ""  # the stable id of ``manual_fsa2``
    #: attributes of instances it joins (``.join(user.follows)``): dynamic relationships there
    #: cannot be joined by ``select()``
    joined_attributes: tuple[str, ...] = ()
    #: the classes whose eager loading of a collection would leave it for review (its rows
    #: also hold columns, which `.unique()` hashes); () for any class, None for none
    eager_rows: tuple[str, ...] | None = None
    #: ``cls.query`` in a classmethod of this class: rewritten with ``cls`` when no class of the
    #: project extends it, else left with ``cls_reason``
    cls_owner: str = ""
    cls_reason: str = ""


@dataclass(frozen=True)
class AwaitFact:
    """A call of an async session method (``commit``, ``execute``...) that is not awaited."""

    key: Key
    line: int
    col: int
    scope: str
    func: str | None
    method: str
    kind: str
    snippet: str
    async_blocker: str = ""
    missing_on_async: bool = False  # a legacy bulk method AsyncSession does not have


@dataclass(frozen=True)
class FuncFact:
    """A function or method definition."""

    qual: str
    line: int
    is_async: bool
    blocker: str = ""  # why it cannot become `async def`
    awaits_session: bool = False  # awaits an AsyncSession method itself
    #: ``async def`` with ``yield``: iterated with ``async for``, never awaited
    async_generator: bool = False


@dataclass(frozen=True)
class ClassFact:
    """A class: its bases (symbols), methods and the types of instance attributes."""

    name: str
    bases: tuple[str, ...]
    methods: tuple[str, ...]
    attr_types: tuple[tuple[str, str], ...]  # attribute → class symbol


@dataclass(frozen=True)
class CallFact:
    """A call that may reach a project function.

    ``target`` is symbolic and resolved in the plan: ``("sym", name)``, ``("self", cls, method)``,
    ``("selfattr", cls, attr, method)``, ``("typed", class_symbol, method)``, ``("modattr", alias,
    name)``.
    """

    key: Key
    line: int
    col: int
    caller: str | None
    target: tuple[str, ...]
    awaited: bool
    blocker: str = ""  # why an `await` cannot be added here (lambda, generator expression...)
    is_value: bool = False  # the function is referenced as a value, not called
    main_guard: bool = False  # a statement of its own under `if __name__ == "__main__":`
    statement: bool = False  # a statement of its own: the value it returns is discarded


@dataclass(frozen=True)
class ModuleFacts:
    """Everything ``async-queries`` learned about one file."""

    path: str
    module: str
    chains: tuple[ChainFact, ...] = ()
    awaits: tuple[AwaitFact, ...] = ()
    functions: tuple[FuncFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    calls: tuple[CallFact, ...] = ()
    imports: tuple[tuple[str, str, str], ...] = ()  # local name → (module, attribute or "")
    defines_db: bool = False  # `db = SQLAlchemy(...)` at module level
    async_markers: bool = False  # create_async_engine / async_sessionmaker / AsyncSession
    sync_markers: bool = False  # create_engine / sessionmaker / Session(...)
    plumbing: PlumbingFacts | None = None  # engines, factories, dependencies, table creation
    tree: TreeFacts | None = None  # what the plan reads from the `ast` tree (the run's own files)


@dataclass(frozen=True)
class FileEdits:
    """What ``rewrite`` does to one file."""

    chains: tuple[tuple[Key, str], ...] = ()  # chain key → mode
    awaits: frozenset[Key] = field(default_factory=frozenset)
    runs: frozenset[Key] = field(default_factory=frozenset)  # calls to wrap in `asyncio.run()`
    make_async: frozenset[str] = field(default_factory=frozenset)
    db_import: str = ""  # module to import `db` from, when a rewritten chain needs it
    #: modules the file binds by a name of its own that re-export that `db` (read as `models.db`)
    db_owners: tuple[str, ...] = ()
    #: (module, name) of the session behind `Model.query` from `query_property()`, when rewritten
    #: chains read it instead of `db.session`
    session_import: tuple[str, str] = ("", "")
    #: the attribute of that name that holds the session (``session`` of ``db_connection``)
    session_attribute: str = ""
    eager: frozenset[str] = field(default_factory=frozenset)  # classes that need unique()
    plain: frozenset[str] = field(default_factory=frozenset)  # project classes never mapped
    #: project classes another class names as a base: ``cls`` in their methods may be a subclass
    extended: frozenset[str] = field(default_factory=frozenset)
    fsa3: bool = True  # Flask-SQLAlchemy 3.x helpers exist
    #: a module of the project spells SQLAlchemy's names through Flask-SQLAlchemy's ``db``
    #: (``db.select``, ``db.func``): where none does, a module that imports names from
    #: ``sqlalchemy`` imports a new one from there too, beside them
    fsa_names: bool = True
    #: the project's `db` is no Flask-SQLAlchemy extension (see ``Target.plain_db``)
    plain_db: bool = False
    session_scalars: bool = True  # `scalars()` exists on every session (SQLAlchemy 1.4.26+)
    typed: bool = True  # the project runs a type checker: see `backfix.type_checkers`
    #: that checker also reads functions without annotations (pyright; mypy's
    #: ``check_untyped_defs``): see ``backfix.type_checkers.checks_unannotated``
    checks_unannotated: bool = False
    #: the project runs a type checker on SQLAlchemy 2.0+: a bulk write's row count is read
    #: through ``cast(CursorResult[Any], ...)``, as SQLAlchemy's typing documents
    rowcount_cast: bool = False
    plumbing: PlumbEdits | None = None  # the sync session plumbing to convert
    #: chain → (class, relationship) pairs to load with `selectinload` (read later, in async code)
    loads: tuple[tuple[Key, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True)
class PlumbEdits:
    """The plumbing conversion of one file (all keys are source ranges of the original)."""

    #: (local name, role, source module) of the sync names this module imports and converts.
    renames: tuple[tuple[str, str, str], ...] = ()
    urls: tuple[tuple[Key, str, str], ...] = ()  # string → (old scheme, new scheme)
    async_with: frozenset[Key] = field(default_factory=frozenset)
    dependencies: frozenset[str] = field(default_factory=frozenset)  # generator quals
    #: statement → (bind code, metadata code, method, extra argument codes)
    tables: tuple[tuple[Key, tuple[str, ...]], ...] = ()
    keywords: tuple[tuple[Key, tuple[tuple[str, str], ...]], ...] = ()  # call → keywords to add
    sqlmodel: bool = False  # AsyncSession comes from sqlmodel.ext.asyncio.session
    async_sessionmaker: bool = True  # SQLAlchemy 2.0+: `async_sessionmaker` exists


@dataclass(frozen=True)
class Target:
    """What the project's library versions allow the rewrite to emit."""

    fsa3: bool = True  # Flask-SQLAlchemy 3.x: `db.get_or_404`, `db.first_or_404`, `db.paginate`
    #: SQLAlchemy 1.4.26+: `scalars()` on every session (a `scoped_session`, Flask-SQLAlchemy's
    #: `db.session`, has it from 1.4.26; a plain `Session` from 1.4.24)
    session_scalars: bool = True
    #: the project runs a type checker (``backfix.type_checkers``): forms typed as before
    typed: bool = True
    #: ... which also reads functions without annotations (pyright, ``check_untyped_defs``)
    checks_unannotated: bool = False
    #: SQLAlchemy 1.4.4+: `get()` on every session (a `scoped_session` has it from 1.4.4)
    session_get: bool = True
    write_only: bool = True  # SQLAlchemy 2.0+: `lazy="write_only"` relationships
    #: the project's SQLAlchemy, as the reasons name it
    sqlalchemy: str = ""
    refuse: str = ""  # why nothing can be rewritten (SQLAlchemy older than 1.4)
    #: what the project's ``db`` is where it is no Flask-SQLAlchemy extension (made by
    #: ``Alchemical()``, a module of the project), in words: a rewrite spells SQLAlchemy's names
    #: itself, not through ``db``; "" for Flask-SQLAlchemy
    plain_db: str = ""
