"""The facts task-sessions' analysis hands to its plan, and the edits its plan hands to its rewrite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: names that tell a dependency (``get_db``, ``SessionDep``) or a factory yields a session
SESSION_WORDS = re.compile(r"(?i)session|(^|[._])db($|[._])|database")

#: kinds of hand-off: the one rewritten, and those only reported
ADD_TASK = "add_task"
STARLETTE_TASK = "starlette"
ASYNCIO = "asyncio"
THREAD = "thread"
EXECUTOR = "executor"
FLASK_THREAD = "flask"


@dataclass(frozen=True)
class ImportRef:
    """``from <level dots><module> import <name>`` (``name`` empty for ``import module``)."""

    module: str
    level: int
    name: str


@dataclass(frozen=True)
class Param:
    """A parameter of a top-level function."""

    name: str
    #: position among the positional parameters; None for keyword-only ones
    index: int | None
    has_default: bool
    #: names the annotation spells (``Session``), for an import that may become unused
    annotation_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionInfo:
    """A top-level function a task may be."""

    name: str
    line: int
    is_async: bool
    params: tuple[Param, ...]
    #: ``*args`` or ``**kwargs``: the mapping from arguments to parameters is not exact
    variadic: bool
    #: parameters the body commits (``db.commit()``) without the tool seeing that every path
    #: reaching its end commits what it writes (see ``settled``)
    partly_committed: tuple[str, ...] = ()
    #: every ``return`` gives an object the function builds (``return Repos(session)``): a
    #: controller attribute built by calling it holds what it was given
    builds_object: bool = False


@dataclass(frozen=True)
class Factory:
    """How a session dependency opens its session: ``SessionLocal()``, ``Session(engine)``."""

    code: str
    #: the free names the call spells, resolved in the dependency's file by the plan
    names: tuple[str, ...]
    is_async: bool
    #: the dependency only opens, yields, commits, rolls back and closes the session
    plain: bool = False


@dataclass(frozen=True)
class SessionParam:
    """A parameter of a request function that receives a dependency (``db = Depends(get_db)``)."""

    name: str
    #: the dependency as spelled in the file (``get_db``, ``deps.get_db``), or ""
    dependency: str
    #: the annotation alias when the dependency comes through one (``db: DbSession``), or ""
    alias: str
    #: the annotation mentions a session type
    looks_like_session: bool
    #: ``Depends(..., scope="function")``: closed when the route returns
    function_scope: bool = False
    #: the names the parameter's annotation and default spell (imports that may become unused)
    spelled: tuple[str, ...] = ()
    #: ``Depends(...)`` with an annotation of its own (``user: User = Depends(get_user)``): the
    #: annotation, not the dependency's name, tells what it receives
    annotated: bool = False


@dataclass(frozen=True)
class CallSite:
    """A call of a named function, directly or handed to ``add_task`` (arguments after the task)."""

    callee: str
    line: int
    col: int
    #: the enclosing top-level function, or ""
    scope: str
    #: dotted text of each positional argument ("" when not a plain name), in order
    positional: tuple[str, ...]
    #: keyword → dotted text of its value ("" when not a plain name)
    keywords: tuple[tuple[str, str], ...]
    #: ``*args``/``**kwargs`` in the call
    starred: bool
    #: handed to work that runs later (``add_task(fn, ...)``, ``Thread(target=fn, args=...)``,
    #: ``create_task(fn(...))``), not called right away
    via_task: bool
    #: the statement's text, for the fingerprint
    snippet: str = ""
    #: where the task's own arguments start among the call's (``add_task(fn, ...)``: 1)
    offset: int = 0
    #: the task's arguments are the ``args=`` tuple and ``kwargs=`` dict of the call (threads)
    packed: bool = False


@dataclass(frozen=True)
class HandOff:
    """The request's session handed to work that outlives the request."""

    kind: str
    line: int
    col: int
    scope: str
    session: str
    #: the task's call site; None when the session reaches the work in a form the tool cannot drop
    call: CallSite | None
    used_after: bool
    snippet: str
    #: the route keeps the task, thread or future object (it may wait for it): the name it keeps
    kept: str = ""
    #: the session reaches the work inside an object built with it: the object as the hand-off
    #: spells it (``importer``, ``Importer(db)``), "" for a session handed as itself
    carrier: str = ""
    #: the constructor call that built ``carrier`` (``Importer(db)``), on one line
    built: str = ""


@dataclass(frozen=True)
class Derived:
    """A controller attribute built from other attributes of the same object (``self.repos`` from
    ``AllRepositories(self.session)``, in a property, a cached property or any method's ``self.repos
    = ...``)."""

    attr: str
    #: the attributes of ``self`` the value is built with (handed as plain arguments, or read as
    #: ``self.repos.users``)
    sources: tuple[str, ...]
    #: the value's code on one line
    built: str
    #: where: the property or method
    method: str
    #: a function (not a constructor) the value is the result of: the attribute holds what it
    #: was given only when that function builds an object (``FunctionInfo.builds_object``); ""
    #: for a constructor or an attribute read
    callee: str = ""


