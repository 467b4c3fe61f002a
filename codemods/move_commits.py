"""Move database commits out of the route layer into synthesized service methods.

What:
    Finds session commits (``db.session.commit()``, ``session.commit()``, ``self.db.commit()``,
    ``await db.commit()``, plus ``session_names``) in the route layer: Flask and FastAPI route
    functions, ``add_url_rule`` targets, ``MethodView``/``Resource`` methods, and any function in a
    module under ``route_paths``. The unit of work each commit ends (the writes and the commit, a
    whole loop around it, a ``try``/``except``/``rollback`` around it) moves into a ``@staticmethod``
    of a service class (``routes/jobs.py`` → ``services/job_service.py``, ``JobService``), created or
    extended; the route calls it and keeps input parsing, guards and the response.

Why:
    Commits in routes spread transaction boundaries over the HTTP layer; teams move them into services
    by hand, one route file at a time.

Safety:
    Free names become parameters, names the route reads afterwards become return values, and
    framework reads (``request``, ``g``, ``current_user``, FastAPI ``Request``...) are evaluated in the
    route and passed as plain values. A ``try`` moves with its rollback and re-raises to the handler
    that stays in the route. A unit that cannot move without changing behaviour (an early
    ``return``/``abort``/HTTP error between the writes and the commit, ``yield``, framework calls in a
    loop with the commit, ``global``/``nonlocal``, ``locals()``, nested functions...) is left as it is
    and reported with the reason. All files change together or none does.

Options:
    ``session_names`` (extra session receiver names), ``route_paths`` (folder/module names or path
    globs of the route layer), ``service_dir`` (default ``services``, next to the route layer folder;
    with a ``/``, from the repository root), ``service_module`` (``{name}_service``), ``templates``
    (folder overriding ``code/move-commits/*.py.j2``), ``line_length`` (when generated calls and
    signatures wrap; default 0: the project's, from its ruff or black configuration, else 88).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import libcst as cst

from backfix.codemod import Codemod, Plan, ProjectContext
from backfix.formatting import line_length_for
from backfix.imports import first_party_packages, project_root
from backfix.results import REVIEW, FileFacts, Violation
from backfix.source import SourceError, SourceFile
from backfix.templating import render

from ._move_commits.analysis import Analyzer
from ._move_commits.definitions import importers
from ._move_commits.frameworks import (
    DEFAULT_ROUTE_PATHS,
    DEFAULT_SESSION_NAMES,
    is_test_or_migration,
    route_path_match,
)
from ._move_commits.model import (
    Extraction,
    ImportNeed,
    MethodSpec,
    PackageInitEdits,
    RouteEdits,
    RouteFacts,
    ServiceEdits,
    UnitPlan,
)
from ._move_commits.output import attach_output
from ._move_commits.placement import (
    ServiceLocation,
    method_base_name,
    module_name,
    relative_import,
    service_import,
    service_location,
)
from ._move_commits.quick import may_have_route_commits
from ._move_commits.rewrite import rewrite_route, rewrite_service
from ._move_commits.signature import Signature, choose_method_name, signature
from ._move_commits.syntax import code_of
from ._move_commits.typing_plan import TypingContext


class MoveCommits(Codemod):
    """Route-layer commits → service methods that own the unit of work."""

    SUMMARY = "Move database commits (and the writes they commit) from routes into service methods"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(rb"\.commit\s*\(")
    LOCAL: ClassVar[bool] = False
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "session_names": [],
        "route_paths": list(DEFAULT_ROUTE_PATHS),
        "service_dir": "services",
        "service_module": "{name}_service",
        "line_length": 0,
        "templates": "",
    }
    EXAMPLE = (
        "from flask import Blueprint, g, jsonify, request\n\n"
        "from app.extensions import db\n"
        "from app.models import Job\n\n"
        'bp = Blueprint("jobs", __name__)\n\n\n'
        '@bp.post("/jobs")\n'
        "def create_job():\n"
        "    data = request.get_json()\n"
        '    if not data.get("title"):\n'
        '        return jsonify(error="title required"), 400\n'
        '    job = Job(title=data["title"], tenant_id=g.tenant_id)\n'
        "    db.session.add(job)\n"
        "    db.session.commit()\n"
        "    return jsonify(job.to_dict()), 201\n"
    )

    # --- analyze -------------------------------------------------------------------------------------------

    def _session_names(self) -> list[str]:
        return [*DEFAULT_SESSION_NAMES, *self.options["session_names"]]

    def _in_service_layer(self, path: str) -> bool:
        service_dir = str(self.options["service_dir"]).strip("/")
        if "/" in service_dir:
            return path.startswith(service_dir + "/")
        return service_dir in PurePosixPath(path).parts[:-1]

    def _in_route_path(self, path: str) -> bool:
        # Service modules are never the route layer, even under a folder named like one
        # (`api/services/`): that is what makes a second run a no-op.
        return not self._in_service_layer(path) and route_path_match(
            path, self.options["route_paths"]
        )

    def _explicitly_listed(self, path: str) -> bool:
        explicit = [
            entry
            for entry in self.options["route_paths"]
            if "/" in entry or any(ch in entry for ch in "*?[")
        ]
        return bool(explicit) and route_path_match(path, explicit)

    def _never_routes(self, path: str) -> bool:
        # Tests and migrations call `commit()` to set up or change data, not to serve requests:
        # only a `route_paths` entry naming their path (not a folder name like `api`) includes them.
        return is_test_or_migration(path) and not self._explicitly_listed(path)

    def _analyzer(self, source: SourceFile) -> Analyzer:
        in_route_path = self._in_route_path(source.path)
        analyzer = Analyzer(source.module, source.path, self._session_names(), in_route_path)
        analyzer.run()
        attach_output(analyzer)
        return analyzer

    def analyze(self, source: SourceFile) -> FileFacts:
        """Find route-layer commits and the units of work that could move."""
        if self._never_routes(source.path) or not may_have_route_commits(
            source.ast_module(), self._in_route_path(source.path)
        ):
            return FileFacts(source.path)
        analyzer = self._analyzer(source)
        violations = tuple(
            self.violation(
                source,
                site.line,
                site.col,
                f"`{site.code}` in the route layer ({site.scope or 'module'})",
                fixable=site.unit_id is not None,
                reason=site.reason,
                scope=site.scope,
                snippet=site.snippet,
                tier=REVIEW,
            )
            for site in analyzer.sites
        )
        if not violations:
            return FileFacts(source.path)
        names, imports = _module_bindings(source.module, analyzer)
        facts = RouteFacts(
            path=source.path,
            commits=tuple(analyzer.sites),
            extractions=tuple(u.extraction for u in analyzer.units if u.extraction is not None),
            module_names=frozenset(names),
            uses_relative_imports=analyzer.uses_relative_imports,
        )
        return FileFacts(source.path, violations, (facts, imports))

    # --- plan ----------------------------------------------------------------------------------------------

    def plan(self, facts: Sequence[FileFacts], project: ProjectContext) -> Plan:
        """Place every movable unit in a service module; settle names, imports and clashes."""
        planner = _Planner(self, project)
        for fact in facts:
            if fact.data is not None:
                route_facts, imports = fact.data
                planner.add_route(route_facts, imports)
        planner.place()
        violations: list[Violation] = []
        for fact in facts:
            for violation in fact.violations:
                violations.append(planner.settle(violation))
        return Plan(violations=violations, edits=planner.edits(), notes=planner.notes)

    # --- rewrite -------------------------------------------------------------------------------------------

    def _overrides(self) -> list[str]:
        return [self.options["templates"]] if self.options["templates"] else []

    def _line_length(self, source: SourceFile) -> int:
        return int(self.options["line_length"]) or line_length_for(source.abs_path)

    def rewrite(self, source: SourceFile, edits: Any) -> cst.Module:
        """Apply one file's edits: a route module, a service module or a new package ``__init__``."""
        if isinstance(edits, RouteEdits):
            analyzer = self._analyzer(source)
            return rewrite_route(
                source.module,
                analyzer.units,
                edits,
                self._overrides(),
                self._line_length(source),
                project_root(source.abs_path, source.path),
                first_party_packages(source.abs_path, project_root(source.abs_path, source.path)),
            )
        if isinstance(edits, ServiceEdits):
            module = source.module if source.exists else cst.Module([])
            return rewrite_service(
                module,
                source.exists,
                edits,
                self._overrides(),
                self._line_length(source),
                project_root(source.abs_path, source.path),
                first_party_packages(source.abs_path, project_root(source.abs_path, source.path)),
            )
        if isinstance(edits, PackageInitEdits):
            if source.exists:
                return source.module
            return cst.parse_module(
                render("code/move-commits/package_init.py.j2", self._overrides())
            )
        return source.module


