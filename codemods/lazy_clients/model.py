"""The facts lazy-clients' analysis hands to its plan, and the edits its plan hands to its rewrite."""

from __future__ import annotations

from dataclasses import dataclass, field

from .naming import getter_name

#: what an import binding refers to: (dots of a relative import, module as written, names after it).
#: ``from .clients import redis`` binding ``redis`` is ``(1, "clients", ("redis",))``; a use
#: ``redis.get`` of it has the attributes ``("redis", "get")``.
Origin = tuple[int, str, tuple[str, ...]]

LOAD, STORE, DELETE = "load", "store", "del"


@dataclass(frozen=True)
class Blocker:
    """Why a client cannot be made lazy: a reason id and a sentence naming the place at fault."""

    reason_id: str
    message: str


@dataclass(frozen=True)
class Client:
    """A module-level variable holding a client built at import time."""

    name: str
    line: int
    col: int
    #: the constructor as written, for the message (``redis.Redis.from_url``)
    constructor: str
    #: why it is a client: ``a known client constructor`` / ``reads settings``...
    why: str
    #: the getter's return annotation (``redis.Redis``); ``""`` when the type is not known
    annotation: str
    snippet: str
    #: problems found in the defining module itself
    blockers: tuple[Blocker, ...] = ()
    #: the module-level ``if``/``try`` block the client is built in: its keyword and line
    #: (``""``, 0: a plain assignment)
    block: str = ""
    block_line: int = 0
    #: what the client is, for a getter name when ``name`` is too short (``redis_client``)
    kind: str = ""

    @property
    def getter(self) -> str:
        """The getter that replaces the variable (``get_redis_client``)."""
        return getter_name(self.name, self.kind)


@dataclass(frozen=True)
class Use:
    """One use of an import binding: the chain of attributes read from it, and how."""

    origin: Origin
    #: the attributes after the binding's own names (``("get",)`` for ``redis.get``)
    attrs: tuple[str, ...]
    #: load, store or del of the whole chain
    kind: str
    import_time: bool
    default_argument: bool
    line: int


@dataclass(frozen=True)
class ImportedName:
    """A ``from m import name [as local]`` anywhere in a module."""

    origin: Origin
    local: str
    module_level: bool
    line: int


@dataclass(frozen=True)
class ModuleFacts:
    """Everything lazy-clients needs to know about one module."""

    clients: tuple[Client, ...] = ()
    uses: tuple[Use, ...] = ()
    imported_names: tuple[ImportedName, ...] = ()
    star_imports: tuple[tuple[int, str, int], ...] = ()
    #: string literals spelling a dotted name (``"app.clients.redis"``), with their line
    dotted_strings: tuple[tuple[str, int], ...] = ()
    #: ``setattr(mod, "name", ...)`` / ``patch.object(mod, "name")``: the object's origin and name
    patched_attributes: tuple[tuple[Origin, str, int], ...] = ()
    #: names bound at module level, and names listed in ``__all__``
    bound: frozenset[str] = frozenset()
    exported: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Getter:
    """How one client becomes a cached getter."""

    name: str
    getter: str
    annotation: str
    #: ``functools.cache`` or ``functools.lru_cache(maxsize=None)``
    cache_call: str
    #: the getter's docstring ("": none, where the project's linters require none)
    docstring: str = ""


@dataclass
class FileEdits:
    """One file's edits: clients it defines that become getters, uses of other modules' clients."""

    getters: list[Getter] = field(default_factory=list)
    #: (origin, attribute chain) of a use that names a client → the getter's name
    uses: dict[tuple[Origin, tuple[str, ...]], str] = field(default_factory=dict)
