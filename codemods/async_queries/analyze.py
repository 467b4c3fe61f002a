"""One pass over a module: sessions, legacy query chains, query variables, functions and calls.

The same scan serves the analyze phase (it returns picklable :class:`ModuleFacts`) and the rewrite
phase (it also returns the CST nodes of every site, keyed by source range), so both phases see the
same chains with the same verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

import libcst as cst
from libcst.metadata import MetadataWrapper

from backfix.cst_positions import Positions, positions
from backfix.cst_utils import dotted, last_name
from backfix.cst_walk import OwnScopeVisitor, TrackingVisitor, WalkVisitor, walk, yields
from backfix.project import from_import_module, module_name
from backfix.session_registries import SESSION_CLASS_NAMES, names_foreign_class

from . import chains as ch
from . import reasons as R
from .model import (
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
    FuncFact,
    Key,
    ModuleFacts,
)
from .plumbing_analyze import scan_plumbing

#: AsyncSession members that must be awaited.
ASYNC_SESSION_METHODS = frozenset(
    {
        "execute",
        "scalar",
        "scalars",
        "get",
        "get_one",
        "stream",
        "stream_scalars",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "merge",
        "delete",
        "close",
        "reset",
        "invalidate",
        "connection",
        "run_sync",
        "exec",  # SQLModel's AsyncSession
    }
)
#: legacy Session methods that AsyncSession does not proxy.
MISSING_ON_ASYNC = frozenset({"bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings"})
SYNC_SESSION_TYPES = frozenset({"Session", "scoped_session"})
ASYNC_SESSION_TYPES = frozenset({"AsyncSession", "async_scoped_session"})
DEPENDS = frozenset({"Depends", "Security"})
#: ``BackgroundTasks.add_task``: its first argument may be a coroutine function
ADD_TASK = "add_task"
#: FastAPI's mapping of a dependency to its replacement (tests): its keys are never called
DEPENDENCY_OVERRIDES = "dependency_overrides"

#: decorators whose function cannot become `async def`, with the reason.
BLOCKING_DECORATORS = {
    "property": "a @property getter cannot be async",
    "cached_property": "a @cached_property cannot be async",
    "hybrid_property": "a hybrid property cannot be async",
    "hybrid_method": "a hybrid method cannot be async",
    "setter": "a property setter cannot be async",
    "expression": "a hybrid expression cannot be async",
    "validates": "@validates hooks run synchronously inside the ORM",
    "listens_for": "event listeners are synchronous",
    "contextmanager": "a @contextmanager generator cannot simply become async",
    "command": "CLI commands are synchronous entry points",
    "group": "CLI commands are synchronous entry points",
    "task": "task queues call functions synchronously",
    "shared_task": "task queues call functions synchronously",
    "fixture": "a pytest fixture needs an async plugin to become async",
    "route": "a Flask view is a synchronous entry point",
}
#: calls that take a coroutine and run it: an un-awaited call inside them is not a bug.
LOOP_ENTRIES = frozenset(
    {"run", "create_task", "ensure_future", "gather", "run_until_complete", "wait_for", "shield"}
)
#: decorators that work the same on `async def` (FastAPI/Starlette routes, methods, typing).
SAFE_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abstractmethod",
        "override",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
        "api_route",
        "websocket",
        "route",
        "on_event",
        "middleware",
        "exception_handler",
    }
)
FLASK_METHOD_DECORATORS = frozenset({"get", "post", "put", "patch", "delete"})
#: decorators that register a FastAPI route (``@app.get(...)``, ``@router.api_route(...)``)
ROUTE_DECORATORS = FLASK_METHOD_DECORATORS | {"api_route"}

_SYNC_MARKERS = re.compile(r"(?<![\w.])(?:create_engine|sessionmaker)\s*\(")


def async_markers(text: str) -> bool:
    """Whether ``text`` names an async engine, session factory or session."""
    return "create_async_engine" in text or "async_sessionmaker" in text or "AsyncSession" in text


def sync_markers(text: str) -> bool:
    """Whether ``text`` calls a sync engine or session factory (``_SYNC_MARKERS``); the pattern's
    look-behind is tried at every position, so the text is searched for its words first."""
    return ("create_engine" in text or "sessionmaker" in text) and bool(_SYNC_MARKERS.search(text))


def _last_name(node: cst.BaseExpression) -> str:
    """The last name of ``node``; a subscript has none here (``Repo[Job]`` as a base is not ``Repo``)."""
    return last_name(node, through_subscript=False)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _dotted(node: cst.Name | cst.Attribute) -> str:
    """``_code`` of an imported (dotted) name, without generating code where it is plain."""
    if node.lpar or node.rpar:
        return _code(node)
    if isinstance(node, cst.Name):
        return node.value
    dot = node.dot
    if (
        isinstance(node.value, (cst.Name, cst.Attribute))
        and isinstance(dot, cst.Dot)
        and _no_space(dot.whitespace_before)
        and _no_space(dot.whitespace_after)
        and not (node.attr.lpar or node.attr.rpar)
    ):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return _code(node)


def _no_space(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value


def annotation_type(node: cst.BaseExpression | None) -> str:
    """The class name an annotation names: ``AsyncSession``, ``Annotated[JobRepo, ...]`` → ``JobRepo``."""
    if node is None:
        return ""
    if isinstance(node, cst.Subscript):
        if _last_name(node.value) in {"Annotated", "Optional"} and node.slice:
            first = node.slice[0].slice
            if isinstance(first, cst.Index):
                return annotation_type(first.value)
        return ""
    if isinstance(node, cst.BinaryOperation):  # `AsyncSession | None`
        return annotation_type(node.left)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return ""
    return _last_name(node)


_SESSION_NAME = re.compile(r"_?(?:db|sess|\w*session)")


def session_like(name: str) -> bool:
    """A name only a session goes by: ``db``, ``session``, ``db_session``, ``self._session``."""
    return bool(_SESSION_NAME.fullmatch(name))


def _session_type(type_name: str, info: ModuleInfo) -> bool:
    """An annotation that names a session factory (``db: SessionLocal``) or a session class."""
    return type_name in info.factories or "Session" in type_name


def _type_kind(type_name: str) -> str | None:
    if type_name in ASYNC_SESSION_TYPES:
        return KIND_ASYNC
    if type_name in SYNC_SESSION_TYPES:
        return KIND_SYNC
    return None


def _depends_target(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Call) and _last_name(node.func) in DEPENDS and node.args:
        return _last_name(node.args[0].value)
    return ""


def _annotated_depends(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Subscript) and _last_name(node.value) == "Annotated":
        for element in node.slice[1:]:
            if isinstance(element.slice, cst.Index):
                target = _depends_target(element.slice.value)
                if target:
                    return target
    return ""


# --- module and class pre-pass --------------------------------------------------------------------


@dataclass
class ModuleInfo:
    """Module-level names the scan needs before walking function bodies."""

    module: str
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    functions: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    factories: dict[str, str] = field(default_factory=dict)  # SessionLocal → kind
    sessions: dict[str, str] = field(default_factory=dict)  # module-level session objects
    db_names: set[str] = field(default_factory=set)  # Flask-SQLAlchemy extension objects
    #: module-level names bound to a `Table(...)` / `db.Table(...)`: selecting one gives rows
    tables: set[str] = field(default_factory=set)
    #: annotations that stand for a session: `SessionDep = Annotated[Session, Depends(get_db)]`
    #: here, or an imported name with `Session` in it (`from app.deps import SessionDep`).
    session_aliases: dict[str, str] = field(default_factory=dict)
    defines_db: bool = False
    fastapi: bool = False
    flask: bool = False
    #: the project's classes named like a session class that are not one (dotted)
    not_sessions: frozenset[str] = frozenset()
    #: the module's names for them (imported, or its own classes)
    foreign: set[str] = field(default_factory=set)

    def exclude_foreign(self, classes: Iterable[str], not_sessions: Collection[str]) -> None:
        """Record which of the module's imported names and own ``classes`` stand for one of
        ``not_sessions`` (``from .utils import AsyncSession`` of ``class AsyncSession(
        requests.Session)``): no session kind is read from them."""
        self.not_sessions = frozenset(not_sessions)
        if not not_sessions:
            return
        for local, (source, attr) in self.imports.items():
            if attr in SESSION_CLASS_NAMES and names_foreign_class(
                f"{source}.{attr}", not_sessions
            ):
                self.foreign.add(local)
        for name in classes:
            if name in SESSION_CLASS_NAMES and names_foreign_class(
                f"{self.module}.{name}", not_sessions
            ):
                self.foreign.add(name)

    def names_foreign(self, name: str) -> bool:
        """Whether the dotted ``name`` (a callee) is one of the foreign classes: a name of the
        module's for one, or one read through an imported module (``utils.AsyncSession``)."""
        head, _, rest = name.partition(".")
        if not rest:
            return head in self.foreign
        if rest.rpartition(".")[2] not in SESSION_CLASS_NAMES or head not in self.imports:
            return False
        source, attr = self.imports[head]
        module = f"{source}.{attr}" if attr else source
        return names_foreign_class(f"{module}.{rest}", self.not_sessions)

    def type_kind(self, type_name: str) -> str | None:
        """The session kind a class name stands for here: none for a foreign class."""
        return None if type_name in self.foreign else _type_kind(type_name)

    def import_source(self, path: str, level: int, base: str) -> str:
        """The module a ``from`` import of ``path`` names (``level`` dots, then ``base``), resolved
        from paths alone (package information would make facts depend on other files); notes
        whether it is FastAPI's or Flask's."""
        base = from_import_module(path, level, base)
        top = base.split(".")[0]
        if top in {"fastapi", "starlette"}:
            self.fastapi = True
        if top in {"flask", "flask_sqlalchemy"}:
            self.flask = True
        return base

    def alias_db(self, names: list[str], owner: str, attribute: str) -> None:
        """``db = models.db``: module-level ``names`` for the ``db`` of a module the file
        imports (not Flask-SQLAlchemy's own), which the rewrite then reads instead of importing
        ``db`` a second time."""
        if owner in self.imports and binds_fsa_db(self.imports[owner][0], attribute):
            self.db_names.update(names)

    def define(self, names: list[str], alias: str | None, made: tuple[str, str] | None) -> None:
        """Record module-level ``names`` assigned a session alias (``alias``, a session kind)
        and/or what a call makes (``made``: ``_factory_kind``'s answer)."""
        if alias is not None:
            for name in names:
                self.session_aliases[name] = alias
        if made is None:
            return
        what, kind = made
        for name in names:
            if what == "factory":
                self.factories[name] = kind
            elif what == "session":
                self.sessions[name] = kind
            else:
                self.db_names.add(name)
                self.defines_db = self.defines_db or name == "db"