def _module_bindings(module: cst.Module, analyzer: Analyzer) -> tuple[set[str], dict[str, str]]:
    """Names bound at module level, and for imported ones their single-name import statement."""
    scope = analyzer.index.scopes.get(module)
    names = {assignment.name for assignment in scope.assignments} if scope is not None else set()
    bound, _methods, _ok = _service_bindings(module, "")
    return names, {name: code for name, code in bound.items() if code is not None}


class _Planner:
    """The cross-file decisions of one run."""

    def __init__(self, codemod: MoveCommits, project: ProjectContext) -> None:
        self.codemod = codemod
        self.project = project
        self.options = codemod.options
        self.routes: list[tuple[RouteFacts, dict[str, str]]] = []
        self.reasons: dict[tuple[str, str], str] = {}
        self.planned: dict[tuple[str, str], tuple[UnitPlan, str, frozenset[str]]] = {}
        self.services: dict[str, ServiceEdits] = {}
        self.inits: dict[str, PackageInitEdits] = {}
        self.notes: list[str] = []
        self.layer_names = [
            entry
            for entry in self.options["route_paths"]
            if "/" not in entry and not any(ch in entry for ch in "*?[")
        ]
        self.typing = TypingContext(project, self.is_package)
        self.route_definitions: dict[str, dict[str, str]] = {}
        self.importers: dict[tuple[str, str], list[str]] = {}

    def add_route(self, facts: RouteFacts, imports: dict[str, str]) -> None:
        """Register one route file's facts."""
        self.routes.append((facts, imports))

    def is_package(self, folder: str) -> bool:
        """Whether ``folder`` is (or will be, after this run) a regular package."""
        init = f"{folder}/__init__.py" if folder else "__init__.py"
        return init in self.inits or self.project.read(init) is not None

    def _import_name(self, path: str) -> str:
        folder = str(PurePosixPath(path).parent)
        folder = "" if folder == "." else folder
        if folder and not self.is_package(folder):
            return ".".join(PurePosixPath(path).with_suffix("").parts)
        return module_name(path, self.is_package)

    def _route_import(self, facts: RouteFacts, location: ServiceLocation) -> str:
        route_folder = str(PurePosixPath(facts.path).parent)
        if facts.uses_relative_imports and route_folder != "." and self.is_package(route_folder):
            level, module = relative_import(facts.path, location.path)
            common = PurePosixPath(facts.path).parents[level - 1].as_posix()
            if common != "." and self.is_package(common):
                return f"from {'.' * level}{module} import {location.class_name}"
        return f"from {self._import_name(location.path)} import {location.class_name}"

    def place(self) -> None:
        """Decide service module, class and method of every movable unit."""
        groups: dict[str, list[tuple[RouteFacts, Extraction, ServiceLocation]]] = {}
        for facts, _imports in self.routes:
            if self.project.batch is not None and facts.path not in self.project.batch:
                continue  # left for a later batch (`apply --max-files`)
            for extraction in facts.extractions:
                location = service_location(
                    facts.path,
                    self.layer_names,
                    self.options["service_dir"],
                    self.options["service_module"],
                )
                groups.setdefault(location.path, []).append((facts, extraction, location))
                self._plan_init(facts.path, location.path)
        for path, items in sorted(groups.items()):
            self._place_service(path, items)

    def _plan_init(self, route_path: str, service_path: str) -> None:
        route_folder = str(PurePosixPath(route_path).parent)
        service_folder = str(PurePosixPath(service_path).parent)
        if route_folder == "." or service_folder == ".":
            return
        if self.project.read(f"{route_folder}/__init__.py") is None:
            return
        init = f"{service_folder}/__init__.py"
        if self.project.read(init) is None:
            self.inits[init] = PackageInitEdits(service_folder)

    def _place_service(
        self, path: str, items: list[tuple[RouteFacts, Extraction, ServiceLocation]]
    ) -> None:
        class_name = items[0][2].class_name
        raw = self.project.read(path)
        bound: dict[str, str | None] = {}
        methods_taken: set[str] = set()
        if raw is not None:
            try:
                module = SourceFile(path, self.project.abs_path(path), raw).module
            except SourceError as exc:
                for facts, extraction, _ in items:
                    self.reasons[(facts.path, extraction.unit_id)] = (
                        f"service module {path} cannot be parsed ({exc.message})"
                    )
                return
            bound, methods_taken, class_ok = _service_bindings(module, class_name)
            if not class_ok:
                for facts, extraction, _ in items:
                    self.reasons[(facts.path, extraction.unit_id)] = (
                        f"`{class_name}` in {path} is not a class this codemod can extend"
                    )
                return
        added: dict[str, str] = {}
        imports: list[str] = []
        methods: list[MethodSpec] = []
        defined: dict[str, str] = {}
        for facts, extraction, location in items:
            key = (facts.path, extraction.unit_id)
            route_import = self._route_import(facts, location)
            route_imports = dict(self.routes_imports(facts.path))
            if class_name in facts.module_names and route_imports.get(class_name) != " ".join(
                route_import.split()
            ):
                self.reasons[key] = f"`{class_name}` already means something else in {facts.path}"
                continue
            sig = signature(extraction, facts.path, self.typing)
            if isinstance(sig, str):
                self.reasons[key] = sig
                continue
            moved_reason = self._definitions_reason(facts.path, sig, path, bound, defined)
            if moved_reason:
                self.reasons[key] = moved_reason
                continue
            codes: list[tuple[str, str]] = []
            clash = ""
            for need in _with_type_needs(extraction, sig):
                if need.local:
                    continue
                code = service_import(need, facts.path, path, self.is_package)
                existing = bound.get(need.name, added.get(need.name))
                if need.name in bound and bound[need.name] is None:
                    clash = need.name
                elif existing is None:
                    codes.append((need.name, code))
                elif " ".join(existing.split()) != " ".join(code.split()):
                    clash = need.name
                if clash:
                    break
            if clash or class_name in {n.name for n in extraction.imports}:
                self.reasons[key] = (
                    f"`{clash or class_name}` already means something else in {path}"
                )
                continue
            for name, code in codes:
                added[name] = code
                imports.append(code)
            method = choose_method_name(
                extraction, methods_taken, self.codemod._overrides(), method_base_name(extraction)
            )
            methods_taken.add(method)
            local_imports = tuple(need.code() for need in extraction.imports if need.local)
            methods.append(
                MethodSpec(
                    name=method,
                    params=tuple(p.name for p in extraction.params),
                    is_async=extraction.is_async,
                    body_code=extraction.body_code,
                    returns=extraction.returns,
                    local_imports=local_imports,
                    annotations=sig.annotations,
                    return_annotation=sig.return_annotation,
                    leading_comments=extraction.output.leading_comments,
                    origin=f"{facts.path}:{extraction.func_name}",
                    status=extraction.status,
                )
            )
            self.planned[key] = (
                UnitPlan(class_name, method, extraction.body_code),
                route_import,
                extraction.route_names
                | {n.name for n in extraction.imports if n.local}
                | {n.name for d in sig.definitions for n in d.needs if not n.local},
            )
            for definition in sig.definitions:
                defined[definition.name] = definition.code
                back = route_import.rsplit(" import ", 1)[0] + f" import {definition.name}"
                self.route_definitions.setdefault(facts.path, {})[definition.name] = back
        if methods:
            self.services[path] = ServiceEdits(
                class_name,
                tuple(methods),
                tuple(dict.fromkeys(imports)),
                raw is None,
                definitions=tuple(defined.values()),
            )

    def _definitions_reason(
        self,
        route_path: str,
        sig: Signature,
        service_path: str,
        bound: dict[str, str | None],
        defined: dict[str, str],
    ) -> str:
        """Why the route module's constants/helpers the unit reads cannot move to the service."""
        for definition in sig.definitions:
            name = definition.name
            if name in bound or defined.get(name, definition.code) != definition.code:
                return (
                    f"`{name}`, defined in {route_path} and read by the moved code, already "
                    f"means something else in {service_path}"
                )
            key = (route_path, name)
            if key not in self.importers:
                self.importers[key] = importers(Path(self.project.root), route_path, name)
            if self.importers[key]:
                return (
                    f"`{name}`, defined in {route_path} and read by the moved code, is imported "
                    f"from there by {self.importers[key][0]}: move it to a module both can "
                    "import, then run again"
                )
        return ""

    def routes_imports(self, path: str) -> dict[str, str]:
        """Module-level imports of a route file (bound name → normalized statement)."""
        for facts, imports in self.routes:
            if facts.path == path:
                return imports
        return {}

    def settle(self, violation: Violation) -> Violation:
        """The final form of one violation: fixable only when its unit was placed."""
        facts = next((f for f, _ in self.routes if f.path == violation.path), None)
        site = None
        if facts is not None:
            site = next(
                (
                    s
                    for s in facts.commits
                    if s.scope == violation.scope and s.snippet == violation.snippet
                ),
                None,
            )
        if site is None or site.unit_id is None:
            return violation
        key = (violation.path, site.unit_id)
        if key in self.planned:
            return violation
        reason = self.reasons.get(key, "no service placement was possible")
        return Violation(
            violation.path,
            violation.line,
            violation.col,
            violation.codemod,
            violation.message,
            fixable=False,
            reason=reason,
            scope=violation.scope,
            snippet=violation.snippet,
        )

    def edits(self) -> dict[str, Any]:
        """Edits per path: route files, service modules, new package ``__init__`` files."""
        result: dict[str, Any] = {}
        per_route: dict[str, list[tuple[str, UnitPlan, str, frozenset[str]]]] = {}
        for (path, unit_id), (plan, route_import, names) in self.planned.items():
            per_route.setdefault(path, []).append((unit_id, plan, route_import, names))
        for path, entries in per_route.items():
            removable: set[str] = set()
            for *_rest, names in entries:
                removable |= names
            result[path] = RouteEdits(
                units=tuple((unit_id, plan) for unit_id, plan, _, _ in entries),
                imports=tuple(dict.fromkeys(route_import for _, _, route_import, _ in entries)),
                removable_names=frozenset(removable),
                moved_definitions=tuple(self.route_definitions.get(path, {}).items()),
            )
        used_folders = {str(PurePosixPath(p).parent) for p in self.services}
        for path, init in self.inits.items():
            if init.package in used_folders:
                result[path] = init
        result.update(self.services)
        return result


