"""The plan phase: pick sync/async per chain, then make callers async up the call graph.

Propagation is a fixed point: a function that gains an `await` becomes `async def`; every call of it
that the graph can resolve gets an `await` and its caller joins the work list. Calls that cannot take an
`await` (lambdas, properties, dunders, callbacks, sync framework hooks) stop propagation and are
reported with the chain that led there.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from backfix.ast_utils import parameter_names
from backfix.bindings import function_bindings
from backfix.codemod import Plan as CodemodPlan
from backfix.discovery import in_alembic_versions, is_under
from backfix.project import ProjectContext, from_import_module, is_test_module
from backfix.results import REVIEW, FileFacts, Violation
from backfix.source import python_tree
from backfix.type_checkers import checks_unannotated, mypy_plugins, type_checked
from backfix.versions import RUNNING, Found

from . import lazy
from . import reasons as R
from .analyze import ROOT_UNTYPED, ROUTE_DECORATORS
from .chains import (
    ROOT_MODEL,
    ROWS_ADVICE,
    ROWS_ADVICE_BEFORE_SCALARS,
    UNIQUE_ROWS_REASON,
    unknown_method_name,
)
from .external_bases import ExternalBases, Locate
from .mappings import (
    CALLED_BY,
    CUSTOM_FIX,
    QUERY_API_NAMES,
    Mappings,
    ParseFailure,
    ReportError,
    parse,
    read_mappings,
)
from .model import (
    ASYNC,
    DEP_PREFIX,
    KIND_ASYNC,
    KIND_FSA,
    KIND_SYNC,
    KIND_UNKNOWN,
    SYNC,
    AwaitFact,
    CallFact,
    ChainFact,
    ClassFact,
    FileEdits,
    FuncFact,
    Key,
    ModuleFacts,
    Target,
)
from .plumbing_analyze import P_DEP, P_ENGINE, P_FACTORY
from .plumbing_plan import PlumbingOptions, PlumbingPlan, PlumbingPlanner
from .query_aliases import AliasCall, QueryAlias, alias_calls, find_query_aliases
from .query_property import QuerySession, find_query_session
from .targets import plumbing_options, project_versions, target_of
from .test_mocks import mock_notes
from .tree_facts import TreeFacts, read_tree_facts

FuncRef = tuple[str, str]  # (module, qualified name)
_MAX_EXTRA_BYTES = 1_000_000
#: build output holds copies of the sources; propagating into them would edit the copies.
_BUILD_DIRS = frozenset({"build", "dist", "htmlcov"})


@dataclass(frozen=True)
class Finding:
    """A violation the plan decided on: fixable or manual with a reason."""

    path: str
    line: int
    col: int
    message: str
    fixable: bool
    reason: str
    scope: str
    snippet: str
    reason_id: str = ""  # the stable id of ``reason`` (reasons.py)


@dataclass
class PlanOutcome:
    """Findings, per-file edits and notes."""

    findings: list[Finding] = field(default_factory=list)
    edits: dict[str, FileEdits] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: a reported chain goes through Flask-SQLAlchemy (so its version matters to the run)
    uses_fsa: bool = False


#: a function that imports nothing itself
_NO_LOCAL: Mapping[str, tuple[str, str]] = MappingProxyType({})


class Index:
    """Modules, functions and classes of the project, with symbol resolution across imports."""

    def __init__(self, modules: Iterable[ModuleFacts]) -> None:
        self.modules: dict[str, ModuleFacts] = {}
        self.by_path: dict[str, ModuleFacts] = {}
        self.funcs: dict[FuncRef, tuple[str, FuncFact]] = {}
        self.classes: dict[tuple[str, str], ClassFact] = {}
        #: every ``name`` with ``module.endswith("." + name)``, to the modules it ends
        self._suffixes: dict[str, list[str]] = {}
        #: per module, each imported local name → (source module, attribute or "")
        self._imports: dict[str, dict[str, tuple[str, str]]] = {}
        #: each project class → the project classes that name it as a base (built when asked)
        self._children: dict[tuple[str, str], list[tuple[str, str]]] | None = None
        for facts in modules:
            self.add(facts)

    def add(self, facts: ModuleFacts) -> None:
        """Index one module."""
        self._children = None
        if facts.module not in self.modules:
            for dot, char in enumerate(facts.module):
                if char == ".":
                    self._suffixes.setdefault(facts.module[dot + 1 :], []).append(facts.module)
        self.modules[facts.module] = facts
        imports: dict[str, tuple[str, str]] = {}
        for local, source, attr in facts.imports:
            imports.setdefault(local, (source, attr))
        self._imports[facts.module] = imports
        self.by_path[facts.path] = facts
        for func in facts.functions:
            self.funcs[(facts.module, func.qual)] = (facts.path, func)
        for cls in facts.classes:
            self.classes[(facts.module, cls.name)] = cls

    def find_module(self, name: str) -> str | None:
        """The indexed module called ``name`` (or uniquely ending in ``.name``)."""
        if name in self.modules:
            return name
        matches = self._suffixes.get(name, ())
        return matches[0] if len(matches) == 1 else None

    def imported(
        self, module: str, name: str, local: Mapping[str, tuple[str, str]] = _NO_LOCAL
    ) -> tuple[str, str] | None:
        """(source module, attribute or "") that ``name`` is imported as inside ``module`` (in a
        function of it that imports ``local`` names of its own), or None."""
        return local.get(name) or self._imports.get(module, {}).get(name)

    def resolve(
        self,
        module: str,
        name: str,
        depth: int = 0,
        local: Mapping[str, tuple[str, str]] = _NO_LOCAL,
    ) -> tuple[str, str, str] | None:
        """("func" | "class" | "module", module, name) that ``name`` means inside ``module``
        (in a function of it that imports ``local`` names of its own)."""
        facts = self.modules.get(module)
        if facts is None or depth > 8:
            return None
        imported = local.get(name)
        if imported is None:
            if (module, name) in self.funcs:
                return ("func", module, name)
            if (module, name) in self.classes:
                return ("class", module, name)
            imported = self._imports[module].get(name)
        if imported is None:
            return None
        source, attr = imported
        if not attr:
            found = self.find_module(source)
            return ("module", found, "") if found else None
        target = self.find_module(source)
        if target is not None:
            resolved = self.resolve(target, attr, depth + 1)
            if resolved is not None:
                return resolved
        sub = self.find_module(f"{source}.{attr}" if source else attr)
        return ("module", sub, "") if sub else None

    def method(self, module: str, cls: str, name: str, depth: int = 0) -> FuncRef | None:
        """The method ``cls.name`` defined in ``cls`` or a base class."""
        facts = self.classes.get((module, cls))
        if facts is None or depth > 8:
            return None
        if name in facts.methods:
            return (module, f"{cls}.{name}")
        for base in facts.bases:
            resolved = self.resolve(module, base)
            if resolved is not None and resolved[0] == "class":
                found = self.method(resolved[1], resolved[2], name, depth + 1)
                if found is not None:
                    return found
        return None

    def target(
        self,
        module: str,
        call: tuple[str, ...],
        local: Mapping[str, tuple[str, str]] = _NO_LOCAL,
    ) -> FuncRef | None:
        """The function a call (its symbolic target, ``CallFact.target``) reaches, when the graph
        can tell (``local``: the names the calling function imports itself)."""
        kind, *rest = call
        if kind == "sym":
            resolved = self.resolve(module, rest[0], local=local)
            if resolved is not None and resolved[0] == "func":
                return (resolved[1], resolved[2])
            return None
        if kind == "self":
            return self.method(module, rest[0], rest[1])
        if kind == "selfattr":
            cls = self.classes.get((module, rest[0]))
            types = dict(cls.attr_types) if cls else {}
            if rest[1] not in types:
                return None
            return self._typed(module, types[rest[1]], rest[2])
        if kind == "typed":
            return self._typed(module, rest[0], rest[1], local)
        if kind == "modattr":
            resolved = self.resolve(module, rest[0], local=local)
            if resolved is not None and resolved[0] == "module":
                found = self.resolve(resolved[1], rest[1])
                if found is not None and found[0] == "func":
                    return (found[1], found[2])
        return None

    def overrides(self, ref: FuncRef) -> list[FuncRef]:
        """The other methods a call of method ``ref`` may reach or stand for: the definition it
        overrides in a project base class, and every override of that one in project subclasses
        (an abstract repository method and its implementations)."""
        module, qual = ref
        cls, _, name = qual.rpartition(".")
        if not cls or (module, cls) not in self.classes:
            return []
        top = (module, cls)
        seen = {top}
        while (above := self._base_defining(top, name)) is not None and above not in seen:
            top = above
            seen.add(top)
        family = [
            (m, f"{c}.{name}")
            for m, c in [top, *self._subclasses(top)]
            if name in self.classes[(m, c)].methods
        ]
        return [member for member in family if member != ref and member in self.funcs]

    def _base_defining(self, cls: tuple[str, str], name: str) -> tuple[str, str] | None:
        """The nearest project base class of ``cls`` that defines (or inherits) ``name``."""
        found = None
        for base in self.classes[cls].bases:
            resolved = self.resolve(cls[0], base)
            if resolved is not None and resolved[0] == "class":
                defined = self.method(resolved[1], resolved[2], name)
                if defined is not None:
                    found = (defined[0], defined[1].rpartition(".")[0])
        return found if found is not None and found in self.classes else None

    def _subclasses(self, cls: tuple[str, str]) -> list[tuple[str, str]]:
        """Every project class that derives from ``cls``, directly or not."""
        children = self._children
        if children is None:
            children = self._children = {}
            for key, facts in self.classes.items():
                for base in facts.bases:
                    resolved = self.resolve(key[0], base)
                    if resolved is not None and resolved[0] == "class":
                        children.setdefault((resolved[1], resolved[2]), []).append(key)
        found: list[tuple[str, str]] = []
        pending = [cls]
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in found and child != cls:
                    found.append(child)
                    pending.append(child)
        return found

    def _typed(
        self,
        module: str,
        symbol: str,
        method: str,
        local: Mapping[str, tuple[str, str]] = _NO_LOCAL,
    ) -> FuncRef | None:
        resolved = self.resolve(module, symbol, local=local)
        if resolved is None or resolved[0] != "class":
            return None
        return self.method(resolved[1], resolved[2], method)


#: ``db = <callee>(...)`` at the top of a module: ``SQLAlchemy(...)``, a subclass of it, or another
#: extension's (``Alchemical()``)
_DB_DEFINITION = re.compile(rb"^db\s*(?::[^=\n]*)?=\s*(?:[\w.]+\.)?(\w+)\(", re.MULTILINE)


def _db_definitions(project: ProjectContext, files: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(file, callee) of every ``db = <callee>(...)`` in ``files``, by a cheap text search."""
    for rel in files:
        for found in _DB_DEFINITION.finditer(project.read(rel) or b""):
            yield rel, found.group(1).decode()


def _may_bind_locally(raw: bytes, names: set[str]) -> bool:
    """Whether a function of the file may bind one of ``names``: the name alone (not read as
    ``db.session``) on an indented line or a ``def`` line, before any comment. A cheap test
    before the file's scopes are read: a module-level import or assignment, and the reads, do
    not count."""
    alone = b"|".join(re.escape(name.encode()) for name in sorted(names))
    for found in re.finditer(rb"(?<![\w.])(?:" + alone + rb")(?![\w.])", raw):
        line = raw[raw.rfind(b"\n", 0, found.start()) + 1 : found.start()]
        if b"#" not in line and (line[:1] in (b" ", b"\t") or line.lstrip().startswith(_DEFS)):
            return True
    return False


#: how a function's first line starts
_DEFS = (b"def ", b"async ")


def find_db_module(
    project: ProjectContext, files: Iterable[str], extends_fsa: Callable[[str], bool]
) -> str:
    """The module defining Flask-SQLAlchemy's ``db = SQLAlchemy(...)`` (or a call of a class for
    which ``extends_fsa`` holds: the project's subclass), by a cheap text search (the name it is
    imported under: ``pgadmin.model`` for ``web/pgadmin/model/__init__.py``), whatever the
    subclass is called (``UnLockedAlchemy``)."""
    for rel, callee in _db_definitions(project, files):
        if callee == "SQLAlchemy" or extends_fsa(callee):
            return project.module_name(rel)
    return ""


