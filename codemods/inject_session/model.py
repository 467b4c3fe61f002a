"""The picklable facts inject-session's analysis hands to its plan, and the edits its plan hands on."""

from __future__ import annotations

from dataclasses import dataclass, field

#: how a module-level name is used at one place
METHOD_CALL, ATTR_ASSIGN, CALL, BASE, VALUE, IMPORT = (
    "method-call",
    "attr-assign",
    "call",
    "base",
    "value",
    "import",
)


@dataclass(frozen=True)
class Origin:
    """Where a module-level name of a file comes from.

    ``kind`` is ``from`` (``from <level dots><module> import <name>``), ``import`` (``import
    <module>``; ``name`` empty, or for ``import a.b``, which binds ``a`` as its ``module``, the
    module imported: ``a.b``) or ``local`` (defined in the file itself).
    """

    kind: str
    module: str = ""
    name: str = ""
    level: int = 0


@dataclass(frozen=True)
class Service:
    """A class whose methods use ``self.<attr>`` as a session that nothing in the class sets."""

    name: str
    line: int
    attr: str
    #: the session method seen first, e.g. ``query``
    method: str
    has_init: bool
    #: parameters of ``__init__`` besides ``self`` (or of the class bases' when it has none)
    init_params: tuple[str, ...]
    bases: tuple[str, ...]
    #: line of the first method that stores state on the instance (0: none)
    state_line: int
    #: every session-like attribute the class leaves unset (more than one: ambiguous)
    attrs: tuple[str, ...] = ()
    #: methods that set ``attr`` from their parameter (``def set_db(self, db): self.db = db``)
    setters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Singleton:
    """``<name> = <Class>(...)`` at module level."""

    name: str
    class_name: str
    line: int
    col: int
    has_args: bool
    snippet: str


@dataclass(frozen=True)
class Param:
    """One parameter of a function: its name and the source of its annotation and default."""

    name: str
    annotation: str = ""
    default: str = ""
    #: the dotted callee of ``Depends(...)`` in the default or an ``Annotated`` annotation
    depends: str = ""
    has_default: bool = False


@dataclass(frozen=True)
class Function:
    """A function a reference sits in (innermost ``def``)."""

    qualname: str
    #: position of the function's name (identifies it in the rewrite)
    line: int
    col: int
    #: ``fastapi``, ``flask`` or ``""`` (not a route)
    route: str
    params: tuple[Param, ...]
    #: every name the function binds (parameters, assignments, imports); FastAPI routes only (the
    #: plan adds a session parameter to those alone), empty for any other function
    locals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reference:
    """One use of a module-level name (imported or defined in the file)."""

    local: str
    kind: str
    line: int
    col: int
    #: the attribute read after the name (``export_service.run`` → ``run``; a dotted chain after a
    #: plain ``import``)
    attr: str = ""
    function: Function | None = None


@dataclass(frozen=True)
class FileData:
    """What inject-session learned about one file."""

    module_names: frozenset[str] = frozenset()
    services: tuple[Service, ...] = ()
    singletons: tuple[Singleton, ...] = ()
    origins: tuple[tuple[str, Origin], ...] = ()
    references: tuple[Reference, ...] = ()
    #: session parameters of routes (the project's own dependency, to copy)
    session_params: tuple[tuple[Function, Param], ...] = ()
    imports_flask: bool = False
    #: module-level ``Alias = Annotated[T, Depends(...)]``: alias → the code of ``T``
    aliases: tuple[tuple[str, str], ...] = ()
    exported: tuple[str, ...] = ()

    def origin_of(self, local: str) -> Origin | None:
        """Where the module-level name ``local`` comes from."""
        for name, origin in self.origins:
            if name == local:
                return origin
        return None


@dataclass
class ServiceEdit:
    """Give ``class_name`` a session in ``__init__`` and drop its singletons."""

    class_name: str
    attr: str
    param: str
    annotation: str
    singletons: tuple[str, ...]


@dataclass
class FileEdits:
    """Everything inject-session changes in one file."""

    services: list[ServiceEdit] = field(default_factory=list)
    #: (line, col) of a singleton name → the code that replaces it (``ExportService(db)``)
    replacements: dict[tuple[int, int], str] = field(default_factory=dict)
    #: local names of imported singletons → (the module as the import spells it, the class name)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (line, col) of a route's name → the parameter to add (``db: Session = Depends(get_db)``)
    params: dict[tuple[int, int], tuple[str, bool]] = field(default_factory=dict)
    #: import statements to add (code), placed like isort
    new_imports: list[str] = field(default_factory=list)
