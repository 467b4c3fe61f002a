"""The plan: follow each client across the project, decide fix or manual, and list every file's edits.

A client is fixed only when every use of it, in every module, can call the getter instead: one
blocker anywhere (an assignment, a use at import time, a re-export...) leaves it as it is, reported
with the reason, and no file changes for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from backfix.class_bases import FrameworkBases
from backfix.codemod import Plan, ProjectContext
from backfix.project import module_name
from backfix.results import FileFacts, Violation

from . import reasons
from .analyze import use_blocker
from .detect import NOT_CLIENTS
from .model import LOAD, Blocker, Client, FileEdits, Getter, ModuleFacts, Origin
from .naming import local_getter

_STAR = re.compile(rb"import[ \t]+\*")


@dataclass
class Found:
    """One client and what the plan learnt about it."""

    path: str
    client: Client
    qualified: str
    #: every dotted name the client is imported under: ``src.db.cache.redis`` is also
    #: ``db.cache.redis`` when ``src/`` is on ``sys.path`` (only when no other file has that name)
    names: tuple[str, ...] = ()
    blockers: list[Blocker] = field(default_factory=list)
    #: path → (origin, attributes) → getter to call there
    uses: dict[str, dict[tuple[Origin, tuple[str, ...]], str]] = field(default_factory=dict)


class Planner:
    """Matches every module's uses of imports against the clients found."""

    def __init__(self, project: ProjectContext, modules: Mapping[str, ModuleFacts]) -> None:
        self.project = project
        self.modules = modules

    def resolve(self, path: str, origin: Origin, attrs: tuple[str, ...] = ()) -> str:
        """The dotted name a use in ``path`` reads (``app.clients.redis.get``)."""
        level, module, names = origin
        base = module
        if level:
            target = self.project.resolve_import(path, level, module)
            base = target.module if target is not None else module
        return ".".join(part for part in (base, *names, *attrs) if part)

    def follow(self, found: Found) -> None:
        """Find every use of one client across the project."""
        aliases = self._aliases(found)
        for path, facts in sorted(self.modules.items()):
            self._imports(found, path, facts, aliases)
            self._uses(found, path, facts, aliases)
            self._by_name(found, path, facts, aliases)

    def _aliases(self, found: Found) -> set[str]:
        """Other modules' names for the client (``from app.clients import redis`` at module level)."""
        aliases = set()
        for path, facts in self.modules.items():
            for imported in facts.imported_names:
                if imported.module_level and self.resolve(path, imported.origin) in found.names:
                    aliases.add(f"{self.project.module_name(path)}.{imported.local}")
        return aliases

    def _imports(self, found: Found, path: str, facts: ModuleFacts, aliases: set[str]) -> None:
        for imported in facts.imported_names:
            full = self.resolve(path, imported.origin)
            if full in aliases:
                found.blockers.append(_reexported(found, f"{path}:{imported.line}"))
            if full not in found.names:
                if _looks_alike(full, found.qualified):
                    found.blockers.append(
                        Blocker(
                            reasons.IMPORT_NOT_RESOLVED,
                            f"{path}:{imported.line} imports `{full}`, which may be this client "
                            "under a name the project's layout does not give it: check that "
                            "import, and make it name the module as the project does",
                        )
                    )
                continue
            getter = local_getter(imported.local, found.client.getter)
            if getter in facts.bound:
                found.blockers.append(
                    Blocker(reasons.GETTER_NAME_TAKEN, f"{path} already defines `{getter}`")
                )
            if imported.local in facts.exported:
                found.blockers.append(
                    Blocker(
                        reasons.RE_EXPORTED,
                        f"{path} lists `{imported.local}` in `__all__`: replace it with `{getter}`",
                    )
                )
            found.uses.setdefault(path, {})[(imported.origin, ())] = found.client.getter
        for level, star, line in facts.star_imports:
            module = self.resolve(path, (level, star, ()))
            if any(module == name.rsplit(".", 1)[0] for name in found.names):
                found.blockers.append(
                    Blocker(
                        reasons.STAR_IMPORT,
                        f"{path}:{line} star-imports the module defining "
                        f"`{found.client.name}`: import the names it uses explicitly",
                    )
                )

    def _uses(self, found: Found, path: str, facts: ModuleFacts, aliases: set[str]) -> None:
        for use in facts.uses:
            full = self.resolve(path, use.origin, use.attrs)
            if any(_within(full, alias) for alias in aliases):
                found.blockers.append(_reexported(found, f"{path}:{use.line}"))
                continue
            name = next((n for n in found.names if _within(full, n)), "")
            if not name:
                continue
            where = f"{path}:{use.line}"
            kind = use.kind if full == name else LOAD
            blocker = use_blocker(
                found.client.name, kind, use.import_time, use.default_argument, where
            )
            if blocker is not None:
                found.blockers.append(blocker)
                continue
            keep = len(name.split(".")) - len(self.resolve(path, use.origin).split("."))
            key = (use.origin, use.attrs[:keep])
            found.uses.setdefault(path, {})[key] = found.client.getter

    def _by_name(self, found: Found, path: str, facts: ModuleFacts, aliases: set[str]) -> None:
        names = {*found.names, *aliases}
        for text, line in facts.dotted_strings:
            if any(_within(text, name) for name in names):
                found.blockers.append(_patched(found, f"{path}:{line}", f'"{text}"'))
        for origin, attribute, line in facts.patched_attributes:
            if f"{self.resolve(path, origin)}.{attribute}" in names:
                found.blockers.append(_patched(found, f"{path}:{line}", f'"{attribute}"'))