def find_plain_db(
    project: ProjectContext, files: Iterable[str], extends_fsa: Callable[[str], bool]
) -> str:
    """What the project's ``db`` is where no module defines Flask-SQLAlchemy's (see
    :func:`find_db_module`): made by another callee (``db = Alchemical()``), or a module of the
    project (``from app.storage import db`` for ``app/storage/db.py``, which holds a plain
    ``session``), in words for the run's note; "" when a module defines Flask-SQLAlchemy's ``db``
    or nothing says what ``db`` is."""
    files = list(files)
    found = ""
    for _rel, callee in _db_definitions(project, files):
        if callee.endswith("SQLAlchemy") or extends_fsa(callee):
            return ""
        if callee not in _NO_DB_FACTORIES:
            found = found or f"made by `{callee}()`"
    modules = sorted(rel for rel in files if _is_db_module(rel))
    return found or (f"the module `{modules[0]}`" if modules else "")


def _is_db_module(rel: str) -> bool:
    """Whether the file ``rel`` is a module imported as ``db`` (``db.py``, ``db/__init__.py``)."""
    path = PurePosixPath(rel)
    return path.name == "db.py" or (path.name == "__init__.py" and path.parent.name == "db")


#: builtins a module-level ``db = ...()`` may call that make no database object of their own
#: (a script's ``db = next(get_db())`` takes a session from the app's dependency)
_NO_DB_FACTORIES = frozenset({"next", "getattr", "iter", "dict", "list"})


#: what an unparseable file leaves unchecked (see ``_relationship_findings``)
_UNCHECKED_RELATIONSHIPS = (
    "async-queries cannot check it for queries on dynamic relationships or lazy loads in async code"
)


