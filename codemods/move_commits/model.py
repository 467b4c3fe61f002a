"""Picklable records passed from analysis to plan to rewrite."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportNeed:
    """A name the moved code reads that the route module (or the route function) imports.

    ``module`` is the ``from`` part (``""`` for ``import x.y``), ``level`` the number of leading dots,
    ``imported`` the imported name (dotted for ``import a.b``), ``asname`` its alias. ``via`` is
    how the route module reads it instead when it imports no such name: ``models.db`` of a
    module-level ``db = models.db``, which ``from app.models import db`` (``module`` being a module
    the plan checks) binds as well.
    """

    name: str
    module: str
    imported: str
    asname: str | None
    level: int
    local: bool = False
    via: str = ""

    def code(self, module_override: str | None = None, level_override: int | None = None) -> str:
        """The import statement binding ``name``."""
        alias = f" as {self.asname}" if self.asname else ""
        if not self.module and self.level == 0 and module_override is None:
            return f"import {self.imported}{alias}"
        module = self.module if module_override is None else module_override
        level = self.level if level_override is None else level_override
        return f"from {'.' * level}{module} import {self.imported}{alias}"


@dataclass(frozen=True)
class Param:
    """One parameter of a service method and the expression the route passes for it."""

    name: str
    value: str

    @property
    def positional(self) -> bool:
        """Passed by position when the route's expression is the same plain name."""
        return self.name == self.value


@dataclass(frozen=True)
class TypeInfo:
    """A type the service method can spell: annotation code, the imports its names need,
    whether the value may also be None (``X | None``), and whether it is ``Any``."""

    code: str
    needs: tuple[ImportNeed, ...] = ()
    nullable: bool = False
    #: ``Any``: what the framework types so (``request.get_json()``), which a project's linters
    #: may not accept in a signature
    dynamic: bool = False
    #: a type checker reads the route's value as ``Any`` (Flask-SQLAlchemy's ``Job.query``
    #: results): in a project that runs one, the service says so too (see ``signature``)
    seen_as_any: bool = False
    #: not a type yet: the return type of the project function ``code`` names, which
    #: ``needs[0]`` imports, read from its module by the plan (``TypingContext.returned``)
    call_result: bool = False
    #: a ``call_result`` read through ``await`` (``user = await get_user(...)``): the function is
    #: an ``async def``, whose return annotation is what the ``await`` gives
    awaited: bool = False
    #: the route rules out the value being None where the unit starts (``if user:`` around
    #: it): a ``call_result`` whose function may return None is then its type without None
    not_none: bool = False


@dataclass(frozen=True)
class Definition:
    """A module-level constant or helper of the route module that moves into the service module:
    its name, its statement's code, and the imports it needs."""

    name: str
    code: str
    needs: tuple[ImportNeed, ...] = ()
    #: the service defines its own the same way and the route keeps its own: the module logger
    #: (``logger = logging.getLogger(__name__)``)
    copied: bool = False


@dataclass(frozen=True)
class OutputFacts:
    """What the generated code needs beyond data flow: types, naming hints, moved comments.

    ``param_types`` follows ``Extraction.params`` (None: unknown); ``return_type`` is None when
    unknown (``TypeInfo("None")`` when nothing is returned); ``typed_route`` says the route function
    is annotated (a typed context); ``unknown`` names what could not be typed; ``type_ignores`` that
    the moved code carries ``# type: ignore`` comments. ``name`` is the method name the writes
    suggest (``create_job``), ``subject``/``verb`` its parts for templates.
    """

    param_types: tuple[TypeInfo | None, ...] = ()
    return_type: TypeInfo | None = None
    typed_route: bool = False
    unknown: tuple[str, ...] = ()
    type_ignores: bool = False
    name: str = ""
    verb: str = ""
    subject: str = ""
    alternatives: tuple[str, ...] = ()
    #: the verb of the writes where ``name`` is the route's own (``update`` for ``role``)
    writes_verb: str = ""
    leading_comments: tuple[str, ...] = ()
    #: the comment line nearest above the unit (``# Mark all forums as read``), "" for none
    heading: str = ""
    definitions: tuple[Definition, ...] = ()
    type_definitions: tuple[Definition, ...] = ()
    #: attributes of parameters the moved code reads and the route rules out being None before
    #: it (``user.picture`` after ``if not user.picture: return ...``)
    narrowed: tuple[str, ...] = ()
    #: the ``# pragma: no cover`` of the route code around the unit (its def line, a decorator's,
    #: its class's, an ``if`` around it), "" for none: coverage.py does not measure that code
    no_cover: str = ""