def _factory_kind(call: cst.Call, info: ModuleInfo) -> tuple[str, str] | None:
    """What calling ``call`` produces: ("factory", kind), ("session", kind) or ("db", "")."""
    name = _last_name(call.func)
    if info.not_sessions and info.names_foreign(dotted(call.func)):
        return None
    if name == "async_sessionmaker":
        return "factory", KIND_ASYNC
    if name == "sessionmaker":
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "class_":
                return "factory", info.type_kind(_last_name(arg.value)) or KIND_UNKNOWN
        return "factory", KIND_SYNC
    if name in {"scoped_session", "Session", "object_session"}:
        return "session", KIND_SYNC
    if name in {"async_scoped_session", "AsyncSession"}:
        return "session", KIND_ASYNC
    if name == "SQLAlchemy":
        return "db", ""
    if isinstance(call.func, cst.Name) and call.func.value in info.factories:
        return "session", info.factories[call.func.value]
    if (
        isinstance(call.func, cst.Name)
        and "Session" in call.func.value
        and info.imports.get(call.func.value, ("", ""))[1]
        and info.imports[call.func.value][0].split(".")[0] not in _LIBRARIES
    ):
        return "session", KIND_UNKNOWN  # `from app.db import SessionLocal`: a project factory
    return None


#: packages whose names are never a project's session factory or alias.
_LIBRARIES = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy", "fastapi", "starlette"})


def module_info(module: cst.Module, path: str, not_sessions: Collection[str] = ()) -> ModuleInfo:
    """Imports, definitions, session factories and Flask-SQLAlchemy objects of a module;
    ``not_sessions``: the project's classes named like a session class that are not one
    (``app.http.AsyncSession``), which the module's names for them then never stand for."""
    info = ModuleInfo(module_name(path))
    walk(module, _Imports(info, path))
    classes = [stmt.name.value for stmt in module.body if isinstance(stmt, cst.ClassDef)]
    info.exclude_foreign(classes, not_sessions)
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            info.functions.add(stmt.name.value)
        elif isinstance(stmt, cst.ClassDef):
            info.classes.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                _module_assignment(small, info)
    for local, (source, attr) in info.imports.items():
        foreign = local in info.foreign
        if attr and "Session" in local and not foreign and source.split(".")[0] not in _LIBRARIES:
            info.session_aliases.setdefault(local, KIND_UNKNOWN)
    return info


def binds_fsa_db(module: str, imported: str) -> bool:
    """Whether ``from module import imported`` binds the project's Flask-SQLAlchemy extension
    object (``from app import db``), not a name of Flask's own (``from flask import g as db``)."""
    return imported == "db" and module.split(".")[0] not in {"flask", "flask_sqlalchemy"}


class _Imports(OwnScopeVisitor):
    """The module's imports (nested ones included, not those inside functions and classes)."""

    def __init__(self, info: ModuleInfo, path: str) -> None:
        super().__init__()
        self.info = info
        self.path = path

    def visit_Import(self, node: cst.Import) -> None:
        info = self.info
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted.split(".")[0] in {"fastapi", "starlette"}:
                info.fastapi = True
            if dotted.split(".")[0] == "flask":
                info.flask = True
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                info.imports[alias.asname.name.value] = (dotted, "")
            else:
                first = dotted.split(".")[0]
                info.imports[first] = (first, "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        info = self.info
        base = _dotted(node.module) if node.module is not None else ""
        base = info.import_source(self.path, len(node.relative), base)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            imported = _dotted(alias.name)
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            info.imports[local] = (base, imported)
            if binds_fsa_db(base, imported):
                info.db_names.add(local)

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Enter statements only: no expression holds an import."""
        return not isinstance(node, cst.BaseExpression) and super().on_visit(node)


def _module_assignment(small: cst.BaseSmallStatement, info: ModuleInfo) -> None:
    """Session aliases, factories, sessions and ``db`` objects a module-level assignment defines."""
    targets: list[cst.BaseExpression] = []
    value: cst.BaseExpression | None = None
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
        value = small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        targets, value = [small.target], small.value
    names = [t.value for t in targets if isinstance(t, cst.Name)]
    made = _factory_kind(value, info) if isinstance(value, cst.Call) else None
    info.define(names, _alias_kind(value, info), made)
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
        info.alias_db(names, value.value.value, value.attr.value)
    if isinstance(value, cst.Call) and _last_name(value.func) == "Table":
        info.tables.update(names)


def _alias_kind(value: cst.BaseExpression | None, info: ModuleInfo) -> str | None:
    """The session kind of ``Annotated[Session, ...]`` (None when it is not one)."""
    if (
        isinstance(value, cst.Subscript)
        and _last_name(value.value) == "Annotated"
        and value.slice
        and isinstance(value.slice[0].slice, cst.Index)
    ):
        return info.type_kind(annotation_type(value.slice[0].slice.value))
    return None


@dataclass
class ClassInfo:
    """Instance attributes of one class: sessions (by kind) and typed attributes (class symbol)."""

    name: str
    sessions: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)


@dataclass
class Frame:
    """A function's locals: which names are sessions, instances of known classes, aliases."""

    qual: str
    cls: str | None
    is_async: bool
    sessions: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    aliased: set[str] = field(default_factory=set)
    locals: set[str] = field(default_factory=set)
    #: locals assigned a column expression (``score = func.sum(...).label("score")``), and those
    #: bound to anything else (a name in both may hold either)
    columns: set[str] = field(default_factory=set)
    not_columns: set[str] = field(default_factory=set)
    db_names: set[str] = field(default_factory=set)  # `from app import db` in the function
    names: dict[str, list[cst.Name]] = field(default_factory=dict)
    nested_names: set[str] = field(default_factory=set)
    candidates: list[_VarCandidate] = field(default_factory=list)
    #: per query variable, what the uses of its queries decide (see `_finish_variable`)
    verdicts: dict[str, _VarVerdict] = field(default_factory=dict)
    line: int = 0
    blocker: str = ""
    awaits_session: bool = False
    async_generator: bool = False


def _param_kind(
    param: cst.Param, session_names: frozenset[str], info: ModuleInfo
) -> tuple[str | None, str]:
    """(session kind or None, class symbol) of a parameter."""
    type_name = annotation_type(param.annotation.annotation if param.annotation else None)
    kind = info.type_kind(type_name) or info.session_aliases.get(type_name)
    if kind is not None:
        return kind, ""
    dep = _depends_target(param.default) or _annotated_depends(
        param.annotation.annotation if param.annotation else None
    )
    name = param.name.value
    if dep and (dep.endswith(("db", "session", "Session")) or name in session_names):
        return DEP_PREFIX + dep, ""
    if name in session_names:
        return KIND_UNKNOWN, ""
    return None, type_name if ch.is_camel(type_name) else ""


def _is_classmethod(node: cst.FunctionDef) -> bool:
    return any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod"
        for d in node.decorators
    )


def _class_parameter(node: cst.FunctionDef) -> list[str]:
    """The first parameter of a classmethod (``cls``): the class, which ``session.query(cls)``
    selects as an entity (the method of a mapped class or of a model mixin)."""
    params = [*node.params.posonly_params, *node.params.params]
    return [params[0].name.value] if params else []


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    out = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        out.append(params.star_arg)
    return out


#: per node type: is it an expression? (``isinstance`` against LibCST's ABCs is slow per node)
_EXPRESSIONS: dict[type[cst.CSTNode], bool] = {}


class _StatementVisitor(WalkVisitor):
    """A visitor that only looks at statements: it does not enter expressions, which hold none."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Skip an expression's subtree; run the ``visit_`` method of anything else."""
        kind = type(node)
        expression = _EXPRESSIONS.get(kind)
        if expression is None:
            expression = _EXPRESSIONS[kind] = issubclass(kind, cst.BaseExpression)
        return not expression and super().on_visit(node)


class _BodyLocals(_StatementVisitor, OwnScopeVisitor):
    """Assignments in one function body (not in nested functions)."""

    def __init__(self, info: ModuleInfo, frame: Frame) -> None:
        self.info = info
        self.frame = frame

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if not isinstance(target, cst.Name):
            return
        name = target.value
        self.frame.locals.add(name)
        column = isinstance(value, cst.Call) and ch.makes_column(
            value.func.attr.value if isinstance(value.func, cst.Attribute) else "",
            dotted(value.func),
        )
        (self.frame.columns if column else self.frame.not_columns).add(name)
        if not isinstance(value, cst.Call):
            return
        made = _factory_kind(value, self.info)
        callee = _last_name(value.func)
        if made is not None and made[0] == "session":
            self.frame.sessions[name] = made[1]
        elif callee == "aliased":
            self.frame.aliased.add(name)
        elif isinstance(value.func, cst.Name) and ch.is_camel(callee):
            self.frame.types[name] = callee

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        kind = self.info.type_kind(annotation_type(node.annotation.annotation))
        if kind is not None and isinstance(node.target, cst.Name):
            self.frame.sessions[node.target.value] = kind
            self.frame.locals.add(node.target.value)
            self.frame.not_columns.add(node.target.value)
        else:
            self._bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is None:
            return
        self._bind(node.asname.name, node.item)
        target, item = node.asname.name, node.item
        if isinstance(target, cst.Name) and isinstance(item, cst.Name):
            if item.value in self.frame.sessions:  # `with session as db:` is the same session
                self.frame.sessions[target.value] = self.frame.sessions[item.value]
            elif session_like(item.value):
                self.frame.sessions[target.value] = KIND_UNKNOWN

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.frame.locals.add(node.target.value)
            self.frame.not_columns.add(node.target.value)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        # a relative import is the project's own, never Flask's: its module name is not needed
        module = "" if node.relative or node.module is None else _dotted(node.module)
        for alias in node.names:
            imported = _dotted(alias.name)
            if binds_fsa_db(module, imported):
                self.frame.db_names.add(alias.evaluated_alias or imported)