class Planner:
    """Decides modes, manual reviews and propagation for one run."""

    def __init__(
        self,
        modules: list[ModuleFacts],
        mode: str,
        load_extra: Callable[[set[str]], list[ModuleFacts]],
        models: Mappings,
        read: Callable[[str], bytes | None],
        dynamic_paths: Iterable[str] = (),
        target: Target | None = None,
        plumbing: PlumbingOptions | None = None,
        report_error: ReportError | None = None,
        trees: Mapping[str, TreeFacts] | None = None,
        run_paths: Sequence[str] = (),
        locate: Locate | None = None,
    ) -> None:
        self.dynamic_paths = set(dynamic_paths) | {m.path for m in modules}
        #: the paths the run was given (root-relative; none: the whole project)
        self.run_paths = tuple(run_paths)
        #: what the analysis read from the `ast` tree of the run's files (the others are parsed here)
        self.trees = trees or {}
        self.models = models
        self.read = read
        self.report_error = report_error
        self.eager = models.eager_collections()
        self.plain = models.plain_classes()
        self.never_mapped = models.never_mapped()
        self.extended = frozenset(
            base for classes in models.classes.values() for cls in classes for base in cls.bases
        )
        #: the bases outside the project of the project's classes (``locate``: where an import
        #: leads, see ``external_bases.Locate``)
        self.external = ExternalBases(self._parsed_module, locate or (lambda _p, _l, _m: ""))
        self.target = target or Target()
        self.async_funcs: set[FuncRef] = set()
        self.boundary_ordinals: dict[tuple[str, str], int] = {}
        self.analysed = modules
        self.mode = mode
        self.index = Index(modules)
        self.load_extra = load_extra
        self.outcome = PlanOutcome()
        self.chain_modes: dict[str, dict[Key, str]] = {}
        self.awaits: dict[str, set[Key]] = {}
        self.make_async: dict[str, set[str]] = {}
        self.db_imports: dict[str, str] = {}
        #: per file, the modules it binds by a name of its own that re-export that ``db``
        self.db_owners: dict[str, tuple[str, ...]] = {}
        #: files whose ``Model.query`` chains read the session behind a query property
        self.session_imports: dict[str, tuple[str, str]] = {}
        #: per path: the attribute of the imported name that holds the session ("" for none)
        self.session_attributes: dict[str, str] = {}
        self.plumbing_options = plumbing
        self.plumbing = PlumbingPlan()
        self.dependencies: set[FuncRef] = set()
        self.loads: dict[str, dict[Key, list[tuple[str, str]]]] = {}
        self.runs: dict[str, set[Key]] = {}  # module-level `main()` calls to run on an event loop
        #: (path, line, why) of what cannot await (or become) what the plumbing makes async
        self.plumbing_stops: list[tuple[str, int, str]] = []
        #: functions that gain an `await` (propagation starts there), and async ones that have one
        self.seeds: list[tuple[str, FuncRef]] = []
        self.awaiting: list[tuple[str, FuncRef]] = []
        self.refused_fsa = False
        #: methods no `Query` has that `Model.query` chains call, and the chains rewritten
        self.unknown_model_methods: set[str] = set()
        self.rewritten_model_chains = 0
        #: each file's `ast` tree and text, parsed once per plan (None: unreadable or unparsable)
        #: per path: its `ast` tree and text, why it cannot be parsed, or None when unreadable
        self._parsed: dict[str, tuple[ast.Module, str] | ParseFailure | None] = {}
        #: per (path, function), the relationships the function loads eagerly by name
        self._silenced: dict[tuple[str, str], set[str]] = {}
        #: per path, its functions by qualified name
        self._functions: dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        #: per (path, function), the names it and the functions it is nested in bind
        self._bound: dict[tuple[str, str], frozenset[str]] = {}
        #: per path: whether a function of the file may bind one of its `db` names
        self._binds_locally: dict[str, bool] = {}
        any_async = any(m.async_markers for m in modules)
        any_sync = any(m.sync_markers for m in modules)
        self.default_mode = ASYNC if any_async and not any_sync else SYNC

    # -- modes ---------------------------------------------------------------------------------

    def resolve_mode(self, facts: ModuleFacts, kind: str) -> tuple[str, str]:
        """(mode, why) for a receiver kind in this run."""
        if kind == KIND_FSA:
            return SYNC, "Flask-SQLAlchemy"
        if self.mode == ASYNC:
            return ASYNC, "--mode async"
        if self.mode == SYNC:
            return SYNC, "--mode sync"
        return self._kind_mode(facts, kind)

    def _kind_mode(self, facts: ModuleFacts, kind: str) -> tuple[str, str]:
        """(mode, why) the session's own kind and the project give: what it is today."""
        if kind == KIND_ASYNC:
            return ASYNC, "AsyncSession"
        if kind == KIND_SYNC:
            return SYNC, "Session"
        if kind.startswith(DEP_PREFIX):
            dep = kind[len(DEP_PREFIX) :]
            resolved = self.index.resolve(facts.module, dep)
            if resolved is not None and resolved[0] == "func":
                _, func = self.index.funcs[(resolved[1], resolved[2])]
                if func.is_async:
                    return ASYNC, f"async dependency `{dep}`"
                return SYNC, f"sync dependency `{dep}`"
        if self.default_mode == ASYNC:
            return ASYNC, "the project creates async engines/sessions only"
        return SYNC, "no AsyncSession in sight"

    def _func(self, facts: ModuleFacts, qual: str | None) -> FuncFact | None:
        if qual is None:
            return None
        found = self.index.funcs.get((facts.module, qual))
        if found is not None and (facts.module, qual) in self.dependencies:
            # A session dependency the plumbing makes `async def` (FastAPI calls it, not us).
            return FuncFact(qual, found[1].line, True)
        return self._blocked_outside(facts.module, found[1]) if found else None

    def _blocked_outside(self, module: str, func: FuncFact) -> FuncFact:
        """``func`` with a blocker when it is a method that may override one of a class outside
        the project (``logging.Handler.emit``), whose callers would not await it."""
        if func.is_async or func.blocker or ASYNC not in (self.mode, self.default_mode):
            return func
        facts = self.index.modules.get(module)
        base = self.external.of_method(facts.path, func.qual) if facts is not None else ""
        if not base:
            return func
        return replace(
            func,
            blocker=f"it may override a method of `{base}`, a class outside the project whose "
            "callers would not await it",
        )

    def _parsed_module(self, path: str) -> ast.Module | None:
        parsed = self._parsed_tree(path)
        return parsed[0] if parsed is not None else None

    def _func_at(self, module: str, qual: str) -> FuncFact | None:
        found = self.index.funcs.get((module, qual))
        return self._blocked_outside(module, found[1]) if found else None

    def _in_run(self, path: str) -> bool:
        """Whether ``path`` lies in the paths the run was given."""
        return _in_paths(path, self.run_paths)

    def _renamed_imports(self) -> list[tuple[str, int, str]]:
        """(path, line, what is imported) where a module imports a session factory or a
        session type alias of the unit under a name without ``Session``: only through such
        names does the query analysis follow the sessions of another module's plumbing."""
        made: dict[tuple[str, str], str] = {}
        for facts in self.analysed:
            if facts.plumbing is None:
                continue
            for site in facts.plumbing.sites:
                if site.kind == P_FACTORY and site.name:
                    made[(facts.module, site.name)] = "session factory"
            for alias in facts.plumbing.aliases:
                made[(facts.module, alias)] = "session type alias"
        found: list[tuple[str, int, str]] = []
        for facts in self.index.modules.values():
            if is_test_module(facts.path):
                continue  # tests keep their sync sessions: see `PlumbingPlanner.check_outside`
            for local, source, attr in facts.imports:
                kind = made.get((self.index.find_module(source) or source, attr))
                if kind is not None and "Session" not in local:
                    what = f"{kind} `{attr}`" + (f" as `{local}`" if local != attr else "")
                    found.append((facts.path, self._first_line(facts.path, local), what))
        return found

    def _first_line(self, path: str, name: str) -> int:
        """The line of the first mention of ``name`` in the file (1 when it cannot be read)."""
        raw = self.read(path) or b""
        found = re.search(rb"\b" + re.escape(name.encode()) + rb"\b", raw)
        return raw.count(b"\n", 0, found.start()) + 1 if found else 1

    def _plumbing(self) -> list[tuple[str, FuncRef]]:
        """Settle the session plumbing unit first: its verdict decides the async rewrite."""
        if self.plumbing_options is None:
            return []
        # Callers of a session dependency may live in files nobody scanned (scripts, tasks).
        names = {
            site.name.split(".")[-1]
            for facts in self.analysed
            if facts.plumbing is not None
            for site in facts.plumbing.sites
            if site.kind in {P_DEP, P_ENGINE, P_FACTORY} and site.name
        } | {alias for facts in self.analysed if facts.plumbing for alias in facts.plumbing.aliases}
        # A file of the run that no prefilter let through (`engine.dispose()` alone) is read now,
        # and belongs to the unit like the others.
        unit = list(self.analysed)
        for facts in self.load_extra(names):
            self.index.add(facts)
            if self._in_run(facts.path):
                unit.append(facts)
        converted = {facts.path for facts in unit}
        outside = [f for f in self.index.modules.values() if f.path not in converted]
        calls = [
            (facts, call.caller, call.line, call.target, call.is_value)
            for facts in self.index.modules.values()
            for call in facts.calls
        ]
        planner = PlumbingPlanner(
            unit, self.index.find_module, self._func_at, self.plumbing_options
        )
        self.plumbing = planner.run(calls, outside, self._renamed_imports())
        for path, site, message, reason in self.plumbing.findings:
            self._finding(path, site.line, site.col, message, reason, site.scope, site.snippet)
        self.dependencies = set(self.plumbing.dependencies)
        for path, key in self.plumbing.awaits:
            self.awaits.setdefault(path, set()).add(key)
        self.outcome.notes.extend(self.plumbing.notes)
        return list(self.plumbing.seeds)

    def run(
        self,
        db_module: Callable[[], str],
        query_session: Callable[[], QuerySession | None] = lambda: None,
    ) -> PlanOutcome:
        """Decide everything; returns findings, edits and notes."""
        self.seeds = self._plumbing()
        files_by_mode: dict[str, list[str]] = {}
        for facts in self.analysed:
            file_modes = {
                mode
                for chain in facts.chains
                if (mode := self._chain(facts, chain, db_module, query_session))
            }
            file_modes |= {mode for item in facts.awaits if (mode := self._await(facts, item))}
            if file_modes:
                files_by_mode.setdefault("/".join(sorted(file_modes)), []).append(facts.path)
        self.outcome.notes.extend(mode_notes(files_by_mode))
        note = custom_query_note(sorted(self.unknown_model_methods), self.rewritten_model_chains)
        if note:
            self.outcome.notes.append(note)
        if self.refused_fsa:
            self.outcome.notes.append(
                "async-queries: Flask-SQLAlchemy queries were refused in async mode (no "
                "AsyncSession support); they are listed for manual review"
            )
        # Async functions that await the session (or will, once rewritten) are walked as well, so
        # that a second run over the output sees exactly the same graph.
        existing = self.awaiting + [
            (facts.path, (facts.module, func.qual))
            for facts in self.analysed
            for func in facts.functions
            if func.is_async and func.awaits_session
        ]
        if self.seeds or (existing and self.mode != SYNC):
            self._propagate(self.seeds, existing)
        if any(self.make_async.values()):
            self.outcome.notes.append(BY_HAND_IN_ASYNC)
        if self.runs:
            self.outcome.notes.append(dispose_note(sorted(self.runs)))
        self._relationship_findings()
        self._edits()
        return self.outcome

    def _chain(
        self,
        facts: ModuleFacts,
        chain: ChainFact,
        db_module: Callable[[], str],
        query_session: Callable[[], QuerySession | None],
    ) -> str:
        """Report one legacy chain and plan its rewrite; the mode it is rewritten in, or ""."""
        if chain.needs_mapped and not (self._mapped(chain) or self._table(facts, chain)):
            return ""  # `client.query(Thing)`: not a query on a mapped class
        if chain.root == ROOT_MODEL and self._members(chain):
            return ""  # `ObjectType.query` of an enum
        mode, why = self.resolve_mode(facts, chain.kind)
        func = self._func(facts, chain.func)
        reason = self._chain_reason(chain, mode, func)
        if not reason[0]:
            reason = self._table_reason(facts, chain)
        db = db_module() if chain.needs_db_import else ""
        session: QuerySession | None = None
        # `self.query` (or a `cls.query` that stays) in a project without Flask-SQLAlchemy:
        # the query property is the project's own
        untyped_without_fsa = (
            chain.root == ROOT_UNTYPED or bool(chain.cls_owner and reason[0])
        ) and not db_module()
        if untyped_without_fsa:
            why, reason = _untyped_without_fsa(reason, query_session())
        elif chain.needs_db_import and not db:
            if not self._mapped(chain):
                return ""  # `Thing.query` in a project without Flask-SQLAlchemy's `db`
            # `Model.query` from `scoped_session.query_property()`, no Flask-SQLAlchemy.
            session = query_session() if chain.root == ROOT_MODEL else None
            if session is not None:
                session = session.seen_from(facts.module)
                why = session.origin
            # What the Flask-SQLAlchemy checks said of `db` (its async refusal, its helpers) does
            # not apply to this session; its own reason is never empty where they said anything.
            if not reason[0] or chain.fsa_terminal or reason[1] == R.FLASK_SQLALCHEMY_ASYNC:
                reason = self._query_property_reason(facts, chain, session)
        elif not reason[0]:
            reason = self._db_bound_locally(facts, chain)
        self._count_model_chain(chain, reason)
        label = "legacy query variable" if chain.is_variable else "legacy Query API"
        message = f"{label}: {chain.summary} [{mode}: {why}]"
        self.outcome.uses_fsa |= (
            chain.kind == KIND_FSA and session is None and not untyped_without_fsa
        )
        self._finding(
            facts.path, chain.line, chain.col, message, reason, chain.scope, chain.snippet
        )
        if reason[0]:
            return ""
        self.chain_modes.setdefault(facts.path, {})[chain.key] = mode
        if db and facts.path not in self.db_imports:
            self.db_imports[facts.path] = self._db_source(facts, db)
            self.db_owners[facts.path] = self._db_owners(facts, db)
        if session is not None:
            self.session_imports[facts.path] = (session.module, session.name)
            self.session_attributes[facts.path] = session.attribute
        if mode == ASYNC and chain.func:
            self._schedule(facts, chain.func, func)
        return mode

    def _count_model_chain(self, chain: ChainFact, reason: tuple[str, str]) -> None:
        """Count a ``Model.query`` chain for :func:`custom_query_note`."""
        if chain.root != ROOT_MODEL:
            return
        if not reason[0]:
            self.rewritten_model_chains += 1
        elif reason[1] == R.UNKNOWN_QUERY_METHOD:
            self.unknown_model_methods.add(unknown_method_name(reason[0]))

    def _query_property_reason(
        self, facts: ModuleFacts, chain: ChainFact, session: QuerySession | None
    ) -> tuple[str, str]:
        """Why a ``Model.query`` chain of a project without Flask-SQLAlchemy's ``db`` stays for
        review; ``("", "")`` when it becomes a query on the session behind the query property."""
        if session is None:
            return (
                "`Model.query` here is not Flask-SQLAlchemy's (no `db = SQLAlchemy()` in the "
                "project), and no `query_property()` of a session was found: rewrite by hand "
                "with the session behind it",
                R.QUERY_PROPERTY,
            )
        if session.refuse:
            return session.refuse, R.QUERY_PROPERTY
        if self.mode == ASYNC:
            return (
                f"`Model.query` comes from {session.origin}, a sync "
                f"{'session' if session.attribute else '`scoped_session`'}: an async rewrite "
                "needs an AsyncSession; run with `--mode sync` for these queries",
                R.QUERY_PROPERTY,
            )
        if chain.fsa_terminal:
            return (
                f"`{chain.fsa_terminal}()` is a method of the session's query class, and "
                f"`Model.query` comes from {session.origin}, not Flask-SQLAlchemy's "
                f"`db`, so there is no `db.{chain.fsa_terminal}()` to call instead: rewrite by hand",
                R.QUERY_PROPERTY,
            )
        return self._session_name_taken(facts, chain, session)

    def _session_name_taken(
        self, facts: ModuleFacts, chain: ChainFact, session: QuerySession
    ) -> tuple[str, str]:
        """Why ``session.name`` cannot stand for the session in this chain's code: the module or
        the function binds that name to something else."""
        name = session.name
        own = facts.module == session.module
        imported = next((i[1:] for i in facts.imports if i[0] == name), None)
        # (`import app.storage.db as db` binds what `from app.storage import db` does)
        elsewhere = imported is not None and ".".join(filter(None, imported)) != (
            f"{session.module}.{session.name}"
        )
        if session.rebound_in and imported is None:
            return (
                f"`Model.query` reads `{session.attribute}` of `{session.rebound_in}`, which a "
                "function rebinds (`global`), and this module does not import that module: "
                "an import the rewrite added could be another module object than the one the "
                "code reads its models from (`self.db.Model`, after a test re-imports modules); "
                "rewrite by hand with that object's session",
                R.QUERY_PROPERTY,
            )
        if elsewhere or (
            not own and imported is None and _assigns_at_module_level(self.read(facts.path), name)
        ):
            return (
                f"the rewrite reads `{name}`, the session behind `Model.query`, but this module "
                f"binds `{name}` to something else: rewrite by hand",
                R.QUERY_PROPERTY,
            )
        if chain.func is not None and name in self._bound_around(facts.path, chain.func):
            return (
                f"the rewrite reads `{name}`, the session behind `Model.query`, but "
                f"`{chain.func}` binds `{name}` itself, so Python would read that local name: "
                "rewrite by hand",
                R.QUERY_PROPERTY,
            )
        return "", ""

    def _db_owners(self, facts: ModuleFacts, db_module: str) -> tuple[str, ...]:
        """The modules ``facts``' file binds by a name of its own (``from app import models``)
        that import ``db`` from ``db_module`` at their top (``from .base import db`` in
        ``app/models/__init__.py``): its rewritten queries read ``models.db``, as its own code
        does, instead of importing ``db`` beside ``models``."""
        owners: list[str] = []
        for _local, module, attribute in facts.imports:
            bound = f"{module}.{attribute}" if attribute else module
            if self._reexports_db(facts.path, bound, db_module):
                owners.append(bound)
        return tuple(owners)

    def _db_source(self, facts: ModuleFacts, db_module: str) -> str:
        """Where ``facts``' file imports ``db`` from: a module it already imports names from
        that re-exports it (``from app.models import Visitor, db``), else ``db_module``; always
        ``db_module`` where the file imports names from it already. Not a package the file is
        in: its ``__init__`` may import the file before it binds ``db`` (CTFd's
        ``admin/__init__.py`` imports ``admin/challenges.py`` first), and ``from CTFd.admin
        import db`` would then fail as a circular import."""
        if any(module == db_module for _local, module, attribute in facts.imports if attribute):
            return db_module
        for _local, module, attribute in facts.imports:
            if (
                attribute
                and not self._encloses(module, facts.path)
                and self._reexports_db(facts.path, module, db_module)
            ):
                return module
        return db_module

    def _encloses(self, module: str, path: str) -> bool:
        """Whether the project module ``module`` (imported in ``path``) is a package that holds
        the file ``path``."""
        found = self.external.locate(path, 0, module)
        if not found or PurePosixPath(found).name != "__init__.py":
            return False
        return PurePosixPath(path).is_relative_to(PurePosixPath(found).parent)

    def _reexports_db(self, path: str, module: str, db_module: str) -> bool:
        """Whether the project module ``module`` (imported in ``path``) imports ``db`` from
        ``db_module`` at its top."""
        if not module or module == db_module:
            return False
        found = self.external.locate(path, 0, module)
        parsed = self._parsed_tree(found) if found else None
        return parsed is not None and _imports_db_from(
            parsed[0], found or "", db_module, typed=self.target.typed
        )

    def _db_bound_locally(self, facts: ModuleFacts, chain: ChainFact) -> tuple[str, str]:
        """A ``Model.query`` chain becomes ``db.session...``: not where the function (or one it
        is nested in) binds that ``db`` name itself, which Python then reads as the local one."""
        if chain.kind != KIND_FSA or chain.root != ROOT_MODEL or chain.func is None:
            return "", ""
        names = {"db", *(local for local, _, attr in facts.imports if attr == "db")}
        if not self._may_bind_locally(facts.path, names):
            return "", ""
        bound = sorted(names & self._bound_around(facts.path, chain.func))
        if not bound:
            return "", ""
        function = self._function(facts.path, chain.func)
        if function is not None and bound[0] in parameter_names(function.args):
            return (
                f"the rewrite reads `{bound[0]}.session`, but `{bound[0]}` is a parameter of "
                f"`{chain.func}` (a pytest fixture?), and the tool cannot tell it is "
                f"Flask-SQLAlchemy's `db`: if it is, rewrite by hand with `{bound[0]}.session`; "
                "else rename the parameter and run again",
                R.DB_NAME_BOUND_LOCALLY,
            )
        return (
            f"the rewrite reads `{bound[0]}.session`, but `{chain.func}` binds `{bound[0]}` "
            "itself (an import or assignment in the function), so Python would read that local "
            "name, which may not be bound yet where the query runs: bind it at the top of the "
            "function (or import it at module level only) and run again",
            R.DB_NAME_BOUND_LOCALLY,
        )

    def _may_bind_locally(self, path: str, names: set[str]) -> bool:
        """:func:`_may_bind_locally` of the file ``path``, tested once per plan (``names`` follow
        from the file's imports, so the path alone keys the answer)."""
        if path not in self._binds_locally:
            self._binds_locally[path] = _may_bind_locally(self.read(path) or b"", names)
        return self._binds_locally[path]

    def _bound_around(self, path: str, qual: str) -> frozenset[str]:
        """The names the function ``qual`` of ``path`` binds, and those of the functions it is
        nested in (``f.<locals>.g``): what its code reads as local names."""
        key = (path, qual)
        if key in self._bound:
            return self._bound[key]
        parts = qual.split(".<locals>.")
        bound: set[str] = set()
        for depth in range(1, len(parts) + 1):
            found = self._function(path, ".<locals>.".join(parts[:depth]))
            if found is not None:
                bound |= function_bindings(found)
        self._bound[key] = frozenset(bound)
        return self._bound[key]

    def _function(self, path: str, qual: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function ``qual`` of ``path`` (the last definition of that name, the one Python
        binds), or None."""
        if path not in self._functions:
            parsed = self._parsed_tree(path)
            self._functions[path] = dict(lazy.functions(parsed[0])) if parsed else {}
        return self._functions[path].get(qual)

    def _chain_reason(self, chain: ChainFact, mode: str, func: FuncFact | None) -> tuple[str, str]:
        """Why a chain stays for manual review in ``mode``, with the id (``("", "")`` if not)."""
        reason = self._verdict(chain)
        if reason[0]:
            return reason
        if chain.kind == KIND_FSA and self.mode == ASYNC:
            self.refused_fsa = True
            return (
                "Flask-SQLAlchemy has no AsyncSession support; it is never converted to "
                "async. Run `--mode sync` for these queries",
                R.FLASK_SQLALCHEMY_ASYNC,
            )
        if self.mode == SYNC and chain.kind == KIND_ASYNC:
            return (
                "the session is an AsyncSession: a sync rewrite cannot run on it",
                R.ASYNC_SESSION_IN_SYNC_MODE,
            )
        if mode == ASYNC and self._guessed_async(chain, func):
            where = f"`{func.qual}`" if func is not None else "module-level code"
            return (
                "the session's kind is not known here (no annotation, no session factory the "
                f"tool can follow); the project creates async sessions only, but {where} is "
                "synchronous, so it may well run on a sync session: annotate the session "
                "(`Session` or `AsyncSession`), or run with `--mode sync` (or `--mode async`) "
                "and `--path` naming this file"
            ), R.UNKNOWN_SESSION_KIND
        if mode == ASYNC and self.plumbing.refuse:
            return self.plumbing.refuse, R.PLUMBING_UNIT
        if mode == ASYNC:
            blocker = chain.async_blocker or (func.blocker if func else "")
            if blocker and not (func and func.is_async and not chain.async_blocker):
                return f"needs `await` but stands {_phrase(blocker)}", R.CANNOT_AWAIT_HERE
        return reason

    def _guessed_async(self, chain: ChainFact, func: FuncFact | None) -> bool:
        """Async only by the project's guess (no ``--mode``), for a session of unknown kind in
        code that is synchronous today: converting it would make that code async on a guess."""
        return (
            self.mode not in (ASYNC, SYNC)
            and chain.kind == KIND_UNKNOWN
            and not (func is not None and func.is_async)
        )

    def _await(self, facts: ModuleFacts, item: AwaitFact) -> str:
        """Report one unawaited AsyncSession call and plan its `await`; ``ASYNC`` when planned."""
        mode, why = self.resolve_mode(facts, item.kind)
        if mode != ASYNC:
            return ""
        already_async = self._kind_mode(facts, item.kind)[0] == ASYNC
        if not already_async and is_test_module(facts.path):
            return ""  # tests keep their sync sessions: the plumbing notes them instead
        if item.missing_on_async:
            message = f"`{item.method}()` does not exist on AsyncSession [{mode}: {why}]"
            reason = (
                "legacy bulk methods are not proxied by AsyncSession; use "
                "`await session.execute(insert(Model), rows)` / `update(Model), rows`, or "
                "`await session.run_sync(...)`",
                R.BULK_METHOD_NOT_ON_ASYNC,
            )
            self._finding(
                facts.path, item.line, item.col, message, reason, item.scope, item.snippet
            )
            return ""
        func = self._func(facts, item.func)
        blocker = item.async_blocker or (func.blocker if func and not func.is_async else "")
        reason = (f"needs `await` but stands {_phrase(blocker)}", R.CANNOT_AWAIT_HERE)
        if not blocker:
            reason = ("", "")
        if self.plumbing.refuse:
            reason = (self.plumbing.refuse, R.PLUMBING_UNIT)
        if already_async:
            message = (
                f"`{item.method}()` on an AsyncSession is not awaited: it silently does nothing"
            )
        else:  # a sync session today: `--mode async` (or convert_engine) makes it an AsyncSession
            message = f"`{item.method}()` needs `await` once the session becomes an AsyncSession"
        message += f" [{mode}: {why}]"
        self._finding(facts.path, item.line, item.col, message, reason, item.scope, item.snippet)
        if reason[0]:
            return ""
        self.awaits.setdefault(facts.path, set()).add(item.key)
        if item.func:
            self._schedule(facts, item.func, func)
        return ASYNC

    def _schedule(self, facts: ModuleFacts, qual: str, func: FuncFact | None) -> None:
        """A function that awaits the session: a seed of propagation, or already async."""
        if func is not None:
            ref = (facts.module, qual)
            (self.awaiting if func.is_async else self.seeds).append((facts.path, ref))

    def _mapped(self, chain: ChainFact) -> bool:
        """The query starts from a mapped class of the project (``self.model`` counts as one, and
        so does ``cls``: its class is checked with the reason the chain carries)."""
        if not chain.entities or chain.cls_owner:
            return True
        return any(self.models.is_mapped(name) for name in chain.entities)

    def _table(self, facts: ModuleFacts, chain: ChainFact) -> str:
        """The first entity of the chain that another module binds to a ``Table``: the chain's
        own module read it as a class (a ``Table`` it binds itself gives rows already; see
        ``unknown-result-shape``); "" for none."""
        for name in chain.entities:
            places = self.models.table_at(name)
            if places and not any(p.startswith(f"{facts.path}:") for p in places):
                return name
        return ""

    def _table_reason(self, facts: ModuleFacts, chain: ChainFact) -> tuple[str, str]:
        """Why a chain on a ``Table`` another module binds stays for review (``("", "")`` when
        it is on none)."""
        table = self._table(facts, chain)
        if not table:
            return ("", "")
        return (
            f"`{table}` is a `Table` ({self.models.table_at(table)[0]}), not a mapped class: a "
            "query of it gives rows, of which `session.scalars()` would keep only the first "
            f"column; rewrite by hand with `session.execute(select({table})...)`",
            R.UNKNOWN_RESULT_SHAPE,
        )

    def _members(self, chain: ChainFact) -> bool:
        """``Cls.query`` is an enum member or a constant of each class the chain names."""
        return bool(chain.entities) and all(map(self.models.query_is_member, chain.entities))

    def _verdict(self, chain: ChainFact) -> tuple[str, str]:
        """Why the chain stays for manual review in this project, with the reason's id; a fix it
        suggests is written in a form the project's SQLAlchemy has."""
        text, reason_id = self._reason(chain)
        if not self.target.session_scalars:
            text = _SUGGESTED_SCALARS.sub(r"`db.session.execute(\1...).scalars()`", text)
            text = text.replace(ROWS_ADVICE, ROWS_ADVICE_BEFORE_SCALARS)
        return text, reason_id

    def _reason(self, chain: ChainFact) -> tuple[str, str]:
        if self.target.refuse:
            return self.target.refuse, R.SQLALCHEMY_TOO_OLD
        if not self.target.session_get and not chain.manual and _runs_get(chain, self.target):
            return (
                f"`.get()` becomes `session.get()`, which a `scoped_session` (Flask-SQLAlchemy's "
                f"`db.session`) has only from SQLAlchemy 1.4.4, and the project runs on "
                f"{self.target.sqlalchemy}: upgrade SQLAlchemy first (or set `[tool.backfix."
                "versions] sqlalchemy` if that version is wrong)"
            ), R.SQLALCHEMY_TOO_OLD
        if chain.cls_owner and (
            chain.cls_owner in self.extended or not self.models.is_mapped(chain.cls_owner)
        ):
            # another class of the project extends it (`cls` may be that class), or it is no
            # model whose `query` the rewrite knows
            return chain.cls_reason, R.UNKNOWN_MODEL
        custom = self._custom_query(chain)
        if custom:
            return custom, R.CUSTOM_QUERY_CLASS
        joined = self._joined_dynamic(chain)
        if joined:
            return joined, R.JOINED_DYNAMIC_RELATIONSHIP
        if self._eager_rows(chain):
            return UNIQUE_ROWS_REASON, R.UNIQUE_ROWS_WITH_COLUMNS
        if chain.kind != KIND_FSA or self.target.fsa3 or not chain.fsa_terminal:
            return chain.manual, chain.manual_id
        if chain.fsa_terminal in {"get_or_404", "first_or_404"} and not chain.manual_fsa2:
            for name in chain.entities:
                if self.models.defines_truthiness(name):
                    return (
                        f"`{name}` defines `__bool__` or `__len__`, so the Flask-SQLAlchemy 2.x "
                        f"form `... or abort(404)` could abort on a found row; rewrite by hand "
                        f"with `if obj is None: abort(404)`",
                        R.FLASK_SQLALCHEMY_2_TRUTHINESS,
                    )
        return chain.manual_fsa2, chain.manual_fsa2_id

    def _eager_rows(self, chain: ChainFact) -> bool:
        """Whether the chain's rows hold an entity the project eager-loads a collection of, and
        columns: they would need ``.unique()``, which the rewrite refuses there."""
        if chain.manual or chain.eager_rows is None or not self.eager:
            return False
        return chain.eager_rows == () or bool(self.eager & set(chain.eager_rows))

    def _joined_dynamic(self, chain: ChainFact) -> str:
        """Why a chain that joins an instance's ``lazy="dynamic"`` relationship stays manual."""
        relationships = self.models.relationships
        dynamic = [a for a in chain.joined_attributes if "dynamic" in relationships.get(a, ())]
        if not dynamic:
            return ""
        return (
            f'the query joins `.{dynamic[0]}` of an instance, a `lazy="dynamic"` relationship: '
            "that is a query, which the legacy `Query` joined as a subquery and `select()` "
            "refuses (`ArgumentError`); join the related class with its condition, or that "
            "query's `.subquery()`, by hand"
        )

    def _custom_query(self, chain: ChainFact) -> str:
        if chain.root == ROOT_UNTYPED:
            return ""
        if chain.root == "model":
            for name in chain.entities:
                setting = self.models.custom_query(name)
                if not setting:
                    continue
                # A class that only adds methods or overrides entry points such as `get` leaves
                # a chain calling none of them the default query a plain `select()` replaces (a
                # variable's later calls are not in its code).
                defined = self.models.query_class_methods(name)
                called = _methods_called(defined or frozenset(), self._calls(chain))
                if defined is None or called:
                    return _custom_query_reason(name, setting, called)
            return ""
        fsa = chain.kind == KIND_FSA
        setting = self.models.custom_session(fsa=fsa)
        if not setting:
            return ""
        defined = self.models.session_query_methods(fsa=fsa)
        if defined is not None and not _methods_called(defined, self._calls(chain)):
            return ""  # its query class only adds methods, none of which this query calls
        return f"the session may create a custom query class ({setting}): {CUSTOM_FIX}"

    @staticmethod
    def _calls(chain: ChainFact) -> str:
        """The chain's code and the methods its variable's later uses call (which are not in its
        code), for :func:`_methods_called`."""
        return f"{chain.snippet} {''.join(f'.{m}(' for m in chain.variable_methods)}"

    def _finding(
        self,
        path: str,
        line: int,
        col: int,
        message: str,
        reason: tuple[str, str],
        scope: str,
        snippet: str,
    ) -> None:
        """Record a violation; ``reason`` is (text, id), ``("", "")`` for a fixable one."""
        text, reason_id = reason
        self.outcome.findings.append(
            Finding(path, line, col, message, not text, text, scope, snippet, reason_id)
        )

    # -- propagation -------------------------------------------------------------------------------

    def _propagate(
        self, seeds: list[tuple[str, FuncRef]], existing: list[tuple[str, FuncRef]]
    ) -> None:
        """Walk callers from functions that become async and from async functions doing I/O.

        Already-async database functions are walked too, so a second run over our own output finds
        the same boundaries (and un-awaited calls of them get their `await`).
        """
        base_awaits = {path: set(keys) for path, keys in self.awaits.items()}
        base_findings = len(self.outcome.findings)
        while True:
            # Callers live in files outside the scanned paths too: load those that mention a
            # function that becomes async, then walk again until no new file is needed.
            self.awaits = {path: set(keys) for path, keys in base_awaits.items()}
            self.make_async = {}
            self.boundary_ordinals = {}
            self.plumbing_stops = []
            self.runs = {}
            del self.outcome.findings[base_findings:]
            self._walk(seeds, existing)
            names = {part for _, qual in self.async_funcs for part in qual.split(".")}
            new = self.load_extra((names | self._base_names()) - {"<locals>"})
            if not new:
                return
            for facts in new:
                self.index.add(facts)

    def _base_names(self) -> set[str]:
        """The names of the base classes of the classes whose methods become async: the files
        that define them (and re-export them) are where the methods they override live."""
        names: set[str] = set()
        for module, qual in self.async_funcs:
            cls = self.index.classes.get((module, qual.rpartition(".")[0]))
            if cls is not None:
                names.update(base.rpartition(".")[2] for base in cls.bases)
        return names

    def _walk(self, seeds: list[tuple[str, FuncRef]], existing: list[tuple[str, FuncRef]]) -> None:
        """One fixed point over the call graph of the modules indexed so far."""
        callers: dict[FuncRef, list[tuple[ModuleFacts, CallFact]]] = {}
        for facts in self.index.modules.values():
            for call in facts.calls:
                target = self.index.target(facts.module, call.target)
                if target is not None:
                    callers.setdefault(target, []).append((facts, call))
        made: set[FuncRef] = set()
        work: list[tuple[FuncRef, str]] = []
        for path, ref in seeds:
            if ref not in made:
                made.add(ref)
                work.append((ref, ref[1]))
                self.make_async.setdefault(path, set()).add(ref[1])
                self._with_overrides(ref, ref[1], made, work)
        for _, ref in existing:
            if ref not in made and not self._async_generator(ref):
                made.add(ref)
                work.append((ref, ref[1]))
        self.async_funcs = made
        reported: set[tuple[str, Key]] = set()
        while work:
            ref, trail = work.pop()
            for facts, call in callers.get(ref, []):
                self._call_site(facts, call, ref, trail, made, work, reported)

    def _call_site(
        self,
        facts: ModuleFacts,
        call: CallFact,
        ref: FuncRef,
        trail: str,
        made: set[FuncRef],
        work: list[tuple[FuncRef, str]],
        reported: set[tuple[str, Key]],
    ) -> None:
        name = ref[1]
        already_async = self._async_in_input(ref)
        state = "is async" if already_async else "becomes async"
        if call.is_value:
            self._boundary(
                facts,
                call,
                f"`{name}` {state} but is used here as a value (callback, dispatch table); "
                f"its calls cannot be found. Chain: {trail}",
                reported,
                trail,
                why="it is used there as a value: a callback, a dispatch table",
            )
            return
        caller = self._func(facts, call.caller)
        if call.awaited:
            if caller is not None and caller.is_async and call.caller is not None:
                if caller.async_generator:
                    return  # iterated by its callers, not awaited
                caller_ref = (facts.module, call.caller)
                if caller_ref not in made:
                    made.add(caller_ref)
                    work.append((caller_ref, f"{trail} ← {call.caller}"))
            return
        if call.main_guard and caller is None:
            self.runs.setdefault(facts.path, set()).add(call.key)  # `asyncio.run(main())`
            return
        blocker = call.blocker or (caller.blocker if caller and not caller.is_async else "")
        if caller is None and not call.blocker:
            blocker = "at module or class level"
        if blocker:
            self._boundary(
                facts,
                call,
                f"calls `{name}`, which {state}, but stands {_phrase(blocker)}; propagation "
                f"stops here. Chain: {trail}",
                reported,
                trail,
                why=f"the call stands {_phrase(blocker)}",
            )
            return
        assert caller is not None and call.caller is not None
        if already_async:
            if call.statement and caller.is_async:
                self._discarded(facts, call, name)
            return  # else its coroutine is handed on as the code means: `gather(*[...])`, a task
        self.awaits.setdefault(facts.path, set()).add(call.key)
        caller_ref = (facts.module, call.caller)
        if not caller.is_async and caller_ref not in made:
            made.add(caller_ref)
            self.make_async.setdefault(facts.path, set()).add(call.caller)
            work.append((caller_ref, f"{trail} ← {call.caller}"))
            self._with_overrides(caller_ref, f"{trail} ← {call.caller}", made, work)

    def _discarded(self, facts: ModuleFacts, call: CallFact, name: str) -> None:
        """``remove(item_id)`` as a statement in an async function, of an ``async def`` of the
        input: the coroutine is dropped and its body never runs; the fix awaits it."""
        self.awaits.setdefault(facts.path, set()).add(call.key)
        self._call_finding(
            facts,
            call,
            "discarded",
            f"`{name}` is async but this call is not awaited: its coroutine is discarded, so "
            "its body never runs",
            ("", ""),
        )

    def _async_in_input(self, ref: FuncRef) -> bool:
        """Whether ``ref`` is an ``async def`` already: a call of it that is not awaited hands its
        coroutine on (to ``gather``, a task helper, a list, the caller), so it is left as written."""
        found = self.index.funcs.get(ref)
        return found is not None and found[1].is_async

    def _async_generator(self, ref: FuncRef) -> bool:
        """An async generator is iterated (``async for``), never awaited: its callers need no
        ``await`` and do not become async for it."""
        found = self.index.funcs.get(ref)
        return found is not None and found[1].async_generator

    def _with_overrides(
        self, ref: FuncRef, trail: str, made: set[FuncRef], work: list[tuple[FuncRef, str]]
    ) -> None:
        """A method that becomes async takes the methods it overrides or is overridden by with
        it: a call through the base class (``repo: ItemRepo``) reaches it, and must be awaited."""
        for member in self.index.overrides(ref):
            if member in made:
                continue
            path, func = self.index.funcs[member]
            member_trail = f"{trail} ~ {member[1]}"
            if func.blocker and not func.is_async:
                self._override_stop(path, func, member_trail)
                continue
            made.add(member)
            work.append((member, member_trail))
            if not func.is_async:
                self.make_async.setdefault(path, set()).add(member[1])

    def _override_stop(self, path: str, func: FuncFact, trail: str) -> None:
        """A method that would have to become async with the one it overrides, but cannot."""
        if self.plumbing.edits:
            self.plumbing_stops.append(
                (
                    path,
                    func.line,
                    f"`{func.qual}` would become async with the method it overrides or is "
                    f"overridden by, but cannot: {func.blocker} (chain: {trail})",
                )
            )
        self._finding(
            path,
            func.line,
            0,
            "async propagation stops at a method that cannot become async",
            (
                f"`{func.qual}` overrides (or is overridden by) a method that becomes async, so "
                f"calls through the base class would await it, but it cannot become async: "
                f"{func.blocker}. Chain: {trail}",
                R.CALLER_CANNOT_AWAIT,
            ),
            func.qual,
            f"override:{func.qual}",
        )

    def _boundary(
        self,
        facts: ModuleFacts,
        call: CallFact,
        reason: str,
        reported: set[tuple[str, Key]],
        trail: str = "",
        why: str = "",
    ) -> None:
        if (facts.path, call.key) in reported:
            return
        if self.plumbing.edits:
            # Whatever the chain started from, its session is one the unit makes async: a call
            # left unawaited would break the converted app.
            name = re.split(" ← | ~ ", trail)[-1]
            self.plumbing_stops.append(
                (
                    facts.path,
                    call.line,
                    f"a caller cannot await `{name}`, which the conversion makes async "
                    f"({why}; chain: {trail})",
                )
            )
        reported.add((facts.path, call.key))
        self._call_finding(
            facts,
            call,
            "boundary",
            "async propagation stops at a call that cannot be awaited",
            (reason, R.CALLER_CANNOT_AWAIT),
        )

    def _call_finding(
        self,
        facts: ModuleFacts,
        call: CallFact,
        kind: str,
        message: str,
        reason: tuple[str, str],
    ) -> None:
        """Record a finding at ``call``, its snippet the call's target numbered among the
        findings of that ``kind`` and target in the file (so it survives line shifts)."""
        label = f"{kind}:{':'.join(call.target)}"
        count = self.boundary_ordinals.get((facts.path, label), 0) + 1
        self.boundary_ordinals[(facts.path, label)] = count
        self._finding(
            facts.path, call.line, call.col, message, reason, call.caller or "", f"{label}#{count}"
        )

    def _relationship_findings(self) -> None:
        """Queries on dynamic relationships in every analysed file; lazy loads in async functions."""
        rels = self.models.relationships
        dynamic = {name for name, modes in rels.items() if "dynamic" in modes}
        lazy_names = {name for name, modes in rels.items() if modes & lazy.LAZY_LOADING}
        quals: dict[str, set[str]] = {}
        for module, qual in self.async_funcs:
            facts = self.index.modules.get(module)
            if facts is not None:
                quals.setdefault(facts.path, set()).add(qual)
        paths = sorted(self.dynamic_paths | set(quals)) if rels else []
        response_fields = self._response_fields(lazy_names - dynamic) if quals else set()
        for path in paths:
            tree = self._tree_facts(path)
            if tree is None:
                continue
            ordinals: dict[tuple[str, str], int] = {}
            sites: list[tuple[lazy.Site, str, tuple[str, str]]] = []
            if dynamic and path in self.dynamic_paths:
                for site in lazy.dynamic_queries(tree.accesses, dynamic):
                    message = f"query on the dynamic relationship `{site.attr}`"
                    sites.append((site, message, self._dynamic_reason(site)))
            names = lazy_names - dynamic
            # The file is parsed again only where the analysis saw such a read in such a function.
            if (
                path in quals
                and lazy_names
                and lazy.may_load(tree.instance_reads, quals[path], names)
            ):
                sites += self._lazy_loads(path, quals[path], names)
            if path in quals and response_fields:
                sites += self._response_loads(path, quals[path], response_fields)
            for site, message, reason in sorted(sites, key=lambda x: (x[0].line, x[0].col)):
                label = f"rel:{site.attr}:{site.method}"
                ordinals[(site.qual, label)] = ordinals.get((site.qual, label), 0) + 1
                self._finding(
                    path,
                    site.line,
                    site.col,
                    message,
                    reason,
                    site.qual,
                    f"{label}#{ordinals[(site.qual, label)]}",
                )

    def _dynamic_reason(self, site: lazy.Site) -> tuple[str, str]:
        """What to do about a query on a dynamic relationship, with what the project runs on:
        before SQLAlchemy 1.4 neither suggested form exists, so upgrade first."""
        if self.target.refuse:
            return self.target.refuse, R.SQLALCHEMY_TOO_OLD
        if site.paginates:
            return _dynamic_pagination(site, self.target.fsa3), R.DYNAMIC_RELATIONSHIP
        fix = (
            '`select(...).where(with_parent(...))` or move to `lazy="write_only"`'
            if self.target.write_only
            else '`select(...).where(with_parent(...))` (`lazy="write_only"` needs SQLAlchemy 2.0)'
        )
        return (
            f'`.{site.attr}` is `lazy="dynamic"`: `.{site.method}()` runs a legacy AppenderQuery; '
            f"rewrite with {fix}",
            R.DYNAMIC_RELATIONSHIP,
        )

    def _tree_facts(self, path: str) -> TreeFacts | None:
        """What the analysis read from ``path``'s `ast` tree, or the same read here from disk.

        None (reported as a per-file error) when `ast` cannot parse the file.
        """
        tree = self.trees.get(path)
        if tree is None:
            raw = self.read(path)
            if raw is None:
                return None
            tree = read_tree_facts(raw, path)
        if tree.problem is not None:
            tree.problem.report(path, self.report_error, _UNCHECKED_RELATIONSHIPS)
            return None
        return tree

    def _lazy_loads(
        self, path: str, quals: set[str], names: set[str]
    ) -> list[tuple[lazy.Site, str, tuple[str, str]]]:
        """Lazy relationship reads in the async functions ``quals`` of one file."""
        parsed = self._parsed_or_report(path)
        if parsed is None:
            return []
        tree, text = parsed
        in_file = lazy.silenced(text)
        in_function: dict[str, set[str]] = {}
        sites: list[tuple[lazy.Site, str, tuple[str, str]]] = []
        for site in lazy.lazy_loads(tree, quals, names, self.plain, self.never_mapped):
            # An object the function binds is loaded there or by what it calls; one handed in
            # (a parameter) or bound more than once may also have been loaded anywhere, so any
            # eager load in the file counts too.
            if site.qual not in in_function:
                in_function[site.qual] = self._loaded_in(path, site.qual)
            quiet = in_function[site.qual] | (in_file if site.source is None else set())
            if lazy.is_loaded(site.attr, quiet) or self._no_lazy_owner(path, site):
                continue
            loaded = self._eager_load(path, site)
            message = f"possible lazy load of relationship `{site.attr}` in async code"
            reason = (
                "lazy loading raises MissingGreenlet under AsyncSession: load "
                f"it eagerly (`selectinload(...{site.attr})` on the query that produced "
                f"the object) or use `await obj.awaitable_attrs.{site.attr}`",
                R.LAZY_LOAD,
            )
            if loaded:
                message += f": `{loaded}` is added to the query that loads it"
                reason = ("", "")
            sites.append((site, message, reason))
        return sites

    def _no_lazy_owner(self, path: str, site: lazy.Site) -> bool:
        """Whether the object read is of a class that declares the relationship eager, or of a
        class of the project that is not mapped (a schema): the class the function says it is,
        the class the project function that returned it annotates, or the one class the
        relationship it is read through holds (``sale.seller.user``)."""
        owner = site.owner_class or self._returned_class(path, site)
        if not owner and site.through:
            owner = self.models.scalar_target(site.through)
        if not owner:
            return False
        return owner in self.plain or self.models.eager_relationship(owner, site.attr)

    def _returned_class(self, path: str, site: lazy.Site) -> str:
        """The class the return annotation of the project function names whose result the
        object is (``-> Wallet | None``), "" when there is none to read."""
        facts = self.index.by_path.get(path)
        if site.maker is None or facts is None:
            return ""
        call = next(
            (c for c in facts.calls if c.caller == site.qual and (c.line, c.col) == site.maker),
            None,
        )
        ref = self.index.target(facts.module, call.target) if call is not None else None
        found = self.index.funcs.get(ref) if ref is not None else None
        func = self._function(found[0], ref[1]) if found is not None and ref is not None else None
        return lazy.annotated_class(func.returns) if func is not None else ""

    def _response_fields(self, names: set[str]) -> set[str]:
        """The lazily loading relationships ``names`` that a class of the project declares as
        an annotated field of a project class (a schema's ``owner: UserOut``)."""
        classes = self.models.classes
        return {
            attr
            for found in classes.values()
            for cls in found
            for attr, spelled in cls.fields.items()
            if attr in names and not spelled.isdisjoint(classes.keys())
        }

    def _response_loads(
        self, path: str, quals: set[str], fields: set[str]
    ) -> list[tuple[lazy.Site, str, tuple[str, str]]]:
        """Relationships ``fields`` that the response models of the async routes ``quals`` of
        one file read: FastAPI serializes the returned object after the route returns. Not
        those the route, or a project function it calls, loads eagerly by name."""
        raw = self.read(path)
        if raw is None or (b"response_model" not in raw and b"->" not in raw):
            return []
        parsed = self._parsed_or_report(path)
        if parsed is None:
            return []
        tree = parsed[0]
        sites: list[tuple[lazy.Site, str, tuple[str, str]]] = []
        for model in lazy.response_models(tree, quals, ROUTE_DECORATORS, self.plain):
            if not model.queries and not any(self._queries(path, c) for c in model.callees):
                continue  # nothing says the route returns ORM objects (a use case's schema...)
            quiet = self._loaded_in(path, model.qual)
            for attr, schema in self._read_by_response(model, fields, quiet):
                site = lazy.Site(model.line, model.col, model.qual, attr, "response", model.source)
                sites.append(self._response_load(path, site, schema))
        return sites

    def _response_load(
        self, path: str, site: lazy.Site, schema: str
    ) -> tuple[lazy.Site, str, tuple[str, str]]:
        """The finding for one relationship a response model reads (``author``, or nested
        ``author.books``), fixed where it can be."""
        attr = site.attr
        options = ".".join(f"selectinload(...{part})" for part in attr.split("."))
        message = (
            f"possible lazy load of relationship `{attr}` by the response model `{schema}` in "
            "async code"
        )
        reason = (
            f"FastAPI reads `.{attr}` for `{schema}` after the route returns, and lazy loading "
            f"raises MissingGreenlet under AsyncSession: load it eagerly (`{options}` on the "
            'query that produced the object) or declare the relationship `lazy="selectin"`',
            R.LAZY_LOAD,
        )
        loaded = "" if "." in attr else self._eager_load(path, site)
        if loaded:
            return site, f"{message}: `{loaded}` is added to the query that loads it", ("", "")
        return site, message, reason

    def _queries(self, path: str, callee: str) -> bool:
        """Whether the project function ``callee`` (``find_book``, ``crud.get_item``,
        ``Book.read``) called in ``path`` runs queries: legacy chains or session calls."""
        facts = self.index.by_path.get(path)
        owner, _, name = callee.rpartition(".")
        resolved = self.index.resolve(facts.module, owner or name) if facts is not None else None
        if resolved is None:
            return False
        kind, module, symbol = resolved
        if kind == "module" and owner:
            ref = (module, name)
        elif kind == "class" and owner:
            ref = (module, f"{symbol}.{name}")
        elif kind == "func" and not owner:
            ref = (module, symbol)
        else:
            return False
        found = self.index.funcs.get(ref)
        callee_facts = self.index.modules.get(module)
        if found is None or callee_facts is None:
            return False
        return (
            found[1].awaits_session
            or any(chain.func == ref[1] for chain in callee_facts.chains)
            or any(call.func == ref[1] for call in callee_facts.awaits)
        )

    def _callees_silenced(
        self, path: str, func: ast.FunctionDef | ast.AsyncFunctionDef | None, qual: str
    ) -> set[str]:
        """The relationships that the project functions the function ``qual`` of ``path``
        (``func``) calls load eagerly by name (``return await find_book(db, id)``), through
        the names it imports itself too (a test's ``from app.models import Book``)."""
        facts = self.index.by_path.get(path)
        if facts is None:
            return set()
        local, through_local = lazy.local_calls(func, path) if func is not None else ({}, [])
        called = [call.target for call in facts.calls if call.caller == qual]
        quiet: set[str] = set()
        for target in [*called, *through_local]:
            ref = self.index.target(facts.module, target, local)
            found = self.index.funcs.get(ref) if ref is not None else None
            if found is not None and ref is not None:
                quiet |= self._silenced_in(found[0], ref[1])
            elif target[0] == "typed":
                imported = self.index.imported(facts.module, target[1], local)
                quiet |= self._class_method_silenced(imported, target[2])
        return quiet

    def _class_method_silenced(self, imported: tuple[str, str] | None, method: str) -> set[str]:
        """The relationships that the method ``method`` of an imported class (``imported``:
        source module and name) loads eagerly by name: ``Rule.with_owner()``, a classmethod of
        a model that builds the route's query with its ``selectinload`` options. A models module
        holds no query, so the call graph of the scanned modules may not have it; the class is
        found among the project's classes of its name by the module it is imported from (a
        schema of the same name elsewhere is another class), and each one found must load it."""
        if imported is None or not imported[1]:
            return set()
        source, name = imported
        within = "/" + source.replace(".", "/")  # (`/src/app/models/...` for `app.models` too)
        classes = [
            cls
            for cls in self.models.classes.get(name, [])
            if f"{within}/" in f"/{cls.path}" or f"/{cls.path}".endswith(f"{within}.py")
        ]
        loaded = [self._silenced_in(cls.path, f"{name}.{method}") for cls in classes]
        return set.intersection(*loaded) if loaded else set()

    def _silenced_in(self, path: str, qual: str) -> set[str]:
        """The relationships the function ``qual`` of ``path`` loads eagerly by name."""
        key = (path, qual)
        if key not in self._silenced:
            parsed = self._parsed_tree(path)
            func = self._function(path, qual)
            self._silenced[key] = lazy.silenced_in(func, parsed[1]) if parsed and func else set()
        return self._silenced[key]

    def _parsed_tree(self, path: str) -> tuple[ast.Module, str] | None:
        """``path``'s `ast` tree and text; None when it cannot be read or parsed."""
        parsed = self._parsed_or_failure(path)
        return None if isinstance(parsed, ParseFailure) else parsed

    def _parsed_or_failure(self, path: str) -> tuple[ast.Module, str] | ParseFailure | None:
        """``path``'s `ast` tree and text, why it cannot be parsed, or None when unreadable
        (each file parsed once)."""
        if path not in self._parsed:
            raw = self.read(path)
            if raw is None:
                self._parsed[path] = None
            else:
                tree = parse(raw)
                self._parsed[path] = (
                    tree
                    if isinstance(tree, ParseFailure)
                    else (tree, raw.decode("utf-8", "replace"))
                )
        return self._parsed[path]

    def _parsed_or_report(self, path: str) -> tuple[ast.Module, str] | None:
        """:meth:`_parsed_tree`, with a per-file error when the file cannot be parsed."""
        parsed = self._parsed_or_failure(path)
        if isinstance(parsed, ParseFailure):
            parsed.report(path, self.report_error, _UNCHECKED_RELATIONSHIPS)
            return None
        return parsed

    def _loaded_in(self, path: str, qual: str) -> set[str]:
        """The relationships the function ``qual`` of ``path``, or a project function it calls,
        loads eagerly by name."""
        return self._silenced_in(path, qual) | self._callees_silenced(
            path, self._function(path, qual), qual
        )

    def _read_by_response(
        self, model: lazy.ResponseModel, fields: set[str], loaded: set[str]
    ) -> list[tuple[str, str]]:
        """(relationship, schema) for each field of the response model's schemas that is one of
        the relationships ``fields`` and is annotated with a project class, and through those the
        nested ones (``author.books``); not those ``loaded`` eagerly. When the route names mapped
        classes, a first relationship one of them declares (a backref: any)."""
        mapped = [name for name in sorted(model.mentions) if self.models.is_mapped(name)]
        read: list[tuple[str, str]] = []
        todo: list[tuple[tuple[str, ...], str, str]] = [((), n, n) for n in sorted(model.names)]
        while todo:
            prefix, name, root = todo.pop(0)
            for attr, spelled in sorted(self.models.fields(name).items()):
                schemas = sorted(spelled & self.models.classes.keys())
                if attr not in fields or not schemas:
                    continue
                if not prefix and not self._may_declare(mapped, attr):
                    continue
                chain = ".".join((*prefix, attr))
                if not lazy.is_loaded(attr, loaded) and all(chain != seen for seen, _ in read):
                    read.append((chain, root))
                if len(prefix) + 1 < _NESTED_READS:
                    todo.extend(((*prefix, attr), schema, root) for schema in schemas)
        return read

    def _may_declare(self, mapped: list[str], attr: str) -> bool:
        """Whether one of the classes ``mapped`` may have the relationship ``attr`` (any class
        may, when there are none, or when ``attr`` is only known as a backref)."""
        if not mapped or any(self.models.lazy_relationship(name, attr) for name in mapped):
            return True
        declared = (cls for found in self.models.classes.values() for cls in found)
        return not any(attr in cls.lazy for cls in declared)

    def _eager_load(self, path: str, site: lazy.Site) -> str:
        """Add ``selectinload(Model.rel)`` to the query of the same function that made the object.

        Only for an object bound once, to the result of a chain rewritten for async here, whose
        one entity declares ``rel`` as a lazily loading relationship; "" when not done.
        """
        if site.source is None or self.chain_modes.get(path, {}).get(site.source) != ASYNC:
            return ""
        facts = self.index.by_path.get(path)
        chain = next((c for c in facts.chains if c.key == site.source), None) if facts else None
        if chain is None or len(chain.entities) != 1 or chain.terminal not in _LOADS_ON:
            return ""
        entity = chain.entities[0]
        if not self.models.lazy_relationship(entity, site.attr):
            return ""
        loads = self.loads.setdefault(path, {}).setdefault(site.source, [])
        if (entity, site.attr) not in loads:
            loads.append((entity, site.attr))
        return f"selectinload({entity}.{site.attr})"

    def _spells_fsa_names(self) -> bool:
        """Whether a module of the run spells SQLAlchemy's names through Flask-SQLAlchemy's
        ``db`` (``db.select(...)``, ``db.func.count()``); see ``FileEdits.fsa_names``."""
        return any(_FSA_NAMES.search(self.read(path) or b"") for path in self.dynamic_paths)

    def _edits(self) -> None:
        plumbing = self.plumbing.edits
        fsa_names = self._spells_fsa_names()
        paths = set(self.chain_modes) | set(self.awaits) | set(self.make_async) | set(plumbing)
        paths |= set(self.runs)
        for path in sorted(paths):
            self.outcome.edits[path] = FileEdits(
                chains=tuple(sorted(self.chain_modes.get(path, {}).items())),
                awaits=frozenset(self.awaits.get(path, set())),
                make_async=frozenset(self.make_async.get(path, set())),
                db_import=self.db_imports.get(path, ""),
                db_owners=self.db_owners.get(path, ()),
                session_import=self.session_imports.get(path, ("", "")),
                session_attribute=self.session_attributes.get(path, ""),
                eager=self.eager,
                plain=self.plain,
                extended=self.extended,
                fsa3=self.target.fsa3,
                fsa_names=fsa_names,
                plain_db=bool(self.target.plain_db),
                session_scalars=self.target.session_scalars,
                typed=self.target.typed,
                checks_unannotated=self.target.checks_unannotated,
                rowcount_cast=self.target.typed and self.target.write_only,
                plumbing=plumbing.get(path),
                runs=frozenset(self.runs.get(path, set())),
                loads=tuple(
                    (key, tuple(pairs)) for key, pairs in sorted(self.loads.get(path, {}).items())
                ),
            )


#: the mypy plugin of sqlalchemy-stubs, stubs of SQLAlchemy 1.3
LEGACY_STUBS_PLUGIN = "sqlmypy"
#: a read of one of SQLAlchemy's names through Flask-SQLAlchemy's ``db``
_FSA_NAMES = re.compile(rb"\bdb\.(?:select|func|and_|or_|update|delete|insert)\b")

#: how deep response models are followed through relationships (``author.books.tags``)
_NESTED_READS = 3

#: terminals after which the loaded objects come from the statement (not `get()`, `count()`...).
_LOADS_ON = frozenset({"", "first", "one", "one_or_none", "all"})


def _project_folders(project: ProjectContext) -> list[Path]:
    """The project's root, and the folder that declares its dependencies (a monorepo's part)."""
    return [Path(project.root), project.project_folder()]


def _project_file(project: ProjectContext, path: str, level: int, module: str) -> str | None:
    """The project file the import of ``module`` (``level`` dots) in ``path`` reaches; "" for the
    project's all the same (a namespace folder, a relative import), None outside the project."""
    target = project.resolve_import(path, level, module)
    if target is None:
        return "" if level else None
    root = Path(project.root)
    found = next((c for c in target.candidates if (root / c).is_file()), None)
    if found is not None:
        return found
    stem = target.candidates[0].removesuffix(".py")
    return "" if level or (root / stem).is_dir() else None


def _phrase(blocker: str) -> str:
    if blocker.startswith(("inside", "at ")):
        return blocker
    return f"in a function that cannot become async: {blocker}"


# -- the plan phase of the codemod ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanRequest:
    """What the codemod's options ask of one plan."""

    codemod_id: str
    mode: str
    convert_engine: bool
    session_names: list[str]
    options: Mapping[str, Any]


def plan_project(
    request: PlanRequest, facts: Sequence[FileFacts], project: ProjectContext
) -> CodemodPlan:
    """Pick modes, propagate `async` across the project, settle manual reviews."""
    modules = _module_facts(facts)
    known = {m.path for m in modules}
    others = [p for p in project.files() if p not in known]
    loaded = set(known)
    texts = _Mentions(project)

    def load_extra(names: set[str]) -> list[ModuleFacts]:
        """Facts of the project files (not analysed yet) that mention one of ``names``."""
        if not names:
            return []
        mentions = texts.test(names)
        wanted = [p for p in others if p not in loaded and mentions(p)]
        loaded.update(wanted)
        found = project.facts_for_all(wanted)
        return _module_facts(found[p] for p in wanted if p in found)

    @functools.cache
    def db_module() -> str:
        return _imported_as(modules, defining_db_module())

    @functools.cache
    def query_session() -> QuerySession | None:
        return find_query_session([*sorted(known), *others], project.read, project.module_name)

    def defining_db_module() -> str:
        for module in modules:
            if module.defines_db:  # (its scan names modules by path: not an import's name)
                return project.module_name(module.path)
        # The analysis knows `SQLAlchemy(...)` only: a subclass's module is found by its text.
        return find_db_module(project, [*others, *sorted(known)], mappings.extends_fsa)

    versions = project_versions(project)
    extras: list[ModuleFacts] = []

    def load_and_keep(names: set[str]) -> list[ModuleFacts]:
        found = load_extra(names)
        extras.extend(found)
        return found

    mode = request.mode
    convert = converts_plumbing(mode, request.convert_engine)
    if convert and mode == "auto" and any(_sync_plumbing(m) for m in modules):
        mode = "async"  # the sessions are about to become AsyncSession
    trees = _tree_facts(facts)
    reads = {path: tree.mappings_read() for path, tree in trees.items()}
    # A migration script's classes are snapshots of old models: the run's own files only count.
    current = [p for p in others if not in_alembic_versions(Path(project.root), p)]
    mappings = read_mappings(project.root, sorted(known) + current, project.report_error, reads)
    defines = any(module.defines_db for module in modules)
    plain_db = (
        "" if defines else find_plain_db(project, [*others, *sorted(known)], mappings.extends_fsa)
    )
    mappings.fsa_table_names = versions["flask-sqlalchemy"].source not in {RUNNING, "not found"}
    options = plumbing_options(project, versions, request.options) if convert else None

    def plan_once(plumbing: PlumbingOptions | None) -> tuple[Planner, PlanOutcome]:
        planner = Planner(
            modules,
            mode,
            load_and_keep,
            mappings,
            project.read,
            dynamic_paths=sorted({f.path for f in facts}),
            run_paths=project.paths,
            target=replace(
                target_of(versions),
                typed=type_checked(_project_folders(project)),
                checks_unannotated=checks_unannotated(_project_folders(project)),
                plain_db=plain_db,
            ),
            plumbing=plumbing,
            report_error=project.report_error,
            trees=trees,
            locate=functools.partial(_project_file, project),
        )
        for extra in list(extras):
            planner.index.add(extra)
        return planner, planner.run(db_module, query_session)

    planner, outcome = plan_once(options)
    stop = _plumbing_stop(planner)
    if options is not None and stop is not None:
        _, outcome = plan_once(replace(options, refuse=stop))
    outcome.findings.extend(
        _alias_findings(project, [*sorted(known), *current], mappings.is_mapped, request.mode)
    )
    violations = [
        Violation(
            path=f.path,
            line=f.line,
            col=f.col + 1,  # LibCST columns are 0-based; violations carry 1-based ones
            codemod=request.codemod_id,
            message=f.message,
            fixable=f.fixable,
            reason=f.reason,
            reason_id=f.reason_id,
            scope=f.scope,
            snippet=f.snippet,
            tier=REVIEW,
        )
        for f in outcome.findings
    ]
    assumed = ", ".join(_assumed_versions(versions, outcome.uses_fsa, plain_db))
    notes = list(outcome.notes)
    if any(v.fixable for v in violations):
        notes.extend(_version_notes(versions, outcome.uses_fsa and not plain_db))
        notes.append(_plain_db_note(plain_db if outcome.uses_fsa else ""))
        notes.extend(mock_notes(sorted({*known, *others}), project.read))
        notes.append(_legacy_stubs_note(_project_folders(project)))
    return CodemodPlan(
        violations=violations,
        edits=dict(outcome.edits),
        notes=[note for note in notes if note],
        assumptions=[f"{request.codemod_id}: {assumed}"],
    )


#: a mode note names its files up to this many; more are counted (each finding names its mode)
LISTED_FILES = 5


#: what a conversion to async cannot see, said once when it makes functions async
BY_HAND_IN_ASYNC = (
    "async-queries: check by hand what becomes async: blocking calls in it (`requests`, "
    "`time.sleep`, password hashing, file I/O) now stall the event loop, so move them to a "
    "thread (`await run_in_threadpool(...)`, `asyncio.to_thread`); relationships read outside "
    "the function (a response model, a template) and attributes a flush expires (`onupdate`, "
    "server defaults) would load lazily and fail (`MissingGreenlet`): load them eagerly "
    "(`selectinload`) or `await session.refresh(obj)` first; tests that call it through "
    "fixtures or mocks the tool cannot follow need `await` and an async runner (pytest-asyncio, "
    "anyio)"
)


def _methods_called(defined: frozenset[str], snippet: str) -> list[str]:
    """The methods of ``defined`` (a query class's) that the chain ``snippet`` calls, itself or
    through the query method it calls (``get_or_404`` runs an overridden ``get``)."""
    called = {m for m in QUERY_API_NAMES | defined if f".{m}(" in snippet}
    reached = called | {m for c in called for m in CALLED_BY.get(c, ())}
    return sorted(reached & defined)


def _custom_query_reason(name: str, setting: str, overridden: Sequence[str]) -> str:
    """Why ``name.query...`` stays: its query class changes what it does; where the chain calls
    the methods the class defines, which ones."""
    if not overridden:
        return f"`{name}.query` uses a custom query class ({setting}): {CUSTOM_FIX}"
    listed = ", ".join(f"`{method}()`" for method in overridden)
    return (
        f"`{name}.query` uses a custom query class ({setting}) whose {listed} this query calls: "
        "a plain `select()` would not run it; rewrite by hand what that method does, as a "
        "`select()`, or keep the call"
    )


def _dynamic_pagination(site: lazy.Site, fsa3: bool) -> str:
    """What to do about ``obj.rel...paginate()`` on a dynamic relationship: Flask-SQLAlchemy 3
    paginates a ``select()``; 2.x has no ``db.paginate()``, so the query stays as it is."""
    start = (
        f'`.{site.attr}` is `lazy="dynamic"`: `.{site.method}()` runs a legacy AppenderQuery, '
        "paginated with Flask-SQLAlchemy's `.paginate()`"
    )
    if fsa3:
        return f"{start}; rewrite with `db.paginate(select(...).where(with_parent(...)))`"
    return (
        f"{start}, and Flask-SQLAlchemy 2.x has no `db.paginate()` for a `select()`: keep it "
        "until the project moves to Flask-SQLAlchemy 3.x, or paginate by hand with "
        "`limit()`/`offset()` and a count"
    )


def dispose_note(paths: Sequence[str]) -> str:
    """What to add by hand where a script's entry point now runs under ``asyncio.run``."""
    return (
        f"async-queries: {', '.join(paths)}: the script's entry point now runs under "
        "`asyncio.run(...)`; add `await engine.dispose()` before its coroutine returns, as "
        "SQLAlchemy advises: pooled connections left open are closed after the event loop is "
        "gone, and with aiosqlite the process may not exit"
    )


def mode_notes(files_by_mode: Mapping[str, Sequence[str]]) -> list[str]:
    """One note per mode (``sync``, ``async``, ``async/sync`` for a file with both): the files in
    that mode, or how many there are. A note per file drowned a scan of a large project."""
    notes = []
    for mode, paths in sorted(files_by_mode.items()):
        if len(paths) <= LISTED_FILES:
            where = ", ".join(paths)
        else:
            where = f"{len(paths)} files (each finding names its mode)"
        notes.append(f"async-queries: {mode} mode: {where}")
    return notes


def _raised_minimum(sqlalchemy: Found) -> str:
    """The note for a rewrite that targets the installed SQLAlchemy while the project declares a
    range that allows older ones, where the new code may not run; "" when it does not."""
    declared = sqlalchemy.declared
    if declared is None:
        return ""
    return (
        f"async-queries: the rewrite targets SQLAlchemy {sqlalchemy.version} (installed in "
        f"{sqlalchemy.source}), but {declared.source} declares `SQLAlchemy{declared.specifier}`, "
        f"which allows {declared.version}, where the new code may not run: raise that lower "
        f'bound with this change, or set `sqlalchemy = "{declared.version}"` in '
        "[tool.backfix.versions] to target the lowest version"
    )


def _version_notes(versions: Mapping[str, Found], uses_fsa: bool) -> list[str]:
    """The notes of a run that rewrites, on the versions it targets ("" for none): a lower bound
    or pin to raise with the change, a Flask-SQLAlchemy that does not support that SQLAlchemy."""
    sqlalchemy, fsa = versions["sqlalchemy"], versions["flask-sqlalchemy"]
    notes = [_raised_minimum(sqlalchemy), _overridden(sqlalchemy)]
    if uses_fsa:
        notes += [_overridden(fsa), _unsupported_pair(versions)]
    return notes


def _legacy_stubs_note(folders: list[Path]) -> str:
    """The note for a project whose mypy reads SQLAlchemy's types from sqlalchemy-stubs (its
    ``sqlmypy`` plugin): stubs of SQLAlchemy 1.3, which stand in for the library's own types and
    know none of the API the fix writes; "" for any other project."""
    if LEGACY_STUBS_PLUGIN not in mypy_plugins(folders):
        return ""
    return (
        "async-queries: mypy reads SQLAlchemy's types from sqlalchemy-stubs (the `sqlmypy` "
        "plugin of its configuration), stubs of SQLAlchemy 1.3 that know none of the API the "
        "fix writes (`Session.scalars`, `Session.execute(select(...))`...), so mypy will report "
        "the rewritten queries: remove sqlalchemy-stubs and the plugin with this change "
        "(SQLAlchemy 2.0 carries its own types; on 1.4, use sqlalchemy2-stubs and the plugin "
        "`sqlalchemy.ext.mypy.plugin`)"
    )


def _overridden(found: Found) -> str:
    """The note for a rewrite that targets the version ``[tool.backfix.versions]`` sets where
    the project's own files say a lower one; "" when they do not."""
    own = found.overridden
    if own is None:
        return ""
    return (
        f"async-queries: the rewrite targets {found.name} {found.version} ({found.source}), but "
        f"the project's files say {own.describe()}, where the new code may not run: raise it "
        "there with this change"
    )


def _unsupported_pair(versions: Mapping[str, Found]) -> str:
    """The note for a rewrite that targets SQLAlchemy 1.4 or later where the project's
    Flask-SQLAlchemy is older than 2.5, the first to support it (a version set by hand in
    ``[tool.backfix.versions]`` for one library but not the other); "" when the pair works."""
    sqlalchemy, fsa = versions["sqlalchemy"], versions["flask-sqlalchemy"]
    if not (sqlalchemy.at_least("1.4") is True and fsa.at_least("2.5") is False):
        return ""
    return (
        f"async-queries: the rewrite targets {sqlalchemy.describe()}, which "
        f"{fsa.describe()} does not support (Flask-SQLAlchemy 2.5 was the first to): upgrade "
        'Flask-SQLAlchemy to 2.5.1 with it, or set `flask-sqlalchemy = "..."` in '
        "[tool.backfix.versions] if that version is wrong"
    )


def _assumed_versions(
    versions: Mapping[str, Found], uses_fsa: bool, plain_db: str = ""
) -> list[str]:
    """What the run assumed of each library; Flask-SQLAlchemy only where it matters: the project
    declares it, or one of the queries it reports goes through it (a FastAPI project does not use
    it, and an enum's ``Location.query`` is no query), and its ``db`` is Flask-SQLAlchemy's (not
    ``plain_db``). A library nothing says the project has (SQLModel, mostly) is left out: nothing
    was assumed of it."""
    return [
        found.describe()
        for name, found in versions.items()
        if not (name == "flask-sqlalchemy" and not uses_fsa and found.source == RUNNING)
        and not (name == "flask-sqlalchemy" and plain_db)
        and not (name != "sqlalchemy" and found.source == "not found")
    ]


def _in_paths(path: str, paths: Sequence[str]) -> bool:
    """Whether ``path`` lies in the paths the run was given (all of them: none given)."""
    return not paths or any(is_under(path, run) for run in paths)


def _alias_findings(
    project: ProjectContext, files: list[str], is_mapped: Callable[[str], bool], mode: str
) -> list[Finding]:
    """The findings of the legacy queries the run's files make through a class property that
    returns the session's ``query`` method (see ``query_aliases``)."""
    aliases = find_query_aliases(files, project.read)
    if not aliases:
        return []
    return [
        _alias_finding(path, call, mode)
        for path in files
        if _in_paths(path, project.paths)
        for call in _alias_calls_in(project, path, aliases, is_mapped)
    ]


def _alias_calls_in(
    project: ProjectContext, path: str, aliases: list[QueryAlias], is_mapped: Callable[[str], bool]
) -> list[AliasCall]:
    """The calls of the project's query aliases in the file ``path``."""
    raw = project.read(path) or b""
    if not any(f".{alias.attribute}(".encode() in raw for alias in aliases):
        return []
    tree = python_tree(raw)
    if tree is None:
        return []  # (the analysis reports the file)
    return alias_calls(tree, raw.decode("utf-8", "replace"), aliases, is_mapped)


def _alias_finding(path: str, call: AliasCall, mode: str) -> Finding:
    """The finding of a query through a class property that returns the session's ``query``:
    a legacy query, rewritten by hand."""
    alias = call.alias
    label = "async: --mode async" if mode == ASYNC else "sync"
    message = (
        f"legacy Query API: {call.summary} [{label}: a class property returning "
        f"`{alias.session}.query`]"
    )
    reason = (
        f"`{alias.attribute}` of `{alias.owner}` is a class property that returns "
        f"`{alias.session}.query`, so this call is a legacy `{alias.session}.query(...)`, which "
        f"the rewrite does not follow: rewrite by hand as `{alias.session}.execute(select(...)"
        f"...)` (`{alias.session}.scalars(select(Model)...)` for rows of one model)"
    )
    return Finding(
        path, call.line, call.col, message, False, reason, call.scope, call.snippet,
        R.QUERY_METHOD_ALIAS,
    )  # fmt: skip


def _untyped_without_fsa(
    reason: tuple[str, str], session: QuerySession | None
) -> tuple[str, tuple[str, str]]:
    """The mode's why and the reason of a query on a class nobody can name (``self.query``) in
    a project without Flask-SQLAlchemy: its rewrite by hand reads the session behind the
    project's query property (``db_connection.session``, else a session) and SQLAlchemy's own
    ``select()``, not ``db.session`` and ``db.select()``."""
    why = session.origin if session is not None else "a query property, no Flask-SQLAlchemy"
    reader = session.expression if session is not None else "session"
    text = reason[0].replace("`db.session.", f"`{reader}.")
    return why, (_FSA_STATEMENT.sub(r"\1(", text), reason[1])


#: Flask-SQLAlchemy's ``db.select(``, ``db.delete(``, ``db.update(`` in advice
_FSA_STATEMENT = re.compile(r"\bdb\.(select|delete|update)\(")


def _plain_db_note(plain_db: str) -> str:
    """The note for a project whose ``db`` is ``plain_db`` (not Flask-SQLAlchemy's)."""
    if not plain_db:
        return ""
    return (
        f"async-queries: the project's `db` is {plain_db}, not Flask-SQLAlchemy's "
        "`SQLAlchemy()`: the rewrite imports SQLAlchemy's names (`select`) instead of reading "
        "them through `db`, and uses its `db.session` as a plain session"
    )


def converts_plumbing(mode: str, convert_engine: bool) -> bool:
    """Whether a run with these options converts the session plumbing (and reads its facts)."""
    return mode == "async" or (mode == "auto" and convert_engine)


def _assigns_at_module_level(raw: bytes | None, name: str) -> bool:
    """Whether the module text ``raw`` assigns ``name`` at its top level (``name = ...``)."""
    pattern = rb"(?m)^" + re.escape(name.encode()) + rb"\s*(?::[^=\n]*)?=[^=]"
    return raw is not None and re.search(pattern, raw) is not None


def _imports_db_from(tree: ast.Module, path: str, db_module: str, *, typed: bool) -> bool:
    """Whether the module ``tree`` (the file ``path``) re-exports the ``db`` of ``db_module``: it
    imports it at its top and either lists it in ``__all__`` or imports it ``as db``, or, in a
    project that runs no type checker, is a package's ``__init__.py`` (a facade). A module that
    merely uses ``db`` does not count: a type checker may not let others import it from there."""
    imports = [
        alias
        for stmt in tree.body
        if isinstance(stmt, ast.ImportFrom)
        and from_import_module(path, stmt.level, stmt.module or "") == db_module
        for alias in stmt.names
        if alias.name == "db" and alias.asname in (None, "db")
    ]
    if not imports:
        return False
    if any(alias.asname == "db" for alias in imports) or "db" in _exported(tree):
        return True
    return not typed and PurePosixPath(path).name == "__init__.py"


def _exported(tree: ast.Module) -> set[str]:
    """The names a module's top-level ``__all__ = [...]`` (or tuple) lists."""
    names: set[str] = set()
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets)
            and isinstance(stmt.value, (ast.List, ast.Tuple))
        ):
            names |= {
                e.value
                for e in stmt.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    return names


def _imported_as(modules: Iterable[ModuleFacts], defining: str) -> str:
    """The module the analysed files (those with queries or sessions) import ``db`` from most
    often: ``defining``, a module of the same package that re-exports it (``from app.database
    import db``), or ``defining`` under a shorter name, where its folders are on the path
    (``from db import db`` of ``securedrop/db.py``, whose folder is no package); on a tie,
    ``defining``."""
    if not defining:
        return defining
    package = defining.split(".")[0]
    counts = Counter(
        source
        for facts in modules
        for local, source, imported in facts.imports
        if local == imported == "db"
        and (source.split(".")[0] == package or defining.endswith(f".{source}"))
    )
    counts.setdefault(defining, 0)
    return max(counts, key=lambda source: (counts[source], source == defining))


def _module_facts(facts: Iterable[FileFacts]) -> list[ModuleFacts]:
    return [f.data for f in facts if isinstance(f.data, ModuleFacts)]


def _tree_facts(facts: Iterable[FileFacts]) -> dict[str, TreeFacts]:
    """What the analysis read from each file's `ast` tree (see ``tree_facts``)."""
    trees: dict[str, TreeFacts] = {}
    for fact in facts:
        data = fact.data.tree if isinstance(fact.data, ModuleFacts) else fact.data
        if isinstance(data, TreeFacts):
            trees[fact.path] = data
    return trees


#: what a bytes pattern's ``\b`` counts as a word character
_WORD = re.compile(rb"[A-Za-z0-9_]+")


class _Mentions:
    """Which project files mention a name as a whole word (the project reads each file once).

    ``\b(?:name|...)\b`` finds a name exactly where the name is one of the file's maximal runs of
    word characters, so each file's set of words answers every later question; a name with other
    characters (non-ASCII) is searched for with that pattern instead."""

    def __init__(self, project: ProjectContext) -> None:
        self.project = project
        self.words: dict[str, frozenset[bytes]] = {}

    def test(self, names: set[str]) -> Callable[[str], bool]:
        """Whether a file (by path) mentions one of ``names``."""
        encoded = {n.encode() for n in names}
        if all(_WORD.fullmatch(name) for name in encoded):
            return lambda rel: not self._words(rel).isdisjoint(encoded)
        words = b"|".join(re.escape(n) for n in sorted(encoded))
        pattern = re.compile(rb"\b(?:" + words + rb")\b")
        return lambda rel: pattern.search(self.text(rel)) is not None

    def text(self, rel: str) -> bytes:
        """The file's bytes; none of a file too big to be a source file of the project."""
        raw = self.project.read(rel) or b""
        return raw if len(raw) <= _MAX_EXTRA_BYTES else b""

    def _words(self, rel: str) -> frozenset[bytes]:
        if rel not in self.words:
            self.words[rel] = frozenset(_WORD.findall(self.text(rel)))
        return self.words[rel]


#: a suggested rewrite with ``session.scalars()``, which a ``scoped_session`` lacks before 1.4.26
_SUGGESTED_SCALARS = re.compile(r"`db\.session\.scalars\((db\.select\([^`]*\))\.\.\.\)`")


def _runs_get(chain: ChainFact, target: Target) -> bool:
    """Whether the rewrite of ``chain`` calls ``session.get()``: ``.get(id)``, and Flask-SQLAlchemy
    2.x's ``get_or_404`` (3.x has ``db.get_or_404``)."""
    return chain.terminal == "get" or (chain.fsa_terminal == "get_or_404" and not target.fsa3)


def _plumbing_stop(planner: Planner) -> tuple[str, int, str] | None:
    """A caller that cannot await what the plumbing made async: then the unit stays manual.

    Tests are reported where they stop, like any propagation boundary; they do not block the app.
    """
    for path, line, why in planner.plumbing_stops:
        if not is_test_module(path):
            return path, line, why
    return None


def _sync_plumbing(module: ModuleFacts) -> bool:
    """Does the module create sync engines or sessions (what ``convert_engine`` converts)?"""
    return module.plumbing is not None and any(
        role in {"create_engine", "sessionmaker", "Session"}
        for _, role, _ in module.plumbing.symbols
    )


def custom_query_note(methods: Sequence[str], rewritten: int) -> str:
    """The run's note when ``Model.query`` chains call methods no ``Query`` has (``.notempty()``):
    those models' query class is not SQLAlchemy's, set where backfix cannot see it (a base class
    from a library), and the ``rewritten`` chains assume it adds no criteria of its own."""
    if not methods or not rewritten:
        return ""
    listed = ", ".join(f"`.{name}()`" for name in methods[:5])
    more = f" and {len(methods) - 5} more" if len(methods) > 5 else ""
    return (
        f"async-queries: `Model.query` chains call {listed}{more}, which SQLAlchemy's `Query` "
        "does not have: some models' query class is another one, set where backfix cannot see "
        "it (a base class from a library, such as a mixin package's model base); "
        f"{rewritten} other `Model.query` chain(s) become plain `select()` statements, which "
        "is right only if that query class adds methods and no criteria of its own (a "
        "soft-delete or tenant filter on every query): check it before merging them"
    )