def _reexported(found: Found, where: str) -> Blocker:
    return Blocker(
        reasons.RE_EXPORTED,
        f"{where} imports `{found.client.name}` through a module that imports it: "
        "import it from the module that defines it",
    )


def _patched(found: Found, where: str, spelled: str) -> Blocker:
    return Blocker(
        reasons.PATCHED_BY_NAME,
        f"{where} names `{found.client.name}` by string ({spelled}), e.g. to patch it in a test: "
        f"patch `{found.client.getter}` instead",
    )


class ModuleSuffixes:
    """The dotted names a module may be imported under, from the project's list of files.

    A project run with ``src/`` (or any folder) on ``sys.path`` imports ``src/db/cache.py`` as
    ``db.cache``, although ``src/__init__.py`` makes its full name ``src.db.cache``. A shorter name
    counts only when no other project file could be meant by it.
    """

    def __init__(self, project: ProjectContext) -> None:
        self.project = project
        self.paths: dict[str, set[str]] = {}
        for path in project.files():
            for name in self._full_names(path):
                parts = name.split(".")
                for start in range(len(parts)):
                    self.paths.setdefault(".".join(parts[start:]), set()).add(path)

    def _full_names(self, path: str) -> list[str]:
        """The module's name, and its path from the root where that differs: a folder without
        ``__init__.py`` above its packages is a namespace package when the root is on
        ``sys.path`` (``app.v1.sms`` beside ``v1.sms``)."""
        return list(dict.fromkeys([self.project.module_name(path), module_name(path)]))

    def names(self, path: str) -> list[str]:
        """Every dotted name the module at ``path`` may be imported under: its full names and
        each of their tails that names only ``path``."""
        found: list[str] = []
        for module in self._full_names(path):
            parts = module.split(".")
            tails = [".".join(parts[start:]) for start in range(1, len(parts))]
            found += [module, *(tail for tail in tails if self.paths.get(tail) == {path})]
        return list(dict.fromkeys(found))


def _looks_alike(full: str, qualified: str) -> bool:
    """Same module file name and same variable: maybe the same client under another root."""
    return full.split(".")[-2:] == qualified.split(".")[-2:]


def _within(full: str, name: str) -> bool:
    return full == name or full.startswith(name + ".")