class _SelfAssigns(_StatementVisitor):
    """``self.x = <param>`` / ``self.x = Factory()`` / ``self.x = Class(...)`` in one method."""

    def __init__(
        self,
        params: dict[str, tuple[str | None, str]],
        result: ClassInfo,
        info: ModuleInfo,
    ) -> None:
        self.params = params
        self.result = result
        self.info = info

    def visit_Assign(self, assign: cst.Assign) -> None:
        for target in assign.targets:
            attr = target.target
            if not (
                isinstance(attr, cst.Attribute)
                and isinstance(attr.value, cst.Name)
                and attr.value.value == "self"
            ):
                continue
            name, value = attr.attr.value, assign.value
            if isinstance(value, cst.Name) and value.value in self.params:
                kind, type_name = self.params[value.value]
                if kind is not None:
                    self.result.sessions[name] = kind
                elif type_name:
                    self.result.types[name] = type_name
            elif isinstance(value, cst.Call):
                made = _factory_kind(value, self.info)
                callee = _last_name(value.func)
                if made is not None and made[0] == "session":
                    self.result.sessions[name] = made[1]
                elif isinstance(value.func, cst.Name) and ch.is_camel(callee):
                    self.result.types[name] = callee


def class_info(node: cst.ClassDef, info: ModuleInfo, session_names: frozenset[str]) -> ClassInfo:
    """Session-typed and class-typed instance attributes of a class."""
    result = ClassInfo(node.name.value)
    for stmt in node.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    type_name = annotation_type(small.annotation.annotation)
                    kind = info.type_kind(type_name)
                    if kind is not None:
                        result.sessions[small.target.value] = kind
                    elif ch.is_camel(type_name):
                        result.types[small.target.value] = type_name
        if not isinstance(stmt, cst.FunctionDef):
            continue
        params = {
            p.name.value: _param_kind(p, session_names, info) for p in _all_params(stmt.params)
        }

        walk(stmt.body, _SelfAssigns(params, result, info))
    for name in session_names:
        result.sessions.setdefault(name, KIND_UNKNOWN)
    return result


# --- the scan -------------------------------------------------------------------------------------------


@dataclass
class _VarCandidate:
    name: str
    assign: cst.Assign
    outer: cst.BaseExpression
    chain: ch.Chain
    kind: str
    session: cst.BaseExpression
    fsa_db: str
    needs_db_import: bool
    spec: ch.RootSpec
    needs_mapped: bool = False

    @property
    def chain_root(self) -> str:
        """ROOT_SESSION or ROOT_MODEL: what the variable's query was started from."""
        return ch.ROOT_SESSION if isinstance(self.chain.root, cst.Call) else ch.ROOT_MODEL


@dataclass(frozen=True)
class _VarUse:
    """One place a query variable is rebuilt (``executes`` False) or run."""

    outer: cst.BaseExpression
    chain: ch.Chain
    use: str
    parens: bool
    executes: bool


@dataclass
class _VarVerdict:
    """What the uses of a query variable decide: manual reasons (2.x/3.x), blocker, sites."""

    reason: str
    reason_id: str
    reason2: str
    reason2_id: str
    blocker: str = ""
    terminal: str = ""
    sites: list[Site] = field(default_factory=list)
    #: ``delete``/``update`` when every run of the variable is that bulk statement (`Base.dml`)
    dml: str = ""
    #: see ``ChainFact.eager_rows``: of every use
    eager_rows: tuple[str, ...] | None = None
    #: see ``ChainFact.variable_methods``
    methods: tuple[str, ...] = ()

    def add_eager_rows(self, classes: tuple[str, ...] | None) -> None:
        """Count in the ``eager_rows`` of one use."""
        if classes is None or self.eager_rows == ():
            return
        if classes == ():
            self.eager_rows = ()
        else:
            self.eager_rows = tuple(sorted({*(self.eager_rows or ()), *classes}))

    def settle(self, reason: str, reason_id: str, reason2: str, reason2_id: str) -> None:
        """Keep the first reason found for each target."""
        if not self.reason:
            self.reason, self.reason_id = reason, reason_id
        if not self.reason2:
            self.reason2, self.reason2_id = reason2, reason2_id


def variable_shape_reason(
    name: str, roots: Sequence[tuple[ch.Chain, cst.BaseExpression]], nested: bool
) -> str:
    """Why query variable ``name`` cannot be followed at all, given the queries assigned to it
    (each chain with its session) and whether a nested function uses it ("" when it can).

    Several queries may be assigned to it (``q = ...`` in each branch of an ``if``) when they
    select the same columns from the same session: its uses then read the same shape whichever
    ran."""
    signatures = [_root_signature(chain, session) for chain, session in roots]
    if len(roots) > 1 and (None in signatures or len(set(signatures)) > 1):
        return _unlike_roots_reason(name, signatures)
    if nested:
        return f"query variable `{name}` is used in a nested function"
    return ""


class _RootSignature(NamedTuple):
    """What the uses of a query variable read from a query assigned to it."""

    session: str
    #: ``session.query()`` (ROOT_SESSION) or ``Model.query`` (ROOT_MODEL)
    kind: str
    columns: tuple[str, ...]


def _root_signature(chain: ch.Chain, session: cst.BaseExpression) -> _RootSignature | None:
    """The session, the kind of root and the columns of the query assigned to a query variable;
    None when its columns cannot be read (never the same as another's)."""
    try:
        columns = ch.root_columns(chain)
    except ch.Unsupported:
        return None
    code = cst.Module([]).code_for_node
    kind = ch.ROOT_SESSION if isinstance(chain.root, cst.Call) else ch.ROOT_MODEL
    return _RootSignature(code(session), kind, tuple(code(column) for column in columns))


#: the longest selection the reason for unlike queries spells out
_LISTED_COLUMNS = 40


def _unlike_roots_reason(name: str, signatures: Sequence[_RootSignature | None]) -> str:
    """What differs between the queries assigned to query variable ``name``: the first of the
    columns that cannot be read, the sessions, the columns, and how the query is started."""
    variable = f"query variable `{name}`"
    known = [s for s in signatures if s is not None]
    if not known:
        return f"{variable} is assigned queries whose selected columns the tool cannot read"
    if len(known) < len(signatures):
        return f"{variable} is also assigned a query whose selected columns the tool cannot read"
    sessions = list(dict.fromkeys(s.session for s in known))
    if len(sessions) > 1:
        listed = ", ".join(f"`{session}`" for session in sessions)
        return f"{variable} is assigned queries on different sessions ({listed})"
    selections = list(dict.fromkeys(", ".join(s.columns) for s in known))
    if len(selections) > 1:
        texts = [" ".join(selection.split()) for selection in selections]
        listed = " and ".join(f"`{text}`" for text in texts)
        # (columns of a long expression would drown the reason)
        shown = f" ({listed})" if max(map(len, texts)) <= _LISTED_COLUMNS else ""
        return f"{variable} is assigned queries that select different columns{shown}"
    model = ", ".join(known[0].columns)
    return (
        f"{variable} is assigned both `{model}.query` and `{sessions[0]}.query({model})`: a "
        "model's own `query_class` applies to `Model.query` only, so the two may not run the "
        f"same query class; write both alike (`{sessions[0]}.query({model})`) and run again"
    )


class QueryVariable(Protocol):
    """A query assigned to a variable, as both scans record it."""

    name: str
    chain: ch.Chain
    session: cst.BaseExpression
    fsa_db: str


@dataclass(frozen=True)
class QueryScope:
    """What the function around a query variable says about its names."""

    aliased: frozenset[str]
    tables: frozenset[str]
    #: a nested function uses the variable
    nested: bool


@dataclass
class Rebuilds:
    """The builder steps of a query variable's rebuilds (``q = q.filter(...)``), and those of
    the rebuilds made in the block that assigned it, which every path through that block
    applies."""

    steps: list[ch.Step] = field(default_factory=list)
    in_block: list[ch.Step] = field(default_factory=list)