@dataclass(frozen=True)
class ClassInfo:
    """A top-level class, as a class-based controller (or a base of one) may use it."""

    name: str
    line: int
    #: the base classes as spelled (``BaseController``, ``_base.BaseController``)
    bases: tuple[str, ...]
    #: decorated as a controller (``@cbv(router)``, ``@controller(router)``) or with routes
    #: among its methods (``@router.post(...)``)
    controller: bool
    #: attributes declared as dependencies or sessions (``session: Session = Depends(get_db)``,
    #: ``db: AsyncSession``, ``self.db = db`` from such an ``__init__`` parameter); each
    #: ``SessionParam.name`` is the attribute
    sessions: tuple[SessionParam, ...] = ()
    derived: tuple[Derived, ...] = ()
    #: plain methods (not properties) → the attributes of ``self`` they read
    methods: tuple[tuple[str, tuple[str, ...]], ...] = ()


#: how an attribute of ``self`` reaches the work a controller method hands off (``Reach.how``)
AS_ITSELF = "itself"  # ``self.repos`` as the task or an argument
WITHIN = "within"  # ``self.repos.users`` (an attribute of it)
IN_OBJECT = "object"  # inside an object built with it in the method (``BulkService(self.repos)``)
IN_LAMBDA = "lambda"  # read inside a lambda handed off


@dataclass(frozen=True)
class Reach:
    """An attribute of ``self`` that reaches work a controller method hands off."""

    attr: str
    how: str
    #: ``self.<attr>`` (or what holds it) is the task itself, not one of its arguments
    head: bool = False
    #: the object as the hand-off spells it (``worker``, ``BulkService(self.repos)``), for
    #: ``IN_OBJECT``
    carrier: str = ""
    #: the constructor call that built ``carrier``, on one line
    built: str = ""


@dataclass(frozen=True)
class MethodHandOff:
    """Work handed off in a method of a class-based controller, with what of ``self`` reaches it;
    the plan tells which of those attributes hold the request's session."""

    kind: str
    line: int
    col: int
    cls: str
    method: str
    snippet: str
    reaches: tuple[Reach, ...]


@dataclass(frozen=True)
class FileData:
    """Everything the plan needs from one file."""

    imports: dict[str, ImportRef] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    #: dependency function name → how it opens its session
    providers: dict[str, Factory] = field(default_factory=dict)
    #: ``Alias = Annotated[Session, Depends(get_db)]`` → ``get_db``
    aliases: dict[str, str] = field(default_factory=dict)
    #: the aliases whose ``Depends`` has ``scope="function"``
    scoped_aliases: frozenset[str] = frozenset()
    #: ``(request function, session parameter)`` → how often the function reads it
    session_reads: dict[tuple[str, str], int] = field(default_factory=dict)
    #: names bound at module level (imports, definitions, assignments)
    top_names: frozenset[str] = frozenset()
    #: request function → its dependency parameters
    requests: dict[str, tuple[SessionParam, ...]] = field(default_factory=dict)
    hand_offs: tuple[HandOff, ...] = ()
    calls: tuple[CallSite, ...] = ()
    #: names of functions read as values (not called): ``(name, line)``
    values: tuple[tuple[str, int], ...] = ()
    #: ``(top-level function, function defined inside it)``: that name there is the nested one
    nested: frozenset[tuple[str, str]] = frozenset()
    #: ``from <module> import *`` at module level (``name`` "*")
    stars: tuple[ImportRef, ...] = ()
    #: top-level classes
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    #: work handed off in methods of class-based controllers
    method_hand_offs: tuple[MethodHandOff, ...] = ()


@dataclass(frozen=True)
class DropArgument:
    """Remove one argument from the call at ``line``:``col``."""

    line: int
    col: int
    #: position in the call's own argument list (``add_task``'s: the task is 0), or None
    index: int | None
    keyword: str | None
    #: the argument is inside the ``args=`` tuple (by ``index``) or ``kwargs=`` dict (by
    #: ``keyword``) of a thread: ``"args"``/``"kwargs"``; "" for the call's own arguments
    within: str = ""


@dataclass(frozen=True)
class TaskFix:
    """Turn a task function into one that opens its own session."""

    function: str
    param: str
    factory: str
    is_async: bool
    #: ``(module, name, asname)`` imports the factory needs in the task's file (name "": ``import``)
    imports: tuple[tuple[str, str, str | None], ...]
    annotation_names: tuple[str, ...]


@dataclass(frozen=True)
class UnusedParam:
    """A route's session parameter nothing reads once its hand-offs stop passing it."""

    function: str
    param: str
    #: names its annotation and default spelled, whose imports may become unused
    names: tuple[str, ...]


@dataclass(frozen=True)
class FileEdits:
    """What the rewrite does to one file."""

    drops: tuple[DropArgument, ...] = ()
    tasks: tuple[TaskFix, ...] = ()
    unused: tuple[UnusedParam, ...] = ()