@dataclass(frozen=True)
class Extraction:
    """A unit of work that can move: everything the plan needs to place it."""

    unit_id: str
    func_name: str
    class_name: str | None
    is_async: bool
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    body_code: str
    imports: tuple[ImportNeed, ...]
    route_names: frozenset[str] = field(default_factory=frozenset)
    output: OutputFacts = field(default_factory=OutputFacts)
    #: the method returns whether it committed (first), for an early exit the route answers.
    status: bool = False
    #: the early exit tests the one returned value (``if not job:``): the method returns None
    #: there, so its return type admits None.
    none_on_exit: bool = False
    #: the column the moved code starts at in the route
    column: int = 0


@dataclass(frozen=True)
class CommitSite:
    """One commit call in the route layer and what happens to it."""

    line: int
    col: int
    scope: str
    snippet: str
    code: str
    unit_id: str | None
    reason: str = ""
    #: the reason's stable id (see ``reasons``); "" when the commit moves.
    reason_id: str = ""


@dataclass(frozen=True)
class ClassCommit:
    """A session commit in a method of a class that the plan checks for a view (see
    ``view_classes``): ``col`` is 0-based, ``code`` the call on one line."""

    class_name: str
    line: int
    col: int
    code: str
    scope: str


@dataclass(frozen=True)
class RouteFacts:
    """What analysis learned about one route-layer file."""

    path: str
    commits: tuple[CommitSite, ...]
    extractions: tuple[Extraction, ...]
    module_names: frozenset[str]
    #: how many packages up the file's relative imports reach (0: it imports absolutely)
    relative_level: int
    #: receivers of ``x.commit()`` calls in its routes that are no known session (``SESSION``)
    unknown_receivers: tuple[str, ...] = ()
    #: in a module not analysed as route layer, the commits of classes that may be views
    class_commits: tuple[ClassCommit, ...] = ()


@dataclass(frozen=True)
class UnitPlan:
    """The plan's decision for one extraction, as the route rewrite needs it."""

    service_class: str
    method: str
    body_code: str
    #: the comments above the moved code stay above the call: the method the unit calls is
    #: another unit's, and carries other comments (or none).
    comments_stay: bool = False


@dataclass(frozen=True)
class RouteEdits:
    """Edits of one route file: which units to replace, and the import of each service class."""

    units: tuple[tuple[str, UnitPlan], ...]
    imports: tuple[str, ...]
    removable_names: frozenset[str]
    #: module-level definitions that moved to the service: name → the import binding it back.
    moved_definitions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MethodSpec:
    """One service method to add."""

    name: str
    params: tuple[str, ...]
    is_async: bool
    body_code: str
    returns: tuple[str, ...]
    local_imports: tuple[str, ...]
    origin: str
    annotations: tuple[str, ...] = ()
    return_annotation: str = ""
    leading_comments: tuple[str, ...] = ()
    #: returns ``True`` (it committed) before the values; its early exit returns ``False``.
    status: bool = False
    #: a comment for the def line (the route's ``# pragma: no cover``), "" for none
    header_comment: str = ""
    #: what the writes do (``update``, ``user``), for a docstring when the name does not say it
    verb: str = ""
    subject: str = ""
    #: the column the moved code started at in the route
    moved_from_column: int = 0


@dataclass(frozen=True)
class ServiceEdits:
    """Edits of one service module: imports to add, the class, its new methods."""

    class_name: str
    methods: tuple[MethodSpec, ...]
    imports: tuple[str, ...]
    is_new: bool
    definitions: tuple[str, ...] = ()
    #: the comment block a new module starts with: the route module's licence header, if any
    header: str = ""


@dataclass(frozen=True)
class PackageInitEdits:
    """A new ``__init__.py`` for a new service package."""

    package: str
    #: the comment block it starts with: the route module's licence header, if any
    header: str = ""