def group_verdict(
    group: Sequence[QueryVariable],
    scope: QueryScope,
    follow_uses: Callable[[Rebuilds], tuple[str, str]],
    check_uses: Callable[[ch.Base, _VarVerdict], None],
    runs: Callable[[], list[ch.Chain]],
) -> _VarVerdict:
    """What the uses of one query variable decide for every query of ``group`` assigned to it.

    ``follow_uses`` collects the uses (and the steps of its rebuilds, into the list it is given)
    and says why it stays manual; ``check_uses`` checks them against the base they share;
    ``runs`` gives the chains of the uses that run the query."""
    first = group[0]
    roots = [
        (c.chain, ch.Base(c.session, c.fsa_db, aliased=scope.aliased, tables=scope.tables))
        for c in group
    ]
    shape_reason = variable_shape_reason(
        first.name, [(c.chain, c.session) for c in group], scope.nested
    )
    reason, reason_id, root_columns = group_start(roots, shape_reason)
    rebuild = Rebuilds()
    if not reason:
        reason, reason_id = follow_uses(rebuild)
    run_chains = runs()
    dml = bulk_kind(run_chains)
    base = ch.Base(
        first.session,
        first.fsa_db,
        columns=tuple(root_columns),
        prior_steps=tuple(s for c in group for s in c.chain.builders) + tuple(rebuild.steps),
        var=first.name,
        aliased=scope.aliased,
        tables=scope.tables,
        dml=dml,
        # (not a rebuild made on some paths only: `if genre: q = q.filter(...).distinct()`)
        distinct=all(ch.is_distinct(c.chain.builders) for c in group)
        or ch.is_distinct(rebuild.in_block),
    )
    called = {step.name for chain in run_chains for step in chain.steps}
    called |= {s.name for s in rebuild.steps}
    verdict = _VarVerdict(
        reason, reason_id, reason, reason_id, dml=dml, methods=tuple(sorted(called))
    )
    if not reason:
        check_uses(base, verdict)
    if not run_chains:
        settle_never_executed(verdict, first.name)
    return verdict


def bulk_kind(runs: Sequence[ch.Chain]) -> str:
    """``delete``/``update`` when every run of a query variable is that bulk statement
    (``q.delete()``), so that the variable can hold that statement; else ""."""
    kinds = {run.terminal.name if run.terminal is not None else "" for run in runs}
    kind = kinds.pop() if len(kinds) == 1 else ""
    if kind not in {"delete", "update"} or any(run.subscript is not None for run in runs):
        return ""
    return kind


def group_start(
    group: Sequence[tuple[ch.Chain, ch.Base]], shape_reason: str
) -> tuple[str, str, list[cst.BaseExpression]]:
    """:func:`variable_start` for every query assigned to one variable (the first's columns): the
    first reason any of them stays manual for holds for all, since their uses are shared."""
    first_chain, first_base = group[0]
    reason, reason_id, columns = variable_start(first_chain, first_base, shape_reason)
    for chain, base in group[1:]:
        if reason:
            break
        reason, reason_id, _ = variable_start(chain, base, "")
    return reason, reason_id, columns


def variable_start(
    chain: ch.Chain, base: ch.Base, shape_reason: str
) -> tuple[str, str, list[cst.BaseExpression]]:
    """Why a query variable's first query stays manual ("" when it converts), the reason's id,
    and the columns it selects (what its later uses inherit)."""
    try:
        columns = ch.root_columns(chain)
        reason, reason_id = "", ""
    except ch.Unsupported as exc:
        reason, reason_id = str(exc), exc.reason_id
        columns = []
    if shape_reason:
        reason, reason_id = shape_reason, R.QUERY_VARIABLE
    if not reason:
        reason, reason_id = _check(chain, base, ch.USE_STMT_ONLY)[0]
    return reason, reason_id, columns


def settle_never_executed(verdict: _VarVerdict, name: str) -> None:
    """A query variable no use runs: there is nothing to rewrite it into."""
    never = f"query variable `{name}` is never executed in this function"
    verdict.settle(never, R.QUERY_VARIABLE, never, R.QUERY_VARIABLE)


def _is_rebuild(assign: cst.CSTNode | None, spec: ch.RootSpec) -> bool:
    """``q = q.filter(...)``: one target, a value that is the variable's own chain."""
    return (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and ch.split_chain(assign.value, spec) is not None
    )


def _assigns_to(holder: cst.CSTNode | None, value: cst.BaseExpression, name: str) -> bool:
    """``name = <value>``, with ``value`` the whole right-hand side."""
    return (
        isinstance(holder, cst.Assign)
        and holder.value is value
        and len(holder.targets) == 1
        and isinstance(holder.targets[0].target, cst.Name)
        and holder.targets[0].target.value == name
    )


@dataclass(frozen=True)
class Untyped:
    """A ``x.query(Model)`` whose receiver has no known session type; ``reason`` when uncertain."""

    reason: str = ""


ROOT_UNTYPED = "untyped"


@dataclass
class Site:
    """A chain to replace in the rewrite: where it is and how to rebuild it."""

    key: Key
    spec: ch.RootSpec
    use: str
    parens: bool
    base: ch.Base
    group: Key  # the violation (chain or query variable) it belongs to
    standalone: bool = False  # assigned, returned, a statement or an argument: no parentheses


@dataclass
class ScanResult:
    """Facts for the plan, plus rewrite sites."""

    facts: ModuleFacts
    sites: list[Site]
    fsa_db_missing: bool = False