def plan_clients(
    codemod_id: str, facts: Sequence[FileFacts], project: ProjectContext
) -> Plan[FileEdits]:
    """Decide every client found in ``facts``; see the module docstring."""
    violations = [v for fact in facts for v in fact.violations]
    clients = [
        (fact.path, client)
        for fact in facts
        if isinstance(fact.data, ModuleFacts)
        for client in fact.data.clients
    ]
    framework = _framework_objects(project, clients)
    if framework:
        clients = [item for item in clients if (item[0], item[1].line) not in framework]
        violations = [v for v in violations if (v.path, v.line) not in framework]
    if not clients:
        return Plan(violations=violations)
    # Imported here: target parses version specifiers with packaging, which only such a plan needs.
    from .target import cache_decorator

    modules = _modules(project, {client.name for _, client in clients})
    planner = Planner(project, modules)
    suffixes = ModuleSuffixes(project)
    decorator, assumption = cache_decorator(Path(project.root))
    edits: dict[str, FileEdits] = {}
    settled: dict[tuple[str, int], Violation] = {}
    for path, client in clients:
        module = project.module_name(path)
        found = Found(
            path,
            client,
            f"{module}.{client.name}",
            blockers=list(client.blockers),
            names=tuple(f"{m}.{client.name}" for m in suffixes.names(path)),
        )
        planner.follow(found)
        settled[(path, client.line)] = _settle(found, violations, edits, decorator)
    final = [settled.get((v.path, v.line), v) for v in violations]
    plan: Plan[FileEdits] = Plan(violations=final, edits=edits)
    if assumption and edits:
        plan.assumptions.append(assumption)
    return plan


def _framework_objects(
    project: ProjectContext, clients: list[tuple[str, Client]]
) -> set[tuple[str, int]]:
    """(path, line) of the clients whose constructor is a project class deriving from a framework
    object (``HelpModule(PgAdminModule)``, ``PgAdminModule(Blueprint)``): not clients at all."""
    bases = FrameworkBases(project, NOT_CLIENTS)
    return {
        (path, client.line)
        for path, client in clients
        if client.constructor.isidentifier() and bases.derives(path, client.constructor)
    }


def _modules(project: ProjectContext, names: set[str]) -> dict[str, ModuleFacts]:
    """Facts (with uses) of every project file that mentions a client's name or star-imports."""
    spelled = _spelled(names)
    wanted = [path for path in project.files() if _mentions(project.read(path) or b"", spelled)]
    return {
        path: fact.data
        for path, fact in project.facts_for_all(wanted).items()
        if isinstance(fact.data, ModuleFacts)
    }


def _spelled(names: set[str]) -> re.Pattern[bytes]:
    """Any of ``names`` as a whole identifier: a use spells the name (``cache.get``, ``"app.cache"``),
    not a longer identifier that contains it (``cached``); any byte of a non-ASCII character counts
    as part of an identifier."""
    alternatives = b"|".join(re.escape(name.encode()) for name in sorted(names))
    return re.compile(rb"(?<![\w\x80-\xff])(?:" + alternatives + rb")(?![\w\x80-\xff])")


def _mentions(raw: bytes, spelled: re.Pattern[bytes]) -> bool:
    return _STAR.search(raw) is not None or spelled.search(raw) is not None


def _settle(
    found: Found, violations: list[Violation], edits: dict[str, FileEdits], decorator: str
) -> Violation:
    mine = next(v for v in violations if v.path == found.path and v.line == found.client.line)
    if found.blockers:
        first = found.blockers[0]
        reason = "; ".join(dict.fromkeys(b.message for b in found.blockers))
        return replace(mine, fixable=False, reason=reason, reason_id=first.reason_id)
    client = found.client
    getter = Getter(client.name, client.getter, client.annotation, decorator)
    edits.setdefault(found.path, FileEdits()).getters.append(getter)
    for path, uses in found.uses.items():
        edits.setdefault(path, FileEdits()).uses.update(uses)
    return mine
