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
    (folder overriding ``move-commits/*.py.j2``), ``line_length`` (when generated calls and
    signatures wrap; default 0: the project's, from its ruff or black configuration, else 88).
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import libcst as cst

from backfix.codemod import Codemod, CodemodOptions, Plan, ProjectContext
from backfix.cst_unit_positions import lines_match
from backfix.docstring_rules import requires_docstring
from backfix.format_settings import line_length_for
from backfix.imports import first_party_packages, project_root
from backfix.options import option
from backfix.results import REVIEW, FileFacts
from backfix.session_registries import registry_options
from backfix.source import SourceError, SourceFile, parse_cst
from backfix.templating import render

from .analyze import Analyzer
from .bindings import module_bindings
from .frameworks import (
    DEFAULT_ROUTE_PATHS,
    DEFAULT_SESSION_NAMES,
    in_route_folder,
    is_test_or_migration,
    named_for_data_layer,
    route_path_match,
)
from .layers import below_project_folder, within_top_package
from .model import ClassCommit, PackageInitEdits, RouteEdits, RouteFacts, ServiceEdits
from .output import attach_output
from .placement import PLACEMENT_LAYER_FOLDERS
from .plan import Planner
from .proxies import Proxies, project_proxies
from .quick import may_have_route_commits
from .reduce import reduced_source_tree
from .view_classes import (
    class_commits,
    helpers_that_are_views,
    view_bases,
    view_commit_violations,
)

#: what analysis hands to the plan per route file: its facts and its single-name imports
MoveCommitsFacts = tuple[RouteFacts, dict[str, str]]
#: what the plan hands to the rewrite per file
MoveCommitsEdits = RouteEdits | ServiceEdits | PackageInitEdits


@dataclass(frozen=True)
class MoveCommitsOptions(CodemodOptions):
    """Options of move-commits (``[tool.backfix.move-commits]``, ``-o key=value``)."""

    session_names: tuple[str, ...] = option(
        (), help="Extra session receiver names.", comma_list=True
    )
    route_paths: tuple[str, ...] = option(
        tuple(DEFAULT_ROUTE_PATHS),
        help="Folder/module names or path globs of the route layer.",
        comma_list=True,
    )
    service_dir: str = option("services", help="Where service modules go.")
    service_module: str = option("{name}_service", help="Service module name pattern.")
    line_length: int = option(0, help="Line length of generated code (0: the project's).")
    templates: str = option(
        "",
        help="Folder whose jinja2 templates override the bundled ones.",
        flag="--templates",
        is_path=True,
        rewrite_only=True,
    )


def _analysed_module(source: SourceFile) -> tuple[cst.Module, ast.Module | None]:
    """The module the analysis runs on, and `ast` of its text: without the function bodies it
    does not read (at the same positions), or the whole module when that cannot be done safely
    or is already parsed."""
    if source.has_module:
        # Another codemod parsed the whole file (and may have its positions cached): parsing a
        # smaller copy as well would cost more than the smaller analysis saves.
        return source.module, source.ast_module()
    reduced = reduced_source_tree(source.raw, source.ast_module())
    if reduced is not None:
        try:
            return parse_cst(reduced[0]), reduced[1]
        except SourceError:  # the whole module reports it as before (too deep, syntax)
            pass
    return source.module, source.ast_module()


def _unknown_receivers_note(receivers: Sequence[str]) -> list[str]:
    """The run's note on ``x.commit()`` calls in routes on receivers that are no known session:
    they are left alone, so a session under a name of the project's own goes uncounted."""
    if not receivers:
        return []
    counts = Counter(receivers)
    listed = ", ".join(f"`{name}` ({count})" for name, count in sorted(counts.items())[:5])
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    example = sorted(counts)[0]
    return [
        f"{len(receivers)} `.commit()` call(s) in routes are on receivers not known as database "
        f"sessions, and were left alone: {listed}{more}; if one is a SQLAlchemy session, name it "
        f"with `-o session_names={example}` (or `session_names` in [tool.backfix.move-commits])"
    ]


def _layer_path(source: SourceFile) -> str:
    """The path of ``source`` whose folder and module names say its layer: from below the
    project folder of a monorepo's backend (``api/``) that holds it."""
    return _layer_path_of(source.abs_path, source.path)


@functools.lru_cache(maxsize=4096)  # (asked five times per file, with the same answer)
def _layer_path_of(abs_path: str, path: str) -> str:
    return below_project_folder(project_root(abs_path, path), path)


def _proxies(source: SourceFile) -> Proxies | None:
    """The request objects ``source`` imports from the project's own modules."""
    tree = source.ast_module()
    if tree is None:
        return None
    project = ProjectContext(str(project_root(source.abs_path, source.path)))
    return project_proxies(tree, source.path, project)


def _is_pattern(route_path: str) -> bool:
    """A ``route_paths`` entry matched against whole paths (``app/api``, ``*/views.py``), not a
    folder or module name."""
    return "/" in route_path or any(ch in route_path for ch in "*?[")


class MoveCommits(Codemod[MoveCommitsFacts, MoveCommitsEdits]):
    """Route-layer commits → service methods that own the unit of work."""

    SUMMARY = "Move database commits (and the writes they commit) from routes into service methods"
    PREFILTER: ClassVar[re.Pattern[bytes] | None] = re.compile(rb"\.commit\s*\(")
    LOCAL: ClassVar[bool] = False
    Options = MoveCommitsOptions
    options: MoveCommitsOptions
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

    def project_options(
        self, files: Sequence[str], read: Callable[[str], bytes | None]
    ) -> tuple[dict[str, Any], list[str]]:
        """The project's ``scoped_session`` registries (``model.Session``) as session names."""
        known = DEFAULT_SESSION_NAMES.__contains__
        return registry_options(self.options.session_names, known, files, read)

    def _session_names(self) -> list[str]:
        return [*DEFAULT_SESSION_NAMES, *self.options.session_names]

    def _in_service_layer(self, path: str) -> bool:
        service_dir = str(self.options.service_dir).strip("/")
        if "/" in service_dir:
            return path.startswith(service_dir + "/")
        return service_dir in PurePosixPath(path).parts[:-1]

    def _in_route_path(self, source: SourceFile) -> bool:
        # Service modules are never the route layer, even under a folder named like one
        # (`api/services/`): that is what makes a second run a no-op.
        if self._in_service_layer(source.path):
            return False
        return self._explicitly_listed(source.path) or route_path_match(
            _layer_path(source), self._route_names()
        )

    def _explicitly_listed(self, path: str) -> bool:
        explicit = [entry for entry in self.options.route_paths if _is_pattern(entry)]
        return bool(explicit) and route_path_match(path, explicit)

    def _never_routes(self, path: str) -> bool:
        # Tests and migrations call `commit()` to set up or change data, not to serve requests:
        # only a `route_paths` entry naming their path (not a folder name like `api`) includes them.
        return is_test_or_migration(path) and not self._explicitly_listed(path)

    def _route_folder_only(self, source: SourceFile) -> str:
        """The route folder (``api``) above the module ``source`` that alone puts it in the route
        layer, from a folder of another name (``api/helpers/db.py``); "" when the module sits
        right in a route folder (``app/routes/jobs.py``), its own name or an explicit
        ``route_paths`` entry says it is route layer, or its path does not."""
        if not self._in_route_path(source) or self._explicitly_listed(source.path):
            return ""
        pure = PurePosixPath(_layer_path(source))
        names = self._route_names()
        if pure.parent.name in names or route_path_match(pure.name, names):
            return ""
        return next((part for part in reversed(pure.parts[:-1]) if part in names), "")

    def _route_name_only(self, source: SourceFile) -> str:
        """The file name (``api.py``) of the module ``source`` when that name alone puts it in
        the route layer: no route folder holds it and no explicit ``route_paths`` entry names
        it; "" otherwise."""
        if not self._in_route_path(source) or self._explicitly_listed(source.path):
            return ""
        pure = PurePosixPath(_layer_path(source))
        names = self._route_names()
        if any(in_route_folder(pure.parts[:-1], name) for name in names):
            return ""
        return pure.name if route_path_match(pure.name, names) else ""

    def _route_names(self) -> list[str]:
        """The folder and module names among ``route_paths`` (not the paths and globs)."""
        return [e for e in self.options.route_paths if not _is_pattern(e)]

    def _route_layer_import(self, source: SourceFile) -> Callable[[str], bool]:
        """Whether a module the file ``source`` imports from (a repository path) is route layer:
        as ``route_paths`` says, but a bare folder name counts only inside the application's
        top-level package, so a package named ``api`` is not route layer as a whole, and not for
        a module named for another layer (``api/dashboards/models.py``)."""
        root = project_root(source.abs_path, source.path)
        folder_names = [e for e in self.options.route_paths if not _is_pattern(e)]
        folder_names += PLACEMENT_LAYER_FOLDERS

        @functools.cache
        def route_layer(path: str) -> bool:
            if self._explicitly_listed(path):
                return True
            if (
                self._in_service_layer(path)
                or is_test_or_migration(path)
                or named_for_data_layer(path)
            ):
                return False
            return route_path_match(within_top_package(root, path), folder_names)

        return route_layer

    def _analyzer(
        self, source: SourceFile, analysed: tuple[cst.Module, ast.Module | None] | None = None
    ) -> Analyzer:
        in_route_path = self._in_route_path(source)
        module, tree = (source.module, source.ast_module()) if analysed is None else analysed
        if not lines_match(source.raw):  # (the analysed text has the lines of the file)
            tree = None  # the positions come from the whole module's code, LibCST's lines
        analyzer = Analyzer(
            module,
            source.path,
            self._session_names(),
            in_route_path,
            tree,
            source.text,
            self._route_layer_import(source),
            self._route_folder_only(source),
            self._route_name_only(source),
            _proxies(source),
        )
        analyzer.run()
        attach_output(analyzer)
        return analyzer

    def analyze(self, source: SourceFile) -> FileFacts[MoveCommitsFacts]:
        """Find route-layer commits and the units of work that could move."""
        if self._never_routes(source.path):
            return FileFacts(source.path)
        if not may_have_route_commits(source.ast_module(), self._in_route_path(source)):
            return self._class_commits(source)
        analysed = _analysed_module(source)
        module = analysed[0]
        analyzer = self._analyzer(source, analysed)
        violations = tuple(
            self.violation(
                source,
                site.line,
                site.col,
                f"`{site.code}` in the route layer ({site.scope or 'module'})",
                fixable=site.unit_id is not None,
                reason=site.reason,
                reason_id=site.reason_id,
                scope=site.scope,
                snippet=site.snippet,
                tier=REVIEW,
            )
            for site in analyzer.sites
        )
        unknown = tuple(analyzer.unknown_receivers)
        if not violations:
            if unknown:  # (only for the run's note: no commit of this file moves)
                return FileFacts(
                    source.path, (), (RouteFacts(source.path, (), (), frozenset(), 0, unknown), {})
                )
            return FileFacts(source.path)
        names, imports = module_bindings(module, analyzer)
        facts = RouteFacts(
            path=source.path,
            commits=tuple(analyzer.sites),
            extractions=tuple(u.extraction for u in analyzer.units if u.extraction is not None),
            module_names=frozenset(names),
            relative_level=analyzer.relative_level,
            unknown_receivers=unknown,
        )
        return FileFacts(source.path, violations, (facts, imports))

    def _class_commits(self, source: SourceFile) -> FileFacts[MoveCommitsFacts]:
        """A module not analysed as route layer: the commits of its classes that the plan checks
        for views (see ``view_classes``)."""
        tree = source.ast_module()
        commits = class_commits(tree, source.text, self._session_names()) if tree else ()
        if not commits:
            return FileFacts(source.path)
        facts = RouteFacts(source.path, (), (), frozenset(), 0, class_commits=commits)
        return FileFacts(source.path, (), (facts, {}))

    # --- plan ----------------------------------------------------------------------------------------------

    def plan(
        self, facts: Sequence[FileFacts[MoveCommitsFacts]], project: ProjectContext
    ) -> Plan[MoveCommitsEdits]:
        """Place every movable unit in a service module; settle names, imports and clashes."""
        planner = Planner(self, project)
        unknown: list[str] = []
        in_classes: list[tuple[str, ClassCommit]] = []
        for fact in facts:
            if fact.data is not None:
                route_facts, imports = fact.data
                unknown.extend(route_facts.unknown_receivers)
                in_classes.extend((fact.path, commit) for commit in route_facts.class_commits)
                if route_facts.commits:
                    planner.add_route(route_facts, imports)
        planner.place()
        settled = [planner.settle(v) for fact in facts for v in fact.violations]
        bases = view_bases(project)
        violations = helpers_that_are_views(settled, bases)
        violations.extend(view_commit_violations(self.ID, in_classes, bases))
        notes = [*planner.notes, *_unknown_receivers_note(unknown)]
        return Plan(violations=violations, edits=planner.edits(), notes=notes)

    # --- rewrite -------------------------------------------------------------------------------------------

    def template_overrides(self) -> list[str]:
        return [self.options.templates] if self.options.templates else []

    def _line_length(self, source: SourceFile) -> int:
        return int(self.options.line_length) or line_length_for(source.abs_path)

    def rewrite(self, source: SourceFile, edits: MoveCommitsEdits) -> cst.Module:
        """Apply one file's edits: a route module, a service module or a new package ``__init__``."""
        from backfix.layout_checks import closing_brackets_dangle  # (nor pycodestyle)

        from .rewrite import rewrite_route, rewrite_service  # a scan never rewrites: not loaded

        if isinstance(edits, RouteEdits):
            analyzer = self._analyzer(source)
            return rewrite_route(
                source.module,
                analyzer.units,
                edits,
                self.template_overrides(),
                self._line_length(source),
                project_root(source.abs_path, source.path),
                first_party_packages(source.abs_path, project_root(source.abs_path, source.path)),
                closing_brackets_dangle(source.text),
            )
        if isinstance(edits, ServiceEdits):
            module = source.module if source.exists else cst.Module([])
            root = project_root(source.abs_path, source.path)
            return rewrite_service(
                module,
                source.exists,
                edits,
                self.template_overrides(),
                self._line_length(source),
                root,
                first_party_packages(source.abs_path, root),
                requires_docstring(Path(source.abs_path).parent, root, "method"),
            )
        if isinstance(edits, PackageInitEdits):
            if source.exists:
                return source.module
            return cst.parse_module(
                edits.header + render("move-commits/package_init.py.j2", self.template_overrides())
            )
        return source.module