def _with_type_needs(extraction: Extraction, sig: Signature) -> list[ImportNeed]:
    """The imports of the moved code, then those the annotations and moved definitions need."""
    needs = list(extraction.imports)
    names = {need.name for need in needs}
    moved = [need for d in sig.definitions for need in d.needs]
    for need in [*sig.needs, *moved]:
        if need.name not in names:
            names.add(need.name)
            needs.append(need)
    return needs


def _service_bindings(
    module: cst.Module, class_name: str
) -> tuple[dict[str, str | None], set[str], bool]:
    """Module-level names of an existing service (import statement or None), the methods of
    ``class_name`` there, and whether that name is free or a class we can extend."""
    bound: dict[str, str | None] = {}
    methods: set[str] = set()
    class_ok = True
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    for alias in small.names:
                        name = alias.evaluated_alias or code_of(alias.name).split(".")[0]
                        bound[name] = _single_import(small, alias)
                elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = (
                        [t.target for t in small.targets]
                        if isinstance(small, cst.Assign)
                        else [small.target]
                    )
                    for target in targets:
                        if isinstance(target, cst.Name):
                            bound[target.value] = None
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            bound[stmt.name.value] = None
            if isinstance(stmt, cst.ClassDef) and stmt.name.value == class_name:
                if not isinstance(stmt.body, cst.IndentedBlock):
                    class_ok = False
                    continue
                for inner in stmt.body.body:
                    if isinstance(inner, cst.FunctionDef):
                        methods.add(inner.name.value)
                    elif isinstance(inner, cst.SimpleStatementLine):
                        for small in inner.body:
                            if isinstance(small, cst.Assign):
                                methods.update(
                                    t.target.value
                                    for t in small.targets
                                    if isinstance(t.target, cst.Name)
                                )
    if class_name in bound and class_name not in {
        s.name.value for s in module.body if isinstance(s, cst.ClassDef)
    }:
        class_ok = False
    return bound, methods, class_ok


def _single_import(statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> str:
    alias_code = f" as {alias.evaluated_alias}" if alias.evaluated_alias else ""
    if isinstance(statement, cst.Import):
        return f"import {code_of(alias.name)}{alias_code}"
    module = code_of(statement.module) if statement.module is not None else ""
    dots = "." * len(statement.relative)
    return f"from {dots}{module} import {code_of(alias.name)}{alias_code}"
