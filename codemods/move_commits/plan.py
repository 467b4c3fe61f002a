"""The plan phase: place every movable unit in a service module, settle names, imports and clashes."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from backfix.codemod import ProjectContext
from backfix.coverage_settings import unmeasured, unmeasured_patterns
from backfix.imports import parse_imports
from backfix.project import module_name, rooted_module_name
from backfix.python_target import runs_before
from backfix.results import Violation
from backfix.source import SourceError, SourceFile
from backfix.type_checkers import type_checked

from . import reasons as R
from .bindings import service_bindings, service_bindings_from_ast
from .cycles import ImportGraph, modules_run_by_import
from .definitions import Importers
from .existing_methods import ExistingMethod, Shape, existing_methods, spec_shape
from .layers import imported_module_path
from .method_names import plural
from .model import (
    Definition,
    Extraction,
    ImportNeed,
    MethodSpec,
    PackageInitEdits,
    RouteEdits,
    RouteFacts,
    ServiceEdits,
    UnitPlan,
)
from .patched_names import patch_of, patched_targets
from .placement import (
    GENERIC_STEMS,
    PLACEMENT_LAYER_FOLDERS,
    ServiceLocation,
    blueprint_packages,
    camel,
    identifier,
    licence_header,
    method_base_name,
    relative_import,
    service_folders,
    service_import,
    service_location,
)
from .quick import defines_routes
from .reasons import NO_REASON, Reason
from .service_packages import foreign_package_note, static_only
from .signature import Signature, choose_method_name, signature
from .typing_plan import TypingContext

if TYPE_CHECKING:
    from . import MoveCommits


#: what makes ``X | None`` in a signature a string, not evaluated, before Python 3.10
FUTURE_ANNOTATIONS = "from __future__ import annotations"
#: a built-in class subscripted in an annotation (``list[Job]``): Python 3.9 or later
_BUILTIN_GENERIC = re.compile(r"\b(?:list|dict|set|frozenset|tuple|type)\[")


@dataclass
class _ServiceState:
    """One service module while units are placed in it: what it binds and what is added."""

    #: module-level names of the existing module (their import statement, or None).
    bound: dict[str, str | None] = field(default_factory=dict)
    methods_taken: set[str] = field(default_factory=set)
    #: imports added so far (name → statement), in order in ``imports``.
    added: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    methods: list[MethodSpec] = field(default_factory=list)
    #: route-module definitions moved along (name → code).
    defined: dict[str, str] = field(default_factory=dict)
    #: the module exists already (it is extended, not created)
    exists: bool = False


@dataclass(frozen=True)
class _PlacedMethod:
    """A method placed in this run, which units that would generate the same method call instead."""

    location: ServiceLocation
    name: str
    extraction: Extraction
    #: its route module and signature, from which the import statements its names need in its
    #: service module (what they mean there) are worked out when another unit asks
    route_path: str
    sig: Signature


#: where an application package keeps its models
MODEL_MODULES = ("models.py", "models/__init__.py")


class Planner:
    """The cross-file decisions of one run."""

    def __init__(self, codemod: MoveCommits, project: ProjectContext) -> None:
        self.codemod = codemod
        self.project = project
        self.options = codemod.options
        self.routes: list[tuple[RouteFacts, dict[str, str]]] = []
        self.reasons: dict[tuple[str, str], Reason] = {}
        self.planned: dict[tuple[str, str], tuple[UnitPlan, str, frozenset[str]]] = {}
        self.services: dict[str, ServiceEdits] = {}
        self.inits: dict[str, PackageInitEdits] = {}
        self.notes: list[str] = []
        self.layer_names = [
            entry
            for entry in self.options.route_paths
            if "/" not in entry and not any(ch in entry for ch in "*?[")
        ] + [folder for folder in PLACEMENT_LAYER_FOLDERS if folder not in self.options.route_paths]
        self.read = project.read
        #: the dotted name of the project root when it is a package itself (``webapp`` for a run
        #: rooted in ``webapp/`` holding an ``__init__.py``), else ""
        self.root_package = project.root_package
        self.typing = TypingContext(
            self.read, self.is_package, Path(project.root), lambda: self.type_checked
        )
        # Units of one route file ask the same import questions (the files and packages do not
        # change once the units are grouped, before any is placed).
        self._route_imports = functools.cache(self._new_route_import)
        #: (route module, service module) → the route module's own import of that service
        self._kept_imports: dict[tuple[str, str], str] = {}
        self._rerooted_import = functools.cache(
            functools.partial(service_import, is_package=self.is_package)
        )
        #: route module → how far up its own relative imports reach (``..``: 2)
        self._reach: dict[str, int] = {}
        self.route_definitions: dict[str, dict[str, str]] = {}
        #: route modules whose moved code now logs through a service module's own logger
        self.renamed_loggers: set[str] = set()
        self.importers = Importers(Path(project.root))
        self.import_graph = ImportGraph(project)
        #: methods placed so far, by what they are apart from their name (see ``_identity``).
        self.placed_methods: dict[MethodSpec, list[_PlacedMethod]] = {}
        #: the same, for the methods that return values, by their identity without the values: a
        #: unit that needs none of them calls such a method too (`create_grant(owner)` after
        #: `grant = create_grant(owner)` in the route's other branch)
        self.placed_returning: dict[MethodSpec, list[_PlacedMethod]] = {}
        #: per extraction (by ``id``; each lives as long as the plan): see `_asked_names`
        self._names_asked: dict[int, tuple[str, str]] = {}
        #: the top-level class names of existing service modules, by path (see `_as_spelled`)
        self._class_names: dict[str, list[str]] = {}
        #: service classes each route module imports from another route's service module.
        self.shared_imports: dict[str, dict[str, str]] = {}

    @functools.cached_property
    def existing_service_folders(self) -> frozenset[str]:
        """The project's folders named ``service_dir`` (where it keeps services already)."""
        return service_folders(self.project.files(), self.options.service_dir)

    def holds_models(self, folder: str) -> bool:
        """Whether ``folder`` holds a ``models`` module or package (an application package)."""
        return any(self.read(f"{folder}/{name}") is not None for name in MODEL_MODULES)

    def add_route(self, facts: RouteFacts, imports: dict[str, str]) -> None:
        """Register one route file's facts."""
        self.routes.append((facts, imports))
        self._reach[facts.path] = facts.relative_level

    def is_package(self, folder: str) -> bool:
        """Whether ``folder`` is (or will be, after this run) a regular package."""
        init = f"{folder}/__init__.py" if folder else "__init__.py"
        return init in self.inits or self.read(init) is not None

    def _import_name(self, path: str, importer: str) -> str:
        """The dotted name ``importer`` imports the module at ``path`` under."""
        folder = str(PurePosixPath(path).parent)
        folder = "" if folder == "." else folder
        if folder and not self.is_package(folder):
            return module_name(path, self.is_package)
        name = rooted_module_name(path, self.is_package, self.root_package)
        enclosing = self._package_around(path, name)
        if enclosing:
            return f"{enclosing}.{name}"
        namespace = _namespace_above(path, name)
        if namespace and namespace in self._namespaces_imported(importer):
            return f"{namespace}.{name}"
        return name

    def _package_around(self, path: str, name: str) -> str:
        """The dotted folders above the module at ``path`` imported as ``name``, from the
        outermost package among them: ``ee.onyx.onyxbot.slack`` of
        ``backend/ee/onyx/onyxbot/slack/services/x.py`` as ``services.x``, where ``ee/`` and
        ``ee/onyx/`` hold an ``__init__.py`` and ``onyxbot/`` and ``slack/`` do not (Python
        imports those as namespace packages inside ``ee.onyx``); "" when no folder above is a
        package."""
        above = _folders_above(path, name)
        for start in range(len(above)):
            if self.is_package("/".join(above[: start + 1])):
                return ".".join(above[start:])
        return ""

    def _namespaces_imported(self, importer: str) -> set[str]:
        """The namespace packages (folders without an ``__init__.py``) whose modules ``importer``
        imports by their full name: ``keep`` of ``from keep.api.core.db import x``, where
        ``keep/api/core/db.py`` is a file of the project."""
        tree = self.project.tree(importer)
        if tree is None:
            return set()
        found: set[str] = set()
        for dotted in _absolute_imports(tree):
            parts = dotted.split(".")
            if len(parts) < 2 or not self._is_module("/".join(parts)):
                continue
            for end in range(1, len(parts)):
                if self.is_package("/".join(parts[:end])):
                    break
                found.add(".".join(parts[:end]))
        return found

    def _is_module(self, stem: str) -> bool:
        """Whether the project has the module ``stem`` (a path without ``.py``), in ``src/`` too."""
        return any(
            self.read(f"{prefix}{stem}{suffix}") is not None
            for prefix in ("", "src/")
            for suffix in (".py", "/__init__.py")
        )

    def _route_import(self, facts: RouteFacts, location: ServiceLocation) -> str:
        kept = self._kept_imports.get((facts.path, location.path))
        if kept is not None:
            return kept  # the route module's own import of the service it already uses
        return self._route_imports(facts.path, facts.relative_level, location)

    def _imported_service(
        self, facts: RouteFacts, imports: dict[str, str], default: ServiceLocation
    ) -> ServiceLocation | None:
        """The service class the route module already imports (``from .reports_service import
        ReportService``), where the new methods go instead of a new module: a class of static
        methods in a module of the project, outside the route layer."""
        for name, code in sorted(imports.items()):
            if not (name.endswith("Service") and name[:1].isupper()):
                continue
            need = _single_import_need(code)
            path = None if need is None else imported_module_path(facts.path, need)
            if path is None or path == facts.path:
                continue
            if not _static_service(self.project.tree(path), name):
                continue
            self._kept_imports[(facts.path, path)] = code
            return replace(default, path=path, class_name=name)
        return None

    def _new_route_import(self, path: str, reach: int, location: ServiceLocation) -> str:
        """Relative where the route module's own relative imports reach as far up (``from
        ..services`` beside ``from ..models``), else absolute (beside only ``from .forms``)."""
        route_folder = str(PurePosixPath(path).parent)
        if reach and route_folder != "." and self.is_package(route_folder):
            level, module = relative_import(path, location.path)
            common = PurePosixPath(path).parents[level - 1].as_posix()
            if level <= reach and self.is_package("" if common == "." else common):
                return f"from {'.' * level}{module} import {location.class_name}"
        return f"from {self._import_name(location.path, path)} import {location.class_name}"

    def place(self) -> None:
        """Decide service module, class and method of every movable unit."""
        groups: dict[str, list[tuple[RouteFacts, Extraction, ServiceLocation]]] = {}
        stems: dict[PurePosixPath, set[str]] = {}
        for facts, _imports in self.routes:
            route = PurePosixPath(facts.path)
            stems.setdefault(route.parent, set()).add(route.stem)
        for folder, found in stems.items():
            found |= self._route_module_stems(folder)
        packages = blueprint_packages([folder.as_posix() for folder in stems], self.layer_names)
        located: list[tuple[RouteFacts, ServiceLocation, bool]] = []
        for facts, _imports in self.routes:
            if self.project.batch is not None and facts.path not in self.project.batch:
                continue  # left for a later batch (`apply --max-files`)
            if not facts.extractions:
                continue
            route = PurePosixPath(facts.path)
            # (one service per route module: where it goes depends on the module's path only)
            location = service_location(
                facts.path,
                self.layer_names,
                self.options.service_dir,
                self.options.service_module,
                lambda: self.existing_service_folders,
                self.holds_models,
                stems[route.parent] - {route.stem},
                packages,
            )
            kept = self._imported_service(facts, _imports, location)
            located.append((facts, kept or location, kept is not None))
        for facts, location, kept_import in self._apart(located):
            if not kept_import:
                location = self._unclashed(facts, self._as_spelled(location))
            self._plan_init(facts.path, location.path)
            for extraction in facts.extractions:
                groups.setdefault(location.path, []).append((facts, extraction, location))
        for path, items in sorted(groups.items()):
            self._place_service(path, items)
        self.notes.extend(self._service_package_notes())
        self.notes.extend(self._duplicate_notes())
        self.notes.extend(self._moved_definition_notes())
        if self.renamed_loggers:
            routes = ", ".join(sorted(self.renamed_loggers))
            self.notes.append(
                "move-commits: the service modules log through loggers of their own "
                "(`logging.getLogger(__name__)`, as the route modules do), so what the moved code "
                f"logs is recorded under the service module's name, not that of {routes}: a "
                "logging configuration that filters by logger name may need it added"
            )

    def _service_package_notes(self) -> list[str]:
        """A note per existing package the new service modules go into that may not be the
        project's service layer (see ``service_packages``), where ``service_dir`` and
        ``service_module`` are the defaults: a user who set them chose the place."""
        defaults = type(self.options)()
        if (self.options.service_dir, self.options.service_module) != (
            defaults.service_dir,
            defaults.service_module,
        ):
            return []
        new: dict[str, list[str]] = {}
        for path, edits in sorted(self.services.items()):
            if edits.is_new:
                folder, _, name = path.rpartition("/")
                new.setdefault(folder, []).append(name)
        notes = []
        for folder, names in new.items():
            modules = self._modules_by_folder.get(folder, {})
            note = foreign_package_note(folder, modules, names, self.project.tree)
            if note:
                notes.append(note)
        return notes

    def _moved_definition_notes(self) -> list[str]:
        """A note per route module some of whose definitions move into a service with the code
        that reads them: a reviewer may want a request schema in a module of its own."""
        notes: list[str] = []
        for path, moved in sorted(self.route_definitions.items()):
            modules = sorted({back.split()[1] for back in moved.values()})
            names = ", ".join(f"`{name}`" for name in moved)
            them = "them" if len(moved) > 1 else "it"
            notes.append(
                f"move-commits: {names} moved from {path} into {', '.join(modules)} with the "
                f"code that reads {them}, and the route imports {them} from there; to keep a "
                "definition elsewhere (a request schema in a schemas module), move it there "
                "first and run again"
            )
        return notes

    def _duplicate_notes(self) -> list[str]:
        """A note per set of planned methods with the same code that were not shared (their
        routes' names say different things: ``change_password``, ``join_from_invite``): the
        reviewer decides whether they mean the same. Code that only adds and commits is the
        same in any two routes that save what they built, and gets none."""
        planned = {(plan.service_class, plan.method) for plan, _, _ in self.planned.values()}
        # Alike as the plan compares them, or with their parameters renamed by position.
        alike: dict[object, list[_PlacedMethod]] = {}
        for identity, placed in self.placed_methods.items():
            for method in placed:
                if (method.location.class_name, method.name) in planned:
                    alike.setdefault(identity, []).append(method)
                    alike.setdefault(_code_shape(method.extraction), []).append(method)
        groups = {frozenset(map(id, kept)): kept for kept in alike.values() if len(kept) > 1}
        notes: list[str] = []
        for members, kept in groups.items():
            if (
                any(members < other for other in groups)
                or _only_session_calls(kept[0].extraction.body_code)
                or not _types_agree(kept)
            ):
                continue
            names = " and ".join(f"`{p.location.class_name}.{p.name}`" for p in kept)
            notes.append(
                f"move-commits: {names} have the same code, each its own method (their routes' "
                "names say different things, or a route module cannot import the other's service "
                "safely): if they mean the same, keep one and call it from each route"
            )
        return notes

    def _apart(
        self, located: list[tuple[RouteFacts, ServiceLocation, bool]]
    ) -> list[tuple[RouteFacts, ServiceLocation, bool]]:
        """``located`` with the services of route modules of different packages that a generic
        name (``main``) would put in one module (securedrop's ``journalist_app/main.py`` and
        ``source_app/main.py``: ``main_service.py``) named for their packages too
        (``journalist_app_main_service.py``, ``JournalistAppMainService``)."""
        folders: dict[str, set[str]] = {}
        for facts, location, imported in located:
            if not imported and location.subject in GENERIC_STEMS:
                folders.setdefault(location.path, set()).add(str(PurePosixPath(facts.path).parent))
        shared = {path for path, found in folders.items() if len(found) > 1}
        if not shared:
            return located
        apart: list[tuple[RouteFacts, ServiceLocation, bool]] = []
        for facts, location, imported in located:
            if location.path in shared and not imported:
                package = identifier(PurePosixPath(facts.path).parent.name.lower())
                location = _renamed(location, f"{package}_{location.subject}")
            apart.append((facts, location, imported))
        return apart

    def _class_clashes(self, facts: RouteFacts, location: ServiceLocation) -> bool:
        """Whether the route module binds the service class's name to something else (a model
        ``DraftService`` beside the ``DraftService`` of ``drafts.py``)."""
        name = location.class_name
        if name not in facts.module_names:
            return False
        route_import = " ".join(self._route_import(facts, location).split())
        return dict(self.routes_imports(facts.path)).get(name) != route_import

    def _unclashed(self, facts: RouteFacts, location: ServiceLocation) -> ServiceLocation:
        """``location``, or where the route module does not already bind the class's name: the
        route module's own name kept plural (``drafts.py`` beside a model ``DraftService``:
        ``drafts_service.py``, ``DraftsService``); ``location`` when that clashes too (the
        units are reported)."""
        subject = location.subject
        if not subject or not self._class_clashes(facts, location) or plural(subject) == subject:
            return location
        other = self._as_spelled(_renamed(location, plural(subject)))
        return location if other == location or self._class_clashes(facts, other) else other

    def _as_spelled(self, location: ServiceLocation) -> ServiceLocation:
        """``location`` with the class name its module already spells otherwise in case
        (``ApiService`` where this version says ``APIService``), so that a later run extends
        the class an earlier one wrote instead of adding a second."""
        names = self._class_names.get(location.path)
        if names is None:
            tree = self.project.tree(location.path)
            body = tree.body if tree is not None else []
            names = self._class_names[location.path] = [
                node.name for node in body if isinstance(node, ast.ClassDef)
            ]
        wanted = location.class_name.lower()
        spelled = next((n for n in names if n.lower() == wanted), location.class_name)
        return location if spelled == location.class_name else replace(location, class_name=spelled)

    def _route_module_stems(self, folder: PurePosixPath) -> set[str]:
        """The stems of the project's modules in ``folder`` that define routes, whatever the
        run's paths and violations, where one of them has a generic name: whether ``main.py``
        is one blueprint among others (and names its own service), or ``errors.py`` is beside
        a ``views.py`` (and shares its service), must not change with the files a run or batch
        takes in. (``__init__.py`` counts only with violations of its own.)"""
        generic = (GENERIC_STEMS | set(self.layer_names)) - {"__init__"}
        stems = self._modules_by_folder.get(str(folder), {})
        if not generic & stems.keys():
            return set()
        found: set[str] = set()
        for stem, path in stems.items():
            tree = self.project.tree(path)
            if tree is not None and defines_routes(tree):
                found.add(stem)
        return found

    @functools.cached_property
    def _modules_by_folder(self) -> dict[str, dict[str, str]]:
        """The project's modules (``__init__.py`` aside) by folder, then by stem."""
        found: dict[str, dict[str, str]] = {}
        for path in self.project.files():
            folder, _, name = path.rpartition("/")
            if name.endswith(".py") and name != "__init__.py":
                found.setdefault(folder or ".", {})[name[:-3]] = path
        return found

    def _plan_init(self, route_path: str, service_path: str) -> None:
        route_folder = str(PurePosixPath(route_path).parent)
        service_folder = str(PurePosixPath(service_path).parent)
        if route_folder == "." or service_folder == ".":
            return
        if self.read(f"{route_folder}/__init__.py") is None:
            return
        init = f"{service_folder}/__init__.py"
        if self.read(init) is None:
            self.inits[init] = PackageInitEdits(service_folder, self._header_of(route_path))

    def _place_service(
        self, path: str, items: list[tuple[RouteFacts, Extraction, ServiceLocation]]
    ) -> None:
        class_name = items[0][2].class_name
        raw = self.read(path)
        service = self._service_state(path, raw, class_name, items)
        if service is None:
            return
        for facts, extraction, location in items:
            self._place_unit(path, class_name, facts, extraction, location, service)
        if service.methods:
            self.services[path] = ServiceEdits(
                class_name,
                tuple(service.methods),
                tuple(dict.fromkeys(service.imports)),
                raw is None,
                definitions=tuple(service.defined.values()),
                header=self._header_of(items[0][0].path) if raw is None else "",
            )

    def _header_of(self, route_path: str) -> str:
        """The licence header a new module copies from the route module it serves."""
        raw = self.read(route_path)
        return licence_header(raw.decode("utf-8", "replace")) if raw is not None else ""

    def _service_state(
        self,
        path: str,
        raw: bytes | None,
        class_name: str,
        items: list[tuple[RouteFacts, Extraction, ServiceLocation]],
    ) -> _ServiceState | None:
        """What the service module at ``path`` already binds; None (every unit reported) when it
        cannot be parsed or ``class_name`` there is not a class this codemod can extend."""
        if raw is None:
            return _ServiceState()
        source = SourceFile(path, self.project.abs_path(path), raw)
        # (the plan's other steps parsed the same bytes: `ast` decodes them as the reader does)
        tree = self.project.tree(path) or source.ast_module()
        try:
            # `ast` where it parses the file: this plan reads names only, and the rewrite that
            # needs LibCST's tree parses it then, only in `apply`.
            bound, methods_taken, class_ok = (
                service_bindings(source.module, class_name)
                if tree is None
                else service_bindings_from_ast(tree, source.text, class_name)
            )
        except SourceError as exc:
            for facts, extraction, _ in items:
                self.reasons[(facts.path, extraction.unit_id)] = Reason(
                    R.SERVICE_UNPARSABLE, f"service module {path} cannot be parsed ({exc.message})"
                )
            return None
        if not class_ok:
            for facts, extraction, _ in items:
                self.reasons[(facts.path, extraction.unit_id)] = Reason(
                    R.SERVICE_CLASS_NOT_EXTENDABLE,
                    f"`{class_name}` in {path} is not a class this codemod can extend",
                )
            return None
        return _ServiceState(bound=bound, methods_taken=methods_taken, exists=True)

    def _place_unit(
        self,
        path: str,
        class_name: str,
        facts: RouteFacts,
        extraction: Extraction,
        location: ServiceLocation,
        service: _ServiceState,
    ) -> None:
        """Add one unit's method to the service, or record why it cannot go there."""
        key = (facts.path, extraction.unit_id)
        if not extraction.output.no_cover and unmeasured(facts.path, self.unmeasured_patterns):
            # the project's coverage leaves the route module out: the moved code stays out too
            output = replace(extraction.output, no_cover=NO_COVER)
            extraction = replace(extraction, output=output)
        if self._class_clashes(facts, location):
            self.reasons[key] = Reason(
                R.NAME_CLASH, f"`{class_name}` already means something else in {facts.path}"
            )
            return
        route_import = self._route_import(facts, location)
        sig = signature(extraction, facts.path, self.typing)
        if isinstance(sig, str):
            self.reasons[key] = sig
            return
        moved_reason = (
            self._definitions_reason(facts.path, sig, path, service.bound, service.defined)
            or self._cycle_reason(facts.path, extraction, sig, path)
            or self._alias_reason(facts.path, extraction)
            or self._patched_reason(facts.path, extraction, sig)
            or self._narrowed_reason(extraction, sig)
        )
        if moved_reason:
            self.reasons[key] = moved_reason
            return
        placed = self._shared_method(facts, extraction, sig, location)
        if placed is not None:
            comments = placed.extraction.output.leading_comments
            self._plan_shared(key, facts, extraction, sig, placed.location, placed.name, comments)
            return
        existing = self._existing_method(facts, extraction, sig, location)
        if existing is not None:
            self._plan_shared(key, facts, extraction, sig, existing.location, existing.name, None)
            return
        union_reason = self._union_reason(sig, path, service)
        if union_reason:
            self.reasons[key] = union_reason
            return
        codes, clash = self._service_imports(extraction, sig, facts.path, path, service)
        if clash or class_name in {n.name for n in extraction.imports}:
            self.reasons[key] = Reason(
                R.NAME_CLASH, f"`{clash or class_name}` already means something else in {path}"
            )
            return
        for name, code in codes:
            service.added[name] = code
            service.imports.append(code)
        method = choose_method_name(
            extraction,
            service.methods_taken,
            self.codemod.template_overrides(),
            method_base_name(extraction, location.subject),
        )
        service.methods_taken.add(method)
        spec = _method_spec(method, facts, extraction, sig)
        service.methods.append(spec)
        self.planned[key] = (
            UnitPlan(class_name, method, extraction.body_code),
            route_import,
            _removable_names(extraction, sig),
        )
        if not sig.definitions:
            placed = _PlacedMethod(location, method, extraction, facts.path, sig)
            self.placed_methods.setdefault(_identity(spec), []).append(placed)
            if spec.returns and not spec.status:
                self.placed_returning.setdefault(_unreturned(spec), []).append(placed)
        for definition in sig.definitions:
            if definition.copied:
                self._copy_logger(facts.path, definition, service)
                continue
            service.defined[definition.name] = definition.code
            back = route_import.rsplit(" import ", 1)[0] + f" import {definition.name}"
            self.route_definitions.setdefault(facts.path, {})[definition.name] = back

    def _copy_logger(self, route_path: str, logger: Definition, service: _ServiceState) -> None:
        """The service makes a logger of its own as the route module does (which keeps its
        own), unless it binds that name already (its own logger)."""
        if logger.name in service.bound:
            return
        service.defined[logger.name] = logger.code
        if "__name__" in logger.code:
            self.renamed_loggers.add(route_path)

    def _shared_method(
        self, facts: RouteFacts, extraction: Extraction, sig: Signature, own: ServiceLocation
    ) -> _PlacedMethod | None:
        """A method placed earlier in this run that this unit would generate again (apart from
        its name); None when there is none, or when the route module cannot import it safely (the
        unit then gets a method of its own).

        A unit that moves route-module definitions along is never shared: they would move from
        its route module into the other service module."""
        if sig.definitions:
            return None
        identity = _identity(_method_spec("", facts, extraction, sig))
        candidates = self.placed_methods.get(identity, [])
        if not identity.returns and not identity.status:
            candidates = candidates + self.placed_returning.get(_unreturned(identity), [])
        if not candidates:
            return None
        preferred, route_name = self._asked_names(extraction, own)
        for placed in candidates:
            if _gates_off(placed.location, own):
                continue
            asked, placed_route = self._asked_names(placed.extraction, placed.location)
            # The routes must also mean the same: `add(response.data)` in a POST and in a PATCH
            # handler is a create and an update. Not where both units are named by what they
            # write (`update_account_seen_on` in a login view and a token refresh view).
            named_by_writes = preferred == asked and route_name != preferred != placed_route
            if not (
                _same_subject(preferred, asked)
                and (
                    _same_subject(route_name, placed_route)
                    or _variants_of(preferred, route_name, placed_route)
                    or named_by_writes
                )
            ):
                continue
            # The same code reads the same names: they must mean the same there as for the first.
            service_path = placed.location.path
            imports = self._method_imports(facts.path, extraction, sig, service_path)
            if imports != self._method_imports(
                placed.route_path, placed.extraction, placed.sig, service_path
            ):
                continue
            route_import = self._route_import(facts, placed.location)
            if self._can_import_service(facts, own, placed.location, route_import):
                return placed
        return None

    def _asked_names(self, extraction: Extraction, location: ServiceLocation) -> tuple[str, str]:
        """The method name a unit asks for where no name is taken yet, and the name its route
        gives (``create_config`` for a view's ``post``); worked out once per unit."""
        names = self._names_asked.get(id(extraction))
        if names is None:
            names = self._names_asked[id(extraction)] = (
                self._preferred_name(extraction, location),
                method_base_name(extraction, location.subject),
            )
        return names

    def _preferred_name(self, extraction: Extraction, location: ServiceLocation) -> str:
        """The method name the unit asks for in a class where no name is taken yet."""
        return choose_method_name(
            extraction,
            (),
            self.codemod.template_overrides(),
            method_base_name(extraction, location.subject),
        )

    def _can_import_service(
        self,
        facts: RouteFacts,
        own: ServiceLocation,
        other: ServiceLocation,
        route_import: str,
    ) -> bool:
        """Whether the route module can import another route's service class ``other``: its name
        means nothing else there (its own service class, a name it binds, another shared class),
        and importing that service module does not lead back to the route module."""
        name = other.class_name
        if name == own.class_name:
            return other.path == own.path
        statement = " ".join(route_import.split())
        if name in facts.module_names and self.routes_imports(facts.path).get(name) != statement:
            return False
        if self.shared_imports.get(facts.path, {}).get(name, route_import) != route_import:
            return False
        starts = list(modules_run_by_import(other.path))
        return self.import_graph.chain_to(starts, facts.path) is None

    def _plan_shared(
        self,
        key: tuple[str, str],
        facts: RouteFacts,
        extraction: Extraction,
        sig: Signature,
        location: ServiceLocation,
        method: str,
        method_comments: tuple[str, ...] | None,
    ) -> None:
        """Plan a unit as a call of the identical ``method`` of the class at ``location``. Its
        comments stay in the route unless the method carries the same ones (None: unknown)."""
        route_import = self._route_import(facts, location)
        class_name = location.class_name
        comments = extraction.output.leading_comments
        stay = bool(comments) and comments != method_comments
        self.planned[key] = (
            UnitPlan(class_name, method, extraction.body_code, comments_stay=stay),
            route_import,
            _removable_names(extraction, sig),
        )
        self.shared_imports.setdefault(facts.path, {})[class_name] = route_import

    @functools.cached_property
    def existing_methods(self) -> dict[Shape, list[ExistingMethod]]:
        """The static methods of the service classes in the project's service folders."""
        folders = self.existing_service_folders
        paths = [
            path
            for path in self.project.files()
            if str(PurePosixPath(path).parent) in folders and path.endswith(".py")
        ]
        return existing_methods(paths, self.project)

    def _existing_method(
        self, facts: RouteFacts, extraction: Extraction, sig: Signature, own: ServiceLocation
    ) -> ExistingMethod | None:
        """A method of a service module the project already has (an earlier batch wrote it) that
        this unit would write again, named for the same write, reading its names from the same
        imports; None when there is none or the route module cannot import its class safely."""
        if sig.definitions or not self.existing_methods:
            return None
        shape = spec_shape(_method_spec("", facts, extraction, sig))
        preferred, _route_name = self._asked_names(extraction, own)
        for method in self.existing_methods.get(shape, []) if shape is not None else []:
            if not _same_subject(preferred, method.name) or _gates_off(method.location, own):
                continue
            if not self._imports_alike(facts.path, extraction, sig, method):
                continue
            route_import = self._route_import(facts, method.location)
            if self._can_import_service(facts, own, method.location, route_import):
                return method
        return None

    def _imports_alike(
        self, route_path: str, extraction: Extraction, sig: Signature, method: ExistingMethod
    ) -> bool:
        """Whether the existing method's module imports every name the unit's code reads as
        the unit's method would."""
        needed = self._method_imports(route_path, extraction, sig, method.location.path)
        bound = {" ".join(code.split()) for code in method.bound.values() if code is not None}
        return needed <= bound

    def _method_imports(
        self, route_path: str, extraction: Extraction, sig: Signature, service_path: str
    ) -> frozenset[str]:
        """The import statements the method's names need in ``service_path``, normalized: two
        units whose code is the same mean the same by it when these are equal. (Local imports move
        into the method as they are written: the method's text holds them.)"""
        return frozenset(
            " ".join(self._service_import(need, route_path, service_path).split())
            for need in _with_type_needs(extraction, sig)
            if not need.local
        )

    def _service_import(self, need: ImportNeed, route_path: str, service_path: str) -> str:
        """:func:`service_import` of ``need``, as far up as the route module's imports reach."""
        reach = self._reach.get(route_path, 1)
        return self._rerooted_import(need, route_path, service_path, reach=reach)

    def _service_imports(
        self,
        extraction: Extraction,
        sig: Signature,
        route_path: str,
        path: str,
        service: _ServiceState,
    ) -> tuple[list[tuple[str, str]], str]:
        """The imports the service module needs for one method, and the first name that already
        means something else there ("" when none)."""
        codes: list[tuple[str, str]] = []
        for need in _with_type_needs(extraction, sig):
            if need.local or self._defined_there(need, extraction, route_path, path):
                continue
            code = self._service_import(need, route_path, path)
            existing = service.bound.get(need.name, service.added.get(need.name))
            if need.name in service.bound and service.bound[need.name] is None:
                return codes, need.name
            if existing is None:
                codes.append((need.name, code))
            elif " ".join(existing.split()) == " ".join(code.split()):
                continue
            elif _imports_of_one_package(existing, code, need.name):
                codes.append((need.name, code))
            else:
                return codes, need.name
        return codes, ""

    @staticmethod
    def _defined_there(
        need: ImportNeed, extraction: Extraction, route_path: str, path: str
    ) -> bool:
        """Whether the moved code reads ``need`` from the service module ``path`` itself (a
        helper the route imports from there): the method calls it in its own module. Not a name
        only the annotations read, which Python evaluates while the class is being defined."""
        return need in extraction.imports and imported_module_path(route_path, need) == path

    def _definitions_reason(
        self,
        route_path: str,
        sig: Signature,
        service_path: str,
        bound: dict[str, str | None],
        defined: dict[str, str],
    ) -> Reason:
        """Why the route module's constants/helpers the unit reads cannot move to the service."""
        for definition in sig.definitions:
            name = definition.name
            if definition.copied:
                continue  # (the service's own logger, or the one it has)
            if name in bound or defined.get(name, definition.code) != definition.code:
                return Reason(
                    R.DEFINITION_CLASH,
                    f"`{name}`, defined in {route_path} and read by the moved code, already "
                    f"means something else in {service_path}",
                )
            importers = self.importers.of(route_path, name)
            if importers:
                return Reason(
                    R.DEFINITION_IMPORTED_ELSEWHERE,
                    f"`{name}`, defined in {route_path} and read by the moved code, is imported "
                    f"from there by {importers[0]}: move it to a module both can "
                    "import, then run again",
                )
        return NO_REASON

    @functools.cached_property
    def union_syntax(self) -> bool:
        """Whether the project's Python evaluates ``X | None`` in an annotation (3.10 or later,
        or a project that does not say which Python it runs on)."""
        return not runs_before(Path(self.project.root), (3, 10))

    @functools.cached_property
    def builtin_generics(self) -> bool:
        """Whether the project's Python evaluates ``list[X]`` in an annotation (3.9 or later,
        or a project that does not say which Python it runs on)."""
        return not runs_before(Path(self.project.root), (3, 9))

    def _late_syntax(self, sig: Signature) -> tuple[str, str]:
        """What the signature spells that the project's Python cannot evaluate when the method
        is defined (a ``TypeError``), and how ``typing`` spells it; ("", "") for nothing."""
        annotations = (*sig.annotations, sig.return_annotation)
        if not self.union_syntax and any("|" in a for a in annotations):
            return "a union (`X | None`), which the project's Python (before 3.10)", "Optional"
        if not self.builtin_generics and any(_BUILTIN_GENERIC.search(a) for a in annotations):
            return "a built-in generic (`list[X]`), which the project's Python (before 3.9)", "List"
        return "", ""

    def _union_reason(self, sig: Signature, path: str, service: _ServiceState) -> Reason:
        """Where the signature spells a union (``User | None``) or a built-in generic
        (``list[User]``, ``tuple[bool, User]``) and the project runs on a Python that evaluates
        neither when the method is defined (a ``TypeError``): a new service module gets ``from
        __future__ import annotations``; an existing one without it is left as it is (the import
        would change how its other annotations are read) and the unit reported."""
        late, spelled = self._late_syntax(sig)
        if not late:
            return NO_REASON
        if (
            "__future__" in (service.bound.get("annotations") or "")
            or "annotations" in service.added
        ):
            return NO_REASON
        if not service.exists:
            service.added["annotations"] = FUTURE_ANNOTATIONS
            service.imports.append(FUTURE_ANNOTATIONS)
            return NO_REASON
        return Reason(
            R.UNION_ON_OLD_PYTHON,
            f"the service method's signature spells {late} cannot evaluate, and {path} has no "
            f"`from __future__ import annotations`: add it there (or annotate with "
            f"`{spelled}[...]`) and run again",
        )

    @functools.cached_property
    def unmeasured_patterns(self) -> tuple[str, ...]:
        """The files the project's coverage leaves out (see :mod:`backfix.coverage_settings`)."""
        return unmeasured_patterns(Path(self.project.root))

    @functools.cached_property
    def type_checked(self) -> bool:
        """Whether the project runs a type checker (see :mod:`backfix.type_checkers`)."""
        return type_checked([Path(self.project.root), self.project.project_folder()])

    def _narrowed_reason(self, extraction: Extraction, sig: Signature) -> Reason:
        """Why the unit stays: the moved code reads an attribute of a typed parameter that the
        route rules out being None before it; the service method's type checker does not know
        that, and would check the read against the attribute's declared type."""
        out = extraction.output
        if not out.narrowed:
            return NO_REASON
        typed = {p.name for p, a in zip(extraction.params, sig.annotations, strict=True) if a}
        attribute = next((a for a in out.narrowed if a.split(".")[0] in typed), None)
        if attribute is None or not self.type_checked:
            return NO_REASON
        return Reason(
            R.NARROWED_IN_ROUTE,
            f"the route rules out `{attribute}` being None before this code, which reads it; in a "
            "service method the project's type checker would no longer know that and could "
            "report the read: move this unit by hand, checking the value again in the service "
            "method (or passing it as an argument)",
        )

    @functools.cached_property
    def patched(self) -> dict[str, str]:
        """What the project's tests patch by module path (see :mod:`.patched_names`)."""
        return patched_targets(self.project.files(), self.project.read)

    def _patched_reason(self, route_path: str, extraction: Extraction, sig: Signature) -> Reason:
        """Why the unit stays: a test patches, in the route module, a name the moved code would
        read from the service module instead (an import of the route module, or a definition
        that moves with the unit)."""
        names = extraction.route_names | {d.name for d in sig.definitions}
        if not names or not self.patched:
            return NO_REASON
        module = self.project.module_name(route_path)
        for name in sorted(names):
            place = patch_of(self.patched, module, name)
            if place:
                return Reason(
                    R.PATCHED_IN_TESTS,
                    f"a test patches `{name}` in {route_path} ({place}); moved into a service, "
                    f"the code would read the service module's own `{name}`, which that patch "
                    f"does not replace: move this unit by hand and patch `{name}` in the service "
                    "module instead",
                )
        return NO_REASON

    def _cycle_reason(
        self, route_path: str, extraction: Extraction, sig: Signature, service_path: str
    ) -> Reason:
        """Why the service cannot be imported at the top of the route module: a module it would
        import imports the route module back (see :mod:`.cycles`); or why it could not be
        imported before the route module: one of its imports loads the route module."""
        starts = self.import_graph.need_files(route_path, _with_type_needs(extraction, sig))
        chain = self.import_graph.chain_to(starts, route_path)
        if chain is not None:
            return Reason(
                R.SERVICE_IMPORT_CYCLE,
                f"the service would import {chain[0]}, which imports {route_path} back "
                f"({' → '.join(chain)}): importing the service at the top of {route_path} would "
                f"be a circular import. Move what {chain[-2]} imports from {route_path} (such as "
                "the database object) into a module of its own, then run again",
            )
        # Imported first (by a test, a script or a worker), the service runs its imports before
        # the route module has started: the packages around the service are all that is loaded.
        first = [m for start in starts for m in modules_run_by_import(start)]
        loaded = modules_run_by_import(service_path)
        chain = self.import_graph.chain_to(first, route_path, loaded)
        if chain is None:
            return NO_REASON
        needed = _importer_of(starts, chain[0])
        return Reason(
            R.SERVICE_IMPORT_CYCLE,
            f"the service would import {needed}, and importing it loads {route_path} "
            f"({' → '.join(chain)}), which imports the service: a test, script or worker that "
            f"imports the service module first would fail with a circular import. Move what the "
            f"service needs from {needed} into a module whose import does not load {route_path}, "
            "then run again",
        )

    def _alias_reason(self, route_path: str, extraction: Extraction) -> Reason:
        """Why the service cannot import a name the route module reads through a module
        (``db = models.db``): ``models`` is no module of the project, so the service has no
        ``from app.models import db`` to write."""
        for need in extraction.imports:
            if (
                need.via
                and self.import_graph.module_file(route_path, need.level, need.module) is None
            ):
                return Reason(
                    R.ALIAS_OF_NO_MODULE,
                    f"the moved code reads `{need.name}`, which {route_path} sets to "
                    f"`{need.via}` at its top, and `{need.via.rpartition('.')[0]}` is no module "
                    "of the project the service could import it from: import it in the "
                    "service by hand",
                )
        return NO_REASON

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
        reason = self.reasons.get(key, Reason(R.NO_PLACEMENT, "no service placement was possible"))
        return Violation(
            violation.path,
            violation.line,
            violation.col,
            violation.codemod,
            violation.message,
            fixable=False,
            reason=str(reason),
            reason_id=reason.id,
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


#: what keeps coverage.py from measuring a function (its default exclusion pattern)
NO_COVER = "# pragma: no cover"


def _method_spec(
    method: str, facts: RouteFacts, extraction: Extraction, sig: Signature
) -> MethodSpec:
    """The service method that holds one unit."""
    return MethodSpec(
        name=method,
        params=tuple(p.name for p in extraction.params),
        is_async=extraction.is_async,
        body_code=extraction.body_code,
        returns=extraction.returns,
        local_imports=tuple(need.code() for need in extraction.imports if need.local),
        annotations=sig.annotations,
        return_annotation=sig.return_annotation,
        leading_comments=extraction.output.leading_comments,
        origin=f"{facts.path}:{extraction.func_name}",
        status=extraction.status,
        header_comment=extraction.output.no_cover,
        verb=extraction.output.writes_verb or extraction.output.verb,
        subject=extraction.output.subject,
        moved_from_column=extraction.column,
    )


#: a line of a unit that only hands a row to the session or commits (``db.session.add(job)``)
_SESSION_CALL = re.compile(r"[\w.]*session\.(?:add|add_all|delete|merge|flush|commit)\(.*\)")


def _code_shape(extraction: Extraction) -> str:
    """A unit's code with its parameters named by position (``user.password = new_password`` of
    ``(user, new_password)`` and ``new_user.password = password`` of ``(new_user, password)`` read
    alike), and what it returns."""
    code = extraction.body_code
    for index, param in enumerate(extraction.params):
        code = re.sub(rf"(?<![\w.]){re.escape(param.name)}\b", f"_p{index}_", code)
    return f"{code}\n-> {', '.join(extraction.returns)}"


def _renamed(location: ServiceLocation, subject: str) -> ServiceLocation:
    """``location`` with its subject, and so its module and class, named ``subject`` instead
    (``main_service.py``, ``MainService`` → ``source_app_main_service.py``,
    ``SourceAppMainService``); ``location`` when its module's name does not hold the subject."""
    stem = PurePosixPath(location.path).stem
    if location.subject not in stem:
        return location
    path = str(PurePosixPath(location.path).with_stem(stem.replace(location.subject, subject, 1)))
    name = location.class_name.replace(camel(location.subject), camel(subject), 1)
    return replace(location, path=path, class_name=name, subject=subject)


def _types_agree(methods: list[_PlacedMethod]) -> bool:
    """Whether no parameter has two different known types among ``methods`` (a report of a
    ``Comment`` and of a ``Photo`` is no duplicate, whatever their code)."""
    typed = [
        # (a helper's result is named by the helper until the plan reads its type: unknown here)
        [
            t.code if t is not None and not t.call_result else ""
            for t in m.extraction.output.param_types
        ]
        for m in methods
    ]
    width = max(map(len, typed), default=0)
    return all(len({t[i] for t in typed if i < len(t) and t[i]}) <= 1 for i in range(width))


def _only_session_calls(body_code: str) -> bool:
    """Whether a unit's code only hands rows to the session and commits: the same in any two
    routes that save what they built, which says nothing about whether they mean the same."""
    lines = [line.strip() for line in body_code.splitlines()]
    code = [line for line in lines if line and not line.startswith("#")]
    return all(_SESSION_CALL.fullmatch(line) for line in code)


#: the first words of services named for a part of the app that others must not depend on
_GATED_SERVICES = ("admin", "api", "moderation", "internal")


def _gates_off(service: ServiceLocation, own: ServiceLocation) -> bool:
    """Whether ``service`` is named for the admin pages or the API (``AdminService``,
    ``ApiService``) and is not the unit's ``own``: a route of another part calling a method of it
    would depend on that part (albumy's public ``delete_tag`` calling
    ``AdminService.delete_tag``), so the unit gets a method of its own."""
    if service.path == own.path:
        return False
    stem = service.path.rpartition("/")[2].rpartition(".")[0]
    return stem.split("_")[0] in _GATED_SERVICES


def _unreturned(spec: MethodSpec) -> MethodSpec:
    """``spec``'s identity as if it returned nothing: a unit that needs no value from the same
    code may call the method that returns some."""
    return replace(_identity(spec), returns=(), return_annotation="")


def _identity(spec: MethodSpec) -> MethodSpec:
    """What a method is apart from its name (and the words its docstring takes from its
    writes), where it came from (and at which column) and the comments above its code: units whose methods have the
    same identity (and whose names mean the same) share one method."""
    return replace(
        spec, name="", origin="", leading_comments=(), verb="", subject="", moved_from_column=0
    )


def _same_subject(name: str, other: str) -> bool:
    """Whether two method names say the same about what is written: equal, or differing only in
    a first word of the same meaning (``edit_project``, ``update_project``; not ``create_config``
    and ``update_config``). The same code gets its name from the route where the writes say little
    (``db.session.delete(item)`` in ``delete_coupon`` and in ``delete_account``; ``add(x)`` in a
    create and in an update route): one method named for one route would mislead the other's
    reader."""
    verb, _, rest = name.partition("_")
    other_verb, _, other_rest = other.partition("_")
    return name == other or (
        rest != ""
        and rest == other_rest
        and _VERB_MEANINGS.get(verb, verb) == _VERB_MEANINGS.get(other_verb, other_verb)
    )


def _variants_of(name: str, route: str, other_route: str) -> bool:
    """Whether two routes are variants of the write ``name`` says (``delete_team_public`` and
    ``delete_team_private`` of ``delete_team``, CTFd's two views that delete a team): their
    names extend it alike."""
    prefix = name + "_"
    return route.startswith(prefix) and other_route.startswith(prefix)


#: first words of method names that say the same thing about a write
_VERB_MEANINGS = {
    **dict.fromkeys(("edit", "update", "modify", "change", "patch"), "update"),
    **dict.fromkeys(("create", "add", "new", "insert", "register"), "create"),
    **dict.fromkeys(("delete", "remove", "destroy", "drop"), "delete"),
}


def _removable_names(extraction: Extraction, sig: Signature) -> frozenset[str]:
    """The names whose imports the route module may lose once the unit moved."""
    return (
        extraction.route_names
        | {n.name for n in extraction.imports if n.local}
        | {n.name for d in sig.definitions for n in d.needs if not n.local}
    )


def _imports_of_one_package(existing: str, code: str, name: str) -> bool:
    """``import app`` and ``import app.lib.audit``: both bind the package ``name``, and one
    module may hold both."""
    try:
        specs = [*parse_imports(existing), *parse_imports(code)]
    except ValueError:
        return False
    return all(
        spec.name is None and spec.asname is None and spec.module.split(".")[0] == name
        for spec in specs
    )


def _reads(code: str, name: str) -> bool:
    """Whether ``code`` mentions ``name`` other than as an attribute (``x.name``)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", code) is not None


def _namespace_above(path: str, name: str) -> str:
    """The dotted folders between the project root (or ``src/``) and the top package of the
    module at ``path`` imported as ``name``: ``keep`` of ``keep/services/x.py`` as ``services.x``."""
    above = _folders_above(path, name)
    if above[:1] == ("src",):
        above = above[1:]
    return ".".join(above)


def _folders_above(path: str, name: str) -> tuple[str, ...]:
    """The folders of ``path`` above the top package of the module there imported as ``name``:
    ``keep`` of ``keep/services/x.py`` as ``services.x``."""
    parts = PurePosixPath(path).with_suffix("").parts
    return parts[: len(parts) - len(name.split("."))]


def _absolute_imports(tree: ast.Module) -> Iterator[str]:
    """The dotted modules of the module-level absolute imports of ``tree``."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _importer_of(imported: list[str], module: str) -> str:
    """The file of ``imported`` whose import runs ``module``: a module rather than the package
    around it (``app/api/schemas.py`` rather than ``app/api/__init__.py``)."""
    running = [path for path in imported if module in modules_run_by_import(path)]
    return next((p for p in running if not p.endswith("__init__.py")), running[0])


def _with_type_needs(extraction: Extraction, sig: Signature) -> list[ImportNeed]:
    """The imports of the moved code, then those the annotations and moved definitions need.

    An import the service body does not read is left out: the handlers of a ``try`` that stay in
    the route (``except IntegrityError:``) read names the moved ``try`` body does not."""
    needs = [need for need in extraction.imports if _reads(extraction.body_code, need.name)]
    names = {need.name for need in needs}
    moved = [need for d in sig.definitions for need in d.needs]
    for need in [*sig.needs, *moved]:
        if need.name not in names:
            names.add(need.name)
            needs.append(need)
    return needs


def _single_import_need(code: str) -> ImportNeed | None:
    """``from .reports_service import ReportService`` as an import need (None for another
    shape)."""
    specs = parse_imports(code)
    name = specs[0].name if len(specs) == 1 and not specs[0].asname else None
    if name is None:
        return None
    return ImportNeed(name, specs[0].module.lstrip("."), name, None, specs[0].level)


def _static_service(tree: ast.Module | None, class_name: str) -> bool:
    """Whether the module ``tree`` defines ``class_name`` at its top level as a class of static
    and class methods only (no ``__init__``), as the methods this codemod adds are, and no route
    (a module of the route layer is no service)."""
    if tree is None or defines_routes(tree):
        return False
    found = [
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == class_name
    ]
    return len(found) == 1 and static_only(found[0])