class _Scanner(TrackingVisitor):
    def __init__(
        self,
        path: str,
        module: cst.Module,
        session_names: frozenset[str],
        text: str,
        positions: Positions,
        not_sessions: Collection[str],
    ) -> None:
        super().__init__(positions)
        self.path = path
        self.session_names = session_names
        self.info = module_info(module, path, not_sessions)
        self.classes: dict[str, ClassInfo] = {}
        for stmt in module.body:
            if isinstance(stmt, cst.ClassDef):
                self.classes[stmt.name.value] = class_info(stmt, self.info, session_names)
        self.frames: list[Frame] = []
        self.class_stack: list[str] = []
        self.blockers: list[str] = []  # lambda / genexp context
        #: the names a comprehension's ``for`` binds, innermost last: its own, not the module's
        self.comprehension_names: list[set[str]] = []
        self.chains: list[ChainFact] = []
        self.awaits: list[AwaitFact] = []
        self.functions: list[FuncFact] = []
        self.class_facts: list[ClassFact] = []
        self.calls: list[CallFact] = []
        self.sites: list[Site] = []
        self.seen_roots: set[int] = set()
        self.ordinals: dict[tuple[str, str], int] = {}
        self.async_markers = async_markers(text)
        self.sync_markers = sync_markers(text)
        #: the lines that write `yield`: a function on none of them is not a generator
        self.yield_lines = _lines_with(text, "yield")

    # -- helpers ----------------------------------------------------------------------------------

    def scope(self) -> str:
        if self.frames:
            return self.frames[-1].qual
        return ".".join(self.class_stack)

    def snippet(self, node: cst.BaseExpression, prefix: str = "") -> str:
        """The code of ``node`` without whitespace, numbered within the scope."""
        text = prefix + "".join(self.positions.text(node).split())
        scope = self.scope()
        count = self.ordinals.get((scope, text), 0) + 1
        self.ordinals[(scope, text)] = count
        return f"{text}#{count}"

    def summary(self, node: cst.BaseExpression) -> str:
        """The code of ``node`` on one line, shortened to 80 characters."""
        text = " ".join(self.positions.text(node).split())
        return text if len(text) <= 80 else text[:77] + "..."

    def context_blocker(self) -> str:
        if self.blockers:
            return self.blockers[-1]
        if not self.frames:
            return "at module or class level, where `await` is not possible"
        return ""

    def session_kind(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Name):
            return name_session_kind(expr.value, self.frames, self.info, self.session_names)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            return attribute_session_kind(
                expr.value.value,
                expr.attr.value,
                self.class_stack,
                self.classes,
                self.info,
                self.frames,
                self.session_names,
            )
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Attribute):
            owner = expr.value.value
            if isinstance(owner, cst.Name):
                names = (owner.value, expr.value.attr.value, expr.attr.value)
                return module_db_session_kind(names, self.info, self.frames)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
            return self.info.factories.get(expr.func.value)
        return None

    # -- scopes ------------------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.append(node.name.value)
        if len(self.class_stack) == 1 and not self.frames:
            cls = self.classes.get(node.name.value)
            methods = tuple(s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef))
            self.class_facts.append(
                ClassFact(
                    node.name.value,
                    tuple(_last_name(b.value) for b in node.bases),
                    methods,
                    tuple(sorted(cls.types.items())) if cls else (),
                )
            )

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.class_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        in_class = bool(self.class_stack) and not self.frames
        if self.frames:
            qual = f"{self.frames[-1].qual}.<locals>.{name}"
        elif self.class_stack:
            qual = ".".join([*self.class_stack, name])
        else:
            qual = name
        frame = Frame(
            qual, self.class_stack[-1] if in_class else None, node.asynchronous is not None
        )
        for param in _all_params(node.params):
            frame.locals.add(param.name.value)
            frame.not_columns.add(param.name.value)
            kind, type_name = _param_kind(param, self.session_names, self.info)
            if kind is not None:
                frame.sessions[param.name.value] = kind
            elif type_name:
                frame.types[param.name.value] = type_name
        if in_class and _is_classmethod(node):
            frame.aliased.update(_class_parameter(node))
        walk(node.body, _BodyLocals(self.info, frame))
        frame.line = self.key(node)[0]
        frame.blocker = self._blocker(node, nested=bool(self.frames))
        frame.async_generator = (
            node.asynchronous is not None and self._may_yield(node) and yields(node.body)
        )
        self.frames.append(frame)

    def _blocker(self, node: cst.FunctionDef, nested: bool) -> str:
        name = node.name.value
        if nested and not (
            self.info.fastapi
            and any(_last_name(d.decorator) in ROUTE_DECORATORS for d in node.decorators)
        ):
            return "a nested function"  # a route registered inside a function is the framework's
        if name.startswith("__") and name.endswith("__"):
            return f"`{name}` is a synchronous protocol method"
        if name.startswith("test_"):
            return "a test function needs an async test runner (pytest-asyncio/anyio)"
        for decorator in node.decorators:
            dec = decorator.decorator
            last = _last_name(dec)
            if last in BLOCKING_DECORATORS:
                if last == "route" and not self.info.flask:
                    continue
                return f"decorated with @{_code(dec)}: {BLOCKING_DECORATORS[last]}"
            if _async_capable(dec, self.info):
                continue
            if last in FLASK_METHOD_DECORATORS and self.info.flask and not self.info.fastapi:
                return f"decorated with @{_code(dec)}: {BLOCKING_DECORATORS['route']}"
            if last not in SAFE_DECORATORS and node.asynchronous is None:
                return (
                    f"decorated with @{_code(dec)}, which may call it synchronously (a cache, "
                    "retry or auth wrapper would get a coroutine); make sure it supports async"
                )
        if node.asynchronous is None and self._may_yield(node) and yields(node.body):
            return "a generator function (its consumers would need `async for`)"
        return ""

    def _may_yield(self, node: cst.FunctionDef) -> bool:
        """Whether ``node``'s lines write ``yield`` at all (a cheap test before walking it)."""
        if not self.yield_lines:
            return False
        start, _, end, _ = self.key(node)
        return any(start <= line <= end for line in self.yield_lines)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        self.functions.append(
            FuncFact(
                frame.qual,
                frame.line,
                frame.is_async,
                frame.blocker,
                frame.awaits_session,
                frame.async_generator,
            )
        )
        for candidate in frame.candidates:
            self._finish_variable(frame, candidate)
        if self.frames:
            outer = self.frames[-1]
            outer.nested_names.update(frame.names)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.blockers.append("inside a lambda, which cannot contain `await`")

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.blockers.pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self.blockers.append(
            "inside a generator expression, which `await` would turn into an async generator"
        )
        self.comprehension_names.append(_comprehension_names(node.for_in))

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self.blockers.pop()
        self.comprehension_names.pop()

    def _enter_comprehension(self, node: cst.ListComp | cst.SetComp | cst.DictComp) -> None:
        self.comprehension_names.append(_comprehension_names(node.for_in))

    def _leave_comprehension(
        self, original_node: cst.ListComp | cst.SetComp | cst.DictComp
    ) -> None:
        self.comprehension_names.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_DictComp = _leave_comprehension

    def _local(self, name: str) -> bool:
        """A name the function (or a comprehension around the walk) binds itself."""
        return any(name in f.locals for f in self.frames) or any(
            name in names for names in self.comprehension_names
        )

    # -- names (query variables, functions used as values) ---------------------------------------

    def visit_Name(self, node: cst.Name) -> None:
        parent = self.parent(node)
        if (isinstance(parent, cst.Attribute) and parent.attr is node) or (
            isinstance(parent, cst.Arg) and parent.keyword is node
        ):
            return  # `obj.name` and `f(name=...)` do not refer to a variable called `name`
        if self.frames:
            self.frames[-1].names.setdefault(node.value, []).append(node)
        self._value_reference(node)

    def _value_reference(self, node: cst.Name) -> None:
        name = node.value
        if name not in self.info.functions and name not in self.info.imports:
            return
        if self._local(name):
            return
        parent = self.parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if isinstance(parent, cst.Attribute):
            return
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.ImportAlias, cst.Decorator)):
            return
        if isinstance(parent, (cst.AssignTarget, cst.Param, cst.Annotation, cst.AsName)):
            return
        if isinstance(parent, cst.Arg):
            grand = self.parent(parent)
            if isinstance(grand, cst.Call) and _last_name(grand.func) in DEPENDS:
                return  # FastAPI awaits async dependencies itself
            if isinstance(grand, cst.Call) and self._background_task(grand, parent):
                return  # Starlette awaits a coroutine function handed to `add_task`
            if parent.keyword is not None and parent.keyword.value == "lifespan":
                return  # `FastAPI(lifespan=lifespan)`: the framework enters it with `async with`
        if isinstance(parent, (cst.ImportFrom, cst.Import)):
            return
        if isinstance(parent, cst.Index) and self._overridden_dependency(parent):
            return  # `app.dependency_overrides[get_db] = ...`: a key, FastAPI never calls it
        key = self.key(node)
        self.calls.append(
            CallFact(key, key[0], key[1], self._caller(), ("sym", name), False, is_value=True)
        )

    def _background_task(self, call: cst.Call, arg: cst.Arg) -> bool:
        """Whether ``arg`` is the task of ``background_tasks.add_task(task, ...)`` in a FastAPI
        project: Starlette runs an ``async def`` task by awaiting it."""
        return (
            self.info.fastapi
            and _last_name(call.func) == ADD_TASK
            and bool(call.args)
            and call.args[0] is arg
            and arg.keyword is None
            and not arg.star
        )

    def _overridden_dependency(self, index: cst.Index) -> bool:
        """Whether ``index`` is the key of ``<app>.dependency_overrides[...]``."""
        subscript = self.parent(self.parent(index) or index)
        return (
            isinstance(subscript, cst.Subscript)
            and isinstance(subscript.value, cst.Attribute)
            and subscript.value.attr.value == DEPENDENCY_OVERRIDES
        )

    def _caller(self) -> str | None:
        return self.frames[-1].qual if self.frames else None

    # -- calls ---------------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if ch.is_session_query_call(node) and id(node) not in self.seen_roots:
            assert isinstance(node.func, cst.Attribute)
            receiver = node.func.value
            kind = self.session_kind(receiver)
            spec = ch.RootSpec(ch.ROOT_SESSION)
            if kind is not None:
                self.seen_roots.add(id(node))
                fsa_db = _fsa_db(receiver) if kind == KIND_FSA else ""
                self._root(node, spec, kind, receiver, fsa_db, False)
            elif node.args and self._untyped_query_call(node, receiver):
                # `x.query(Model)`: a legacy query when Model is mapped (the plan checks that).
                self.seen_roots.add(id(node))
                untyped = Untyped(
                    "" if self._session_like(receiver) else _unknown_session(receiver)
                )
                self._root(node, spec, KIND_UNKNOWN, receiver, "", False, untyped)
        self._session_method(node)
        self._call_fact(node)

    def _untyped_query_call(self, node: cst.Call, receiver: cst.BaseExpression) -> bool:
        """``x.query(...)`` naming a class, or on a receiver that can only be a session.

        ``db_session.query(model_cls)`` counts whatever ``model_cls`` is; ``client.query(...)``
        only when it names a class (the plan then keeps it only for a mapped class).
        """
        args = [a.value for a in node.args]
        if ch.class_names(args) or any(ch.column_kind(a, frozenset()) == "entity" for a in args):
            return True
        return self._session_like(receiver)

    def _session_like(self, receiver: cst.BaseExpression) -> bool:
        """A receiver that can only be a session: named like one, or annotated with a factory."""
        name = ""
        type_name = ""
        if isinstance(receiver, cst.Name):
            name = receiver.value
            for frame in reversed(self.frames):
                if name in frame.types:
                    type_name = frame.types[name]
                    break
        elif (
            isinstance(receiver, cst.Attribute)
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value in {"self", "cls"}
            and self.class_stack
        ):
            name = receiver.attr.value
            cls = self.classes.get(self.class_stack[0])
            type_name = cls.types.get(name, "") if cls else ""
        if type_name:
            return _session_type(type_name, self.info)
        return bool(name) and session_like(name)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "query":
            return
        parent = self.parent(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            return  # `X.query(...)`: a session-like call, not Flask-SQLAlchemy's Model.query
        if isinstance(parent, cst.AssignTarget):
            return
        if not ch.is_model_query(node):
            self._untyped_query(node)
            return
        if isinstance(node.value, cst.Name) and any(
            node.value.value in f.locals for f in self.frames
        ):
            # `Model = class_for(kind)`: a variable, whatever class it holds at run time
            self._untyped_query(node, variable=True)
            return
        db = sorted(self.info.db_names)[0] if self.info.db_names else "db"
        session = cst.Attribute(cst.Name(db), cst.Name("session"))
        self._root(node, ch.RootSpec(ch.ROOT_MODEL), KIND_FSA, session, db, not self.info.db_names)

    def _untyped_query(self, node: cst.Attribute, *, variable: bool = False) -> None:
        """``cls.query``, ``self.model.query``, ``model.query``: a query on a class nobody can
        name; ``variable``: the owner is a local named like a class (``Model.query``), whose
        query is one whatever is done with it."""
        owner = node.value
        is_cls = isinstance(owner, cst.Name) and owner.value == "cls"
        if not (is_cls or variable or self._queried(owner, self.parent(node))):
            return  # `url.query`, `request.query`: not a Query
        method = self.parent(node)
        outer = self._climb(node)
        terminal = outer.func if isinstance(outer, cst.Call) else None
        reason = untyped_query_reason(
            is_cls,
            _code(owner),
            method.attr.value if isinstance(method, cst.Attribute) else "",
            terminal.attr.value if isinstance(terminal, cst.Attribute) else "",
        )
        cls_owner = self._cls_owner() if is_cls else ""
        if cls_owner and not self._cls_starts_variable(outer):
            db = sorted(self.info.db_names)[0] if self.info.db_names else "db"
            session = cst.Attribute(cst.Name(db), cst.Name("session"))
            spec = ch.RootSpec(ch.ROOT_MODEL)
            needs_db = not self.info.db_names
            self._root(node, spec, KIND_FSA, session, db, needs_db, cls=(cls_owner, reason))
            return
        self.chains.append(
            self._chain_fact(
                outer,
                node.value,
                KIND_FSA,
                manual=reason,
                root=ROOT_UNTYPED,
                manual_fsa2=reason,
                manual_id=R.UNKNOWN_MODEL,
                manual_fsa2_id=R.UNKNOWN_MODEL,
            )
        )

    def _queried(self, owner: cst.BaseExpression, method: cst.CSTNode | None) -> bool:
        """``<owner>.query.<method>`` reads as a legacy query (``chains.queries_untyped``), and so
        does ``q = self.model.query`` (kept to be built on later)."""
        if not isinstance(method, cst.Attribute):
            return isinstance(method, cst.Assign | cst.Return) and ch.holds_model(_last_name(owner))
        call = self.parent(method)
        arity = None
        if isinstance(call, cst.Call) and call.func is method:
            positional = sum(arg.keyword is None and arg.star != "**" for arg in call.args)
            arity = (positional, len(call.args) - positional)
        return ch.queries_untyped(_last_name(owner), method.attr.value, arity)

    def _climb(self, root: cst.BaseExpression) -> cst.BaseExpression:
        """The outermost node of the chain starting at ``root``."""
        current = root
        while True:
            parent = self.parent(current)
            if isinstance(parent, cst.Attribute) and parent.value is current:
                grand = self.parent(parent)
                name = parent.attr.value
                if isinstance(grand, cst.Call) and grand.func is parent:
                    current = grand
                    if name in ch.CHAIN_THROUGH:
                        continue
                    return current
                return parent  # attribute access (`.statement`) ends the chain
            if isinstance(parent, cst.Subscript) and parent.value is current:
                return parent
            return current

    def _use(self, outer: cst.BaseExpression) -> tuple[str, bool]:
        parent = self.parent(outer)
        parens = (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is outer) or (
            isinstance(parent, cst.Call) and parent.func is outer
        )
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is outer:
            return ch.USE_ITER, parens
        if isinstance(parent, cst.Arg) and parent.value is outer:
            grand = self.parent(parent)
            if isinstance(grand, cst.Call):
                callee = _last_name(grand.func)
                if callee in ch.ITERATING_CALLS and len(grand.args) == 1:
                    return ch.USE_ITER, parens
                if isinstance(grand.func, cst.Attribute) and callee in {"in_", "not_in", "notin_"}:
                    return ch.USE_IN_ARG, parens
        if isinstance(parent, cst.Expr):
            return ch.USE_STATEMENT, parens
        return ch.USE_VALUE, parens

    def _root(
        self,
        root: cst.BaseExpression,
        spec: ch.RootSpec,
        kind: str,
        session: cst.BaseExpression,
        fsa_db: str,
        needs_db_import: bool,
        untyped: Untyped | None = None,
        cls: tuple[str, str] = ("", ""),
    ) -> None:
        """One chain, or the start of a query variable; ``cls``: the class and the reason of
        ``cls.query`` (see ``ChainFact.cls_owner``)."""
        outer = self._climb(root)
        chain = ch.split_chain(outer, spec)
        if chain is None:
            return
        use, parens = self._use(outer)
        parent = self.parent(outer)
        if isinstance(parent, cst.Assign) and self._starts_variable(chain, use, parent, untyped):
            assert isinstance(parent.targets[0].target, cst.Name)
            name = parent.targets[0].target.value
            self.frames[-1].candidates.append(
                _VarCandidate(
                    name,
                    parent,
                    outer,
                    chain,
                    kind,
                    session,
                    fsa_db,
                    needs_db_import,
                    spec,
                    untyped is not None,
                )
            )
            return
        base = ch.Base(session, fsa_db, aliased=self._aliased(), tables=self._tables())
        standalone = self._standalone(outer)
        (manual, manual_id), (manual_fsa2, manual_fsa2_id) = _check(chain, base, use, standalone)
        if untyped and untyped.reason:
            manual = manual_fsa2 = untyped.reason
            manual_id = manual_fsa2_id = R.UNKNOWN_SESSION
        if isinstance(parent, cst.Await) and not manual:
            manual = "the legacy query is already awaited; the surrounding code needs a manual fix"
            manual_id = R.ALREADY_AWAITED
        key = self.key(outer)
        blocker = self.context_blocker() if _executes(chain, use) else ""
        term = chain.terminal
        rows = None if manual and manual_fsa2 else _eager_rows(chain, base, use, standalone)
        self.chains.append(
            self._chain_fact(
                outer,
                chain.root,
                kind,
                manual=manual,
                async_blocker=blocker,
                needs_db_import=needs_db_import,
                root=spec.kind,
                entities=(cls[0],) if cls[0] else _entities(chain.root),
                joined_attributes=ch.joined_instance_attributes(chain),
                needs_mapped=untyped is not None,
                fsa_terminal=term.name if term and term.name in ch.FSA_TERMINALS else "",
                manual_fsa2=manual_fsa2,
                terminal=term.name if term else "",
                manual_id=manual_id,
                manual_fsa2_id=manual_fsa2_id,
                eager_rows=rows,
                cls_owner=cls[0],
                cls_reason=cls[1],
            )
        )
        if not manual or not manual_fsa2:
            self.sites.append(Site(key, spec, use, parens, base, key, standalone))

    def _cls_owner(self) -> str:
        """The class whose classmethod (taking ``cls`` first) the scan is in, not nested in
        another function; "" elsewhere."""
        frame = self.frames[-1] if len(self.frames) == 1 else None
        if frame is None or "cls" not in frame.aliased:
            return ""
        return frame.cls or ""

    def _cls_starts_variable(self, outer: cst.BaseExpression) -> bool:
        """``q = cls.query...``: a query variable, which stays reported as before."""
        chain = ch.split_chain(outer, ch.RootSpec(ch.ROOT_MODEL))
        parent = self.parent(outer)
        return chain is None or (
            isinstance(parent, cst.Assign)
            and self._starts_variable(chain, self._use(outer)[0], parent, None)
        )

    def _chain_fact(
        self, outer: cst.BaseExpression, start: cst.CSTNode, kind: str, **details: Any
    ) -> ChainFact:
        """The fact of the chain ``outer`` where the scan stands; its position is where the query
        starts (``start``), not a parenthesis around it."""
        begin = self.key(start)
        return ChainFact(
            self.key(outer),
            begin[0],
            begin[1],
            self.scope(),
            self._caller(),
            self.snippet(outer),
            self.summary(outer),
            kind,
            **details,
        )

    def _starts_variable(
        self, chain: ch.Chain, use: str, assign: cst.Assign, untyped: Untyped | None
    ) -> bool:
        """``q = session.query(...)...`` without a terminal, in a function: a query variable."""
        return (
            not (untyped and untyped.reason)
            and chain.terminal is None
            and chain.subscript is None
            and use == ch.USE_VALUE
            and bool(self.frames)
            and not self.blockers
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
        )

    def _standalone(self, outer: cst.BaseExpression) -> bool:
        """The value stands alone: assigned, returned, a statement or a call argument."""
        parent = self.parent(outer)
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr)):
            return True
        return isinstance(parent, cst.Arg) and parent.value is outer

    def _aliased(self) -> frozenset[str]:
        names: set[str] = set()
        for frame in self.frames:
            names |= frame.aliased
        return frozenset(names)

    def _tables(self, own: Frame | None = None) -> frozenset[str]:
        """The names that select rows: the module's tables no enclosing function binds a name of
        its own for, and the locals that hold a column expression. ``own``: the function being
        left, no longer among the enclosing ones."""
        frames = self.frames if own is None else [*self.frames, own]
        tables = ch.unshadowed(self.info.tables, [f.locals for f in frames])
        columns = [(f.columns - f.not_columns, f.locals) for f in frames]
        return frozenset(tables | ch.local_columns(columns))

    def _finish_variable(self, frame: Frame, cand: _VarCandidate) -> None:
        """Validate a query variable (the safe case of a query variable) and record it as one violation.

        Of several queries assigned to one variable, the first follows the uses for all; the
        others share its verdict and rewrite only their own assignment."""
        key = self.key(cand.outer)
        spec = ch.RootSpec(ch.ROOT_VAR, cand.name)
        tables = self._tables(frame)
        group = [c for c in frame.candidates if c.name == cand.name]
        if cand is not group[0]:
            verdict = replace(frame.verdicts[cand.name], sites=[])
        else:
            verdict = self._group_verdict(frame, group, spec, key, tables)
            frame.verdicts[cand.name] = verdict
        root_base = ch.Base(
            cand.session,
            cand.fsa_db,
            aliased=frozenset(frame.aliased),
            tables=tables,
            dml=verdict.dml,
        )
        self.frames.append(frame)
        start = self.key(cand.chain.root)
        self.chains.append(
            ChainFact(
                key,
                start[0],
                start[1],
                frame.qual,
                frame.qual,
                self.snippet(cand.outer, prefix=f"{cand.name}="),
                f"query variable `{cand.name}` = {self.summary(cand.outer)}",
                cand.kind,
                is_variable=True,
                variable_methods=verdict.methods,
                manual=verdict.reason,
                async_blocker=verdict.blocker,
                needs_db_import=cand.needs_db_import,
                root=cand.chain_root,
                entities=_entities(cand.chain.root),
                joined_attributes=ch.joined_instance_attributes(cand.chain),
                needs_mapped=cand.needs_mapped,
                fsa_terminal=verdict.terminal,
                manual_fsa2=verdict.reason2,
                manual_id=verdict.reason_id,
                manual_fsa2_id=verdict.reason2_id,
                eager_rows=verdict.eager_rows,
            )
        )
        self.frames.pop()
        if not verdict.reason or not verdict.reason2:
            self.sites.append(Site(key, cand.spec, ch.USE_STMT_ONLY, False, root_base, key))
            self.sites.extend(verdict.sites)

    def _group_verdict(
        self,
        frame: Frame,
        group: list[_VarCandidate],
        spec: ch.RootSpec,
        key: Key,
        tables: frozenset[str],
    ) -> _VarVerdict:
        """What the uses of the query variable the queries of ``group`` are assigned to decide,
        with the sites of those uses (the first query's)."""
        uses: list[_VarUse] = []
        return group_verdict(
            group,
            QueryScope(frozenset(frame.aliased), tables, group[0].name in frame.nested_names),
            lambda rebuild: self._variable_uses(frame, group, spec, uses, rebuild),
            lambda base, verdict: self._variable_sites(uses, base, spec, key, verdict),
            lambda: [use.chain for use in uses if use.executes],
        )

    def _variable_uses(
        self,
        frame: Frame,
        group: list[_VarCandidate],
        spec: ch.RootSpec,
        uses: list[_VarUse],
        rebuild: Rebuilds,
    ) -> tuple[str, str]:
        """Collect the uses and rebuilds of a query variable; why it stays manual, with the id."""
        cand = group[0]
        ran = False  # the variable now holds the query's result (`q = q.all()`)
        for name_node in frame.names.get(cand.name, []):
            if ran:
                continue  # (a read of the result, or a later assignment: no query)
            parent = self.parent(name_node)
            if isinstance(parent, cst.AssignTarget):
                assign = self.parent(parent)
                if any(assign is c.assign for c in group) or _is_rebuild(assign, spec):
                    continue  # a rebuild is checked from its value below
                return ch.reassigned(cand.name, self.key(parent)[0])
            outer = self._climb(name_node)
            chain = ch.split_chain(outer, spec)
            assert chain is not None
            if _assigns_to(self.parent(outer), outer, cand.name):
                if chain.subscript is None and self._runs_into_itself(group, outer, chain):
                    use, parens = self._use(outer)
                    uses.append(_VarUse(outer, chain, use, parens, True))
                    ran = True
                    continue
                if chain.terminal is not None or chain.subscript is not None:
                    return f"`{cand.name}` is reassigned to a result, not a query", R.QUERY_VARIABLE
                rebuild.steps.extend(chain.builders)
                if self._in_assigning_block(group, outer):
                    rebuild.in_block.extend(chain.builders)
                uses.append(_VarUse(outer, chain, ch.USE_STMT_ONLY, False, False))
                continue
            use, parens = self._use(outer)
            if chain.terminal is None and chain.subscript is None and self._tested(outer):
                return ch.truth_tested(cand.name)
            if chain.terminal is None and chain.subscript is None and use != ch.USE_ITER:
                return ch.used_as_value(cand.name, self._set_operation(outer))
            uses.append(_VarUse(outer, chain, use, parens, True))
        return "", ""

    def _tested(self, outer: cst.BaseExpression) -> bool:
        """Whether ``outer`` is tested for truth: ``if q:``, ``while q:``, ``not q``, an operand
        of ``and``/``or``, the condition of ``a if q else b``."""
        parent = self.parent(outer)
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)):
            return parent.test is outer
        if isinstance(parent, cst.UnaryOperation):
            return isinstance(parent.operator, cst.Not)
        return isinstance(parent, cst.BooleanOperation)

    def _set_operation(self, outer: cst.BaseExpression) -> str:
        """The set operation (``union_all``) ``outer`` is a positional argument of, or ""."""
        arg = self.parent(outer)
        if not isinstance(arg, cst.Arg) or arg.keyword is not None or arg.star:
            return ""
        call = self.parent(arg)
        if not isinstance(call, cst.Call):
            return ""
        name = _last_name(call.func)
        return name if name in ch.SET_OPERATIONS else ""

    def _runs_into_itself(
        self, group: list[_VarCandidate], outer: cst.BaseExpression, chain: ch.Chain
    ) -> bool:
        """``q = q.order_by(...).all()`` in the block that assigned the query: the variable holds
        the result from there on (the statement runs after the query's assignments, and every
        later read of the name reads the result)."""
        return chain.terminal is not None and self._in_assigning_block(group, outer)

    def _in_assigning_block(self, group: list[_VarCandidate], outer: cst.BaseExpression) -> bool:
        """Whether the assignment of ``outer`` is in the block of every assignment of ``group``."""
        return all(self._block(c.assign) is self._block(self.parent(outer)) for c in group)

    def _block(self, assign: cst.CSTNode | None) -> cst.CSTNode | None:
        """The statement list an assignment's line is in."""
        line = self.parent(assign) if assign is not None else None
        return self.parent(line) if line is not None else None

    def _variable_sites(
        self,
        uses: list[_VarUse],
        base: ch.Base,
        spec: ch.RootSpec,
        key: Key,
        verdict: _VarVerdict,
    ) -> None:
        """Check every use of a valid query variable against both targets; collect its sites."""
        for use in uses:
            standalone = self._standalone(use.outer)
            (found, found_id), (found2, found2_id) = _check(use.chain, base, use.use, standalone)
            verdict.settle(found, found_id, found2, found2_id)
            if verdict.reason and verdict.reason2:
                break
            verdict.add_eager_rows(_eager_rows(use.chain, base, use.use, standalone))
            terminal = use.chain.terminal
            if terminal is not None and terminal.name in ch.FSA_TERMINALS:
                verdict.terminal = terminal.name
            if use.executes and not verdict.blocker:
                verdict.blocker = self._use_blocker(use.outer)
            site = Site(self.key(use.outer), spec, use.use, use.parens, base, key, standalone)
            verdict.sites.append(site)

    def _use_blocker(self, node: cst.CSTNode) -> str:
        current: cst.CSTNode | None = self.parent(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            if isinstance(current, cst.Lambda):
                return "inside a lambda, which cannot contain `await`"
            if isinstance(current, cst.GeneratorExp):
                return "inside a generator expression"
            current = self.parent(current)
        return ""

    def _session_method(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        missing = func.attr.value in MISSING_ON_ASYNC
        if not (func.attr.value in ASYNC_SESSION_METHODS or missing):
            return
        kind = self.session_kind(func.value)
        if kind is None or kind == KIND_FSA:
            return
        if isinstance(self.parent(node), cst.Await) and not missing:
            if self.frames:
                self.frames[-1].awaits_session = True
            return
        key = self.key(node)
        self.awaits.append(
            AwaitFact(
                key,
                key[0],
                key[1],
                self.scope(),
                self._caller(),
                func.attr.value,
                kind,
                self.snippet(node, prefix="await:"),
                self.context_blocker(),
                missing_on_async=missing,
            )
        )

    def _call_fact(self, node: cst.Call) -> None:
        target = self._target(node.func)
        if target is None:
            return
        key = self.key(node)
        guard = self._main_guard(node)
        self.calls.append(
            CallFact(
                key,
                key[0],
                key[1],
                self._caller(),
                target,
                self._handled(node),
                "" if guard else self.context_blocker(),
                main_guard=guard,
                statement=isinstance(self.parent(node), cst.Expr),
            )
        )

    def _main_guard(self, node: cst.Call) -> bool:
        """``main()`` as a statement of its own under a module-level ``if __name__ == "__main__":``."""
        if self.frames or self.class_stack or self.blockers:
            return False
        expr = self.parent(node)
        line = self.parent(expr) if isinstance(expr, cst.Expr) else None
        block = self.parent(line) if isinstance(line, cst.SimpleStatementLine) else None
        test = self.parent(block) if isinstance(block, cst.IndentedBlock) else None
        if not (isinstance(test, cst.If) and isinstance(line, cst.SimpleStatementLine)):
            return False
        if len(line.body) != 1 or not isinstance(self.parent(test), cst.Module):
            return False
        condition = test.test
        return (
            isinstance(condition, cst.Comparison)
            and isinstance(condition.left, cst.Name)
            and condition.left.value == "__name__"
            and len(condition.comparisons) == 1
            and isinstance(condition.comparisons[0].operator, cst.Equal)
            and isinstance(condition.comparisons[0].comparator, cst.SimpleString)
            and condition.comparisons[0].comparator.evaluated_value == "__main__"
        )

    def _handled(self, node: cst.Call) -> bool:
        """Awaited, or handed to the event loop (``asyncio.run(main())``, ``create_task``...)."""
        parent = self.parent(node)
        if isinstance(parent, cst.Await):
            return True
        if isinstance(parent, cst.Arg):
            grand = self.parent(parent)
            return isinstance(grand, cst.Call) and _last_name(grand.func) in LOOP_ENTRIES
        return False

    def _target(self, func: cst.BaseExpression) -> tuple[str, ...] | None:
        if isinstance(func, cst.Name):
            if self._local(func.value):
                return None
            return ("sym", func.value)
        if not isinstance(func, cst.Attribute):
            return None
        method, owner = func.attr.value, func.value
        if isinstance(owner, cst.Name):
            return self._name_target(owner.value, method)
        if (
            isinstance(owner, cst.Attribute)
            and isinstance(owner.value, cst.Name)
            and owner.value.value == "self"
            and self.class_stack
        ):
            return ("selfattr", self.class_stack[0], owner.attr.value, method)
        if (
            isinstance(owner, cst.Call)
            and isinstance(owner.func, cst.Name)
            and ch.is_camel(owner.func.value)
        ):
            return ("typed", owner.func.value, method)  # a fresh instance: `Svc(db).run()`
        return None

    def _name_target(self, name: str, method: str) -> tuple[str, ...] | None:
        """What ``name.method(...)`` calls: a method of ``self``, of a typed local, or a module's."""
        return name_call_target(name, method, self.frames, self.info, self.class_stack)

    def facts(self) -> ModuleFacts:
        """The picklable result of the scan."""
        return ModuleFacts(
            path=self.path,
            module=self.info.module,
            chains=tuple(self.chains),
            awaits=tuple(self.awaits),
            functions=tuple(self.functions),
            classes=tuple(self.class_facts),
            calls=tuple(self.calls),
            imports=tuple(sorted((k, v[0], v[1]) for k, v in self.info.imports.items())),
            defines_db=self.info.defines_db,
            async_markers=self.async_markers,
            sync_markers=self.sync_markers,
        )


#: decorators of libraries that wrap coroutine functions in async wrappers of their own.
ASYNC_CAPABLE = frozenset({("tenacity", "retry")})


class Scope(Protocol):
    """What a name lookup reads of a function's frame (:class:`Frame`, and the `ast` fast
    path's): session locals by kind, class-typed locals, every bound local."""

    @property
    def sessions(self) -> dict[str, str]:
        """Local name → session kind."""

    @property
    def types(self) -> dict[str, str]:
        """Local name → class symbol."""

    @property
    def locals(self) -> set[str]:
        """Every name the function binds."""

    @property
    def db_names(self) -> set[str]:
        """Names the function imports its Flask-SQLAlchemy extension object as."""


def name_session_kind(
    name: str, frames: Sequence[Scope], info: ModuleInfo, session_names: frozenset[str]
) -> str | None:
    """The session kind of the name ``name`` where ``frames`` (outermost first) stand."""
    for frame in reversed(frames):
        if name in frame.sessions:
            return frame.sessions[name]
        if name in frame.locals and name not in session_names:
            return None
    if name in info.sessions:
        return info.sessions[name]
    return KIND_UNKNOWN if name in session_names else None


def attribute_session_kind(
    owner: str,
    attr: str,
    class_stack: Sequence[str],
    classes: Mapping[str, ClassInfo],
    info: ModuleInfo,
    frames: Sequence[Scope],
    session_names: frozenset[str],
) -> str | None:
    """The session kind of ``owner.attr``: a session attribute of ``self``/``cls``,
    Flask-SQLAlchemy's ``db.session`` (``db`` imported by the module or by a function around),
    or a name of ``session_names`` read from an imported module (``model.Session``) or from any
    other object (Pyramid's ``request.db``, where ``db`` is listed)."""
    if owner in {"self", "cls"} and class_stack:
        cls = classes.get(class_stack[0])
        return cls.sessions[attr] if cls is not None and attr in cls.sessions else None
    if attr in session_names and owner in info.imports:
        return None if any(owner in frame.locals for frame in frames) else KIND_UNKNOWN
    if attr in session_names:
        return KIND_UNKNOWN
    if attr != "session":
        return None
    if owner in info.db_names or any(owner in frame.db_names for frame in frames):
        return KIND_FSA
    return None


def module_db_session_kind(
    names: tuple[str, str, str], info: ModuleInfo, frames: Sequence[Scope]
) -> str | None:
    """The session kind of ``models.db.session`` (``names``): Flask-SQLAlchemy's session, read
    through the imported module that holds the project's ``db``."""
    owner, db, attr = names
    if attr != "session" or owner not in info.imports or any(owner in f.locals for f in frames):
        return None
    return KIND_FSA if binds_fsa_db(info.imports[owner][0], db) else None


def name_call_target(
    name: str, method: str, frames: Sequence[Scope], info: ModuleInfo, class_stack: Sequence[str]
) -> tuple[str, ...] | None:
    """What ``name.method(...)`` calls: a method of ``self``, of a typed local, or a module's."""
    if name in {"self", "cls"} and class_stack:
        return ("self", class_stack[0], method)
    for frame in reversed(frames):
        if name in frame.types:
            return ("typed", frame.types[name], method)
        if name in frame.locals:
            return None
    if name in info.imports and not info.imports[name][1]:
        return ("modattr", name, method)
    if name in info.imports or name in info.classes:
        return ("typed", name, method) if ch.is_camel(name) else ("modattr", name, method)
    return None


def _async_capable(decorator: cst.BaseExpression, info: ModuleInfo) -> bool:
    """``@retry(...)`` imported from tenacity: it awaits a coroutine function it decorates."""
    func = decorator.func if isinstance(decorator, cst.Call) else decorator
    if not isinstance(func, cst.Name):
        return False
    return info.imports.get(func.value) in {(module, name) for module, name in ASYNC_CAPABLE}


def _fsa_db(receiver: cst.BaseExpression) -> str:
    """``db`` of ``db.session``, ``models.db`` of ``models.db.session``."""
    if isinstance(receiver, cst.Attribute):
        owner = receiver.value
        if isinstance(owner, cst.Name):
            return owner.value
        if isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name):
            return f"{owner.value.value}.{owner.attr.value}"
    return "db"


def _lines_with(text: str, word: str) -> list[int]:
    """The (1-based) numbers of the lines of ``text`` that contain ``word``, as positions count lines."""
    if word not in text:
        return []
    return [number for number, line in enumerate(_LINE.split(text), 1) if word in line]


#: a line break as LibCST's positions count them
_LINE = re.compile(r"\r\n?|\n")


def _check(
    chain: ch.Chain, base: ch.Base, use: str, standalone: bool = False
) -> tuple[tuple[str, str], tuple[str, str]]:
    """Why the chain cannot be rewritten, with the reason's id: for Flask-SQLAlchemy 3.x and 2.x.

    ``("", "")`` where it can.
    """
    fsa3 = _reason(chain, base, ch.Context(SYNC, use, standalone=standalone))
    term = chain.terminal
    if term is None or term.name not in ch.FSA_TERMINALS:
        # `convert` reads `fsa3` only for Flask-SQLAlchemy's own terminals: the same answer.
        return fsa3, fsa3
    return fsa3, _reason(chain, base, ch.Context(SYNC, use, standalone=standalone, fsa3=False))


def _eager_rows(
    chain: ch.Chain, base: ch.Base, use: str, standalone: bool
) -> tuple[str, ...] | None:
    """:func:`chains.eager_rows` of a chain that converts."""
    return ch.eager_rows(chain, base, ch.Context(SYNC, use, standalone=standalone))


def _reason(chain: ch.Chain, base: ch.Base, context: ch.Context) -> tuple[str, str]:
    """Why ``chain`` does not convert in ``context``, with the reason's id; ``("", "")`` when it does."""
    try:
        ch.check(chain, base, context)
    except ch.Unsupported as exc:
        return str(exc), exc.reason_id
    return "", ""


def _entities(root: cst.BaseExpression) -> tuple[str, ...]:
    """Class names a query starts from: ``Model`` of ``Model.query``, those in ``query(...)``."""
    if isinstance(root, cst.Call):
        return tuple(sorted(ch.class_names([a.value for a in root.args])))
    if isinstance(root, cst.Attribute):
        return (_last_name(root.value),)
    return ()


def untyped_query_reason(is_cls: bool, code: str, method: str = "", terminal: str = "") -> str:
    """Why ``<code>.query.<method>...<terminal>()`` on a class nobody can name stays manual
    (``cls.query`` when ``is_cls``)."""
    if is_cls:
        return (
            "`cls.query` in a classmethod: the model is whatever class the method is called "
            "on, and subclasses may set their own query class; rewrite by hand as "
            f"{_by_hand('cls', method, terminal)} once you know every caller's class"
        )
    if code == "self":
        return (
            "`self.query` on a model instance: the query is that of whatever class `self` "
            "is, and subclasses may set their own query class; rewrite by hand as "
            f"{_by_hand('type(self)', method, terminal)} or name the model"
        )
    return (
        f"cannot tell which model `{code}` holds (an attribute, a parameter or a "
        f"variable), nor whether its query class is the default one; rewrite by hand as "
        f"{_by_hand(code, method, terminal)} where it holds a model class, or "
        f"{_by_hand(f'type({code})', method, terminal)} where it holds an instance "
        "(the statement needs the class: `select()` of an instance raises `ArgumentError`)"
    )


def _by_hand(model: str, method: str, terminal: str) -> str:
    """The 2.0 form a manual rewrite of ``<model>.query.<method>...<terminal>()`` takes: a bulk
    ``delete()``/``update()`` is a statement the session executes, not rows to read."""
    if method == "get":
        return f"`db.session.get({model}, ...)`"
    if terminal == "delete":
        return f"`db.session.execute(db.delete({model}).where(...))`"
    if terminal == "update":
        return f"`db.session.execute(db.update({model}).where(...).values(...))`"
    return f"`db.session.scalars(db.select({model})...)`"


def _unknown_session(receiver: cst.BaseExpression) -> str:
    name = _last_name(receiver)
    listed = f"`-o session_names={name}`" if name else "the `session_names` option"
    return (
        f"`{_code(receiver)}` is not known to be a SQLAlchemy session (no annotation, no "
        f"session factory, no session-like name): rewrite it by hand, or list its name ({listed})"
    )


def _executes(chain: ch.Chain, use: str) -> bool:
    """Does the rewritten chain run a statement (and so need `await` in async mode)?"""
    if use in {ch.USE_IN_ARG, ch.USE_STMT_ONLY}:
        return False
    term = chain.terminal
    return term is None or term.name not in ch.STATEMENT_TERMINALS


def scan(
    source_path: str,
    module: cst.Module,
    text: str,
    session_names: Sequence[str],
    plumbing: bool = True,
    not_sessions: Collection[str] = (),
) -> tuple[ScanResult, MetadataWrapper]:
    """Scan a module; the wrapper is returned so the rewrite can transform the same nodes.

    ``plumbing=False`` leaves out the session plumbing's facts (only a run that converts the
    plumbing reads them); ``not_sessions`` are the project's classes named like a session class
    that are not one (dotted, see :func:`module_info`).
    """
    # A freshly parsed module has no shared nodes, so the defensive deep copy (~15% of a scan) is
    # not needed; the tree is never mutated.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    # Parents come from the scan's own walk, positions from one cheap code generation pass; the
    # rewrite resolves LibCST's metadata itself, in the files it edits.
    table = positions(wrapper.module)
    names = frozenset(session_names)
    scanner = _Scanner(source_path, wrapper.module, names, text, table, not_sessions)
    walk(wrapper.module, scanner)
    facts = scanner.facts()
    if plumbing and needs_plumbing(text):
        facts = replace(facts, plumbing=scan_plumbing(wrapper.module, table))
    return ScanResult(facts, scanner.sites), wrapper


#: what makes a module worth the plumbing pass: a session factory may have any name
#: (``session_factory``, ``make_session``), an engine is mostly named ``engine``.
_PLUMBING = re.compile(r"create_engine|(?i:session)|create_all|drop_all|\bengine\b")


def needs_plumbing(text: str) -> bool:
    """Whether the module may create engines, session factories, sessions or tables."""
    return _PLUMBING.search(text) is not None


def _comprehension_names(for_in: cst.CompFor | None) -> set[str]:
    """The names the ``for`` clauses of a comprehension bind."""
    names: set[str] = set()
    while for_in is not None:
        names.update(_target_names(for_in.target))
        for_in = for_in.inner_for_in
    return names


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
