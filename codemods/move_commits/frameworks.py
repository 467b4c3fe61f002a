"""What counts as a database session, a framework object, and the route layer.

Everything here resolves names through LibCST scope and qualified-name metadata, never through text
alone: ``git.commit()`` is not a session commit, and Flask's ``session`` is not a database session.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, cast

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Access,
    BaseAssignment,
    BuiltinAssignment,
    ImportAssignment,
    Scope,
)

from backfix.cst_scopes import resolve_inner_scopes, resolve_scopes
from backfix.cst_unit_positions import unit_positions
from backfix.cst_utils import last_name
from backfix.cst_walk import children, read_only_visits
from backfix.project import is_test_module
from backfix.web_routes import GRAPHQL_INFO_TYPES, GRAPHQL_MUTATE_METHODS

from . import module_nodes
from .module_nodes import SCOPE_TYPES, walk_module
from .placement import VERSION_FOLDER

if TYPE_CHECKING:
    from .proxies import Proxies

#: set False to look up every name's qualified names (the equivalence test compares both).
FRAMEWORK_NAMES_SHORTCUT = True
DEFAULT_SESSION_NAMES = ("session", "db", "db_session", "dbsession", "sess", "async_session")
DEFAULT_ROUTE_PATHS = ("routes", "routers", "views", "api", "endpoints", "handlers")
#: folders that hold another layer of an application: a route folder's name above one of them
#: (``fides/api/models/``) names the application's package, not its route layer
APPLICATION_LAYERS = frozenset(
    {
        "models", "model", "db", "database", "schemas", "services", "service", "repositories",
        "repository", "crud", "tasks", "task", "worker", "workers", "util", "utils", "core",
        "migrations", "alembic",
    }
)  # fmt: skip

FRAMEWORK_ROOTS = frozenset(
    {
        "flask",
        "flask_login",
        "flask_security",  # Flask-Security(-Too) re-exports `current_user`, `login_user`...
        "flask_jwt_extended",
        "quart",
        "werkzeug",
        "flask_restx",
        "flask_restful",
        "flask_smorest",
        "fastapi",
        "starlette",
        "flask_babel",
    }
)
#: framework objects whose attributes the route may read and pass on as plain values.
VALUE_OBJECTS = frozenset({"request", "g", "session", "current_app", "current_user"})
#: framework callables that build responses or have request-level side effects.
RESPONSE_CALLABLES = frozenset(
    {
        "abort",
        "flash",
        "jsonify",
        "redirect",
        "render_template",
        "render_template_string",
        "make_response",
        "send_file",
        "send_from_directory",
        "url_for",
        "stream_with_context",
        "after_this_request",
        "login_user",
        "logout_user",
    }
)
#: framework functions whose result depends on the request's locale.
TRANSLATION_CALLABLES = frozenset(
    {"_", "gettext", "ngettext", "pgettext", "lazy_gettext", "lazy_ngettext", "get_locale"}
)
#: framework functions that read the request's credentials (Flask-JWT-Extended's token).
CREDENTIAL_CALLABLES = frozenset(
    {"get_jwt_identity", "get_jwt", "get_jwt_header", "get_current_user"}
)
#: framework functions whose result depends on the request: called with constant arguments, the
#: route evaluates the call and passes the value.
READER_CALLABLES = TRANSLATION_CALLABLES | CREDENTIAL_CALLABLES
#: methods of auth extension objects that read the request (Flask-HTTPAuth ``auth.current_user()``).
AUTH_READER_METHODS = frozenset({"current_user", "username"})
#: methods that parse the request into values: Flask-RESTful's and Flask-RESTX's
#: ``RequestParser.parse_args()`` (``args = self.reqparse.parse_args()``)
PARSER_READER_METHODS = frozenset({"parse_args"})
#: callables that build the response body from model objects (presentation).
PRESENTATION_METHODS = frozenset({"dump", "dumps", "marshal", "marshal_with"})
#: FastAPI/Starlette parameter types: readable values vs. objects whose use is a side effect; a
#: GraphQL resolver's ``info`` is its request.
PARAM_VALUE_TYPES = frozenset({"Request", "HTTPConnection"}) | GRAPHQL_INFO_TYPES
PARAM_EFFECT_TYPES = frozenset({"Response", "BackgroundTasks", "WebSocket"})
#: methods of framework objects that only read (``request.get_json()``, ``request.args.get("x")``).
READER_METHODS = frozenset(
    {
        "get",
        "get_json",
        "getlist",
        "to_dict",
        "get_data",
        "json",
        "form",
        "body",
        "_get_current_object",
    }
)
#: session methods that write (used to tell "the writes before an early return" apart).
SESSION_WRITES = frozenset(
    {
        "add",
        "add_all",
        "delete",
        "merge",
        "flush",
        "execute",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
#: the modules of DB-API drivers, whose exceptions come from the database only, as SQLAlchemy's do
DBAPI_DRIVERS = (
    "sqlite3.", "sqlean.", "psycopg2.", "psycopg.", "pymysql.", "MySQLdb.", "mysql.connector.",
    "asyncpg.", "aiosqlite.", "aiomysql.", "asyncmy.", "pg8000.", "oracledb.", "cx_Oracle.",
    "pyodbc.",
)  # fmt: skip
#: DB-API's exception classes (PEP 249), but ``Warning``
DBAPI_ERRORS = frozenset(
    {
        "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
        "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    }
)  # fmt: skip


def is_database_error(qualified_name: str) -> bool:
    """Whether the class of this qualified name is a database error: SQLAlchemy's
    (``sqlalchemy.exc.IntegrityError``) or a DB-API driver's (``sqlite3.IntegrityError``,
    ``psycopg2.errors.UniqueViolation``, ``asyncpg.exceptions.UniqueViolationError``)."""
    if qualified_name.startswith("sqlalchemy."):
        return True
    if not qualified_name.startswith(DBAPI_DRIVERS):
        return False
    return (
        qualified_name.rpartition(".")[2] in DBAPI_ERRORS
        or ".errors." in qualified_name
        or ".exceptions." in qualified_name
    )


#: callables that check the request and stop it with an HTTP error (``require_permission(...)``,
#: ``get_object_or_404(...)``, ``Model.query.get_or_404(...)``): they stay in the route, in place.
GUARD_PREFIXES = ("require_", "check_", "ensure_", "verify_", "authorize", "assert_", "validate_")
GUARD_SUFFIXES = ("_or_404", "_or_403", "_or_400", "_or_abort")


def is_guard_name(name: str) -> bool:
    """Whether a callable's name says it checks the request and may stop it."""
    lowered = name.lower()
    return lowered.startswith(GUARD_PREFIXES) or lowered.endswith(GUARD_SUFFIXES)


ROUTE_BASES = frozenset({"MethodView", "View", "Resource", "FlaskView"})
#: names a module's logger goes by (``_log``, ``LOGGER`` too): calls on it log, never write
LOGGER_NAMES = frozenset({"log", "logger"})
DYNAMIC_BUILTINS = frozenset({"locals", "vars", "globals", "eval", "exec"})


def iter_nodes(node: cst.CSTNode, *, into_scopes: bool = True) -> Iterator[cst.CSTNode]:
    """``node`` and every descendant; without ``into_scopes``, nested defs and classes are yielded
    but not entered. (In a module the analysis indexed, ``ModuleIndex.subtree`` lists the same
    nodes but tokens, walking each part of the module once.)"""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_scopes and current is not node and type(current) in SCOPE_TYPES:
            continue
        stack.extend(reversed(children(current)))


def _scopes(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """The scope of every node of ``module`` but tokens (whitespace, operators, punctuation):
    the analysis never asks for the scope of one (``module_nodes.TOKENS``)."""
    if module_nodes.TOKENS:
        with read_only_visits():
            return resolve_scopes(module)
    return resolve_inner_scopes(module)


@dataclass(frozen=True)
class FrameworkUse:
    """How a name relates to the web framework: ``value``, ``callable``, ``effect``, ``http`` or
    ``self``."""

    kind: str
    name: str


class ModuleIndex:
    """LibCST metadata of one module, with the look-ups the codemod needs."""

    def __init__(
        self,
        module: cst.Module,
        session_names: Collection[str],
        tree: ast.Module | None = None,
        text: str | None = None,
        proxies: Proxies | None = None,
    ) -> None:
        self.module = module
        #: the request objects the module imports from the project's own modules
        self.proxies = proxies
        #: the module's text, when ``tree`` is `ast` of it (the lines of one-line statements
        #: are their code: see ``ExtractionBuilder``)
        self.text = text if tree is not None else None
        self.scopes = _scopes(module)
        self._qualified: dict[int, set[str]] = {}
        self.nodes = walk_module(module)
        self.parents = self.nodes.parents
        self.subtrees = self.nodes.subtrees
        #: ``tree`` is `ast` of the module's text: with it, positions come from the statements
        #: asked about instead of the whole module's code
        self.positions = unit_positions(module, tree, self.parents)
        self.session_names = frozenset(session_names)
        self.accesses: dict[int, Access] = {}
        self._scope_list: list[Scope] = []
        seen: set[int] = set()
        for scope in self.scopes.values():
            if scope is None or id(scope) in seen:
                continue
            seen.add(id(scope))
            self._scope_list.append(scope)
            for access in scope.accesses:
                self.accesses[id(access.node)] = access
                if type(access.node) is cst.Attribute:
                    # `a.b.f()` of `import a.b`: LibCST records the access on `a.b`; the name
                    # read is `a`, which the analysis looks up
                    self.accesses[id(attribute_root(access.node))] = access
        self._framework_bound: frozenset[str] | None = None

    # --- generic look-ups ------------------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The parent node, or None for the module (and for a token: see ``module_nodes``)."""
        return self.parents.get(id(node))

    def subtree(self, node: cst.CSTNode, *, into_scopes: bool = True) -> list[cst.CSTNode]:
        """What :func:`iter_nodes` yields but tokens, as a list read from the module's one walk."""
        return self.subtrees.subtree(node, into_scopes=into_scopes)

    def is_within(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        """Whether ``node`` is ``ancestor`` or below it."""
        parents = self.parents
        current: cst.CSTNode | None = node
        while current is not None:
            if current is ancestor:
                return True
            current = parents.get(id(current))
        return False

    def line_col(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and 0-based column of ``node``."""
        return self.positions.start(node)

    def starts_at_or_after(self, node: cst.CSTNode, position: tuple[int, int]) -> bool:
        """``line_col(node) >= position``, from the statements' lines where they settle it."""
        return self.positions.starts_at_or_after(node, position)

    def starts_before(self, node: cst.CSTNode, other: cst.CSTNode) -> bool:
        """``line_col(node) < line_col(other)``, from the statements' lines where they settle it."""
        return self.positions.starts_before(node, other)

    def end_of(self, node: cst.CSTNode) -> tuple[int, int]:
        """Line and column where ``node`` ends."""
        return self.positions.end(node)

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        """The scope ``node`` is in."""
        return self.scopes.get(node)

    @property
    def module_scope(self) -> Scope | None:
        """The module's own scope (None for an empty module)."""
        return self.scope_of(self.module.body[0]) if self.module.body else None

    def referents(self, node: cst.CSTNode) -> Collection[BaseAssignment]:
        """The assignments a Name access may refer to (empty when ``node`` is not an access)."""
        access = self.accesses.get(id(node))
        return access.referents if access is not None else ()

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        """Qualified names of ``node`` (``flask.request`` for an imported ``request``).

        What ``QualifiedNameProvider`` gives, asked of the node's scope only for the nodes the
        analysis looks at: the provider walks the whole module to set up the same question
        for every node.
        """
        key = id(node)
        names = self._qualified.get(key)
        if names is None:
            scope = self.scopes.get(node)
            found = scope.get_qualified_names_for(node) if scope else set()
            names = self._qualified[key] = {q.name for q in found}
        return names

    def framework_names(self, node: cst.CSTNode) -> Collection[str]:
        """The qualified names of ``node`` that may start with a framework root: all of them, or
        none when ``node`` cannot have such a name (see :meth:`_framework_bound_names`)."""
        if FRAMEWORK_NAMES_SHORTCUT:
            first = _first_name(node)
            bound = self._framework_bound_names()
            if first is not None and not bound.intersection((first, "")):
                return ()
        names = self.qualified_names(node)
        if self.proxies is None or not self.proxies.qualified:
            return names
        return {_proxied(name, self.proxies.qualified) for name in names}

    def imports_framework(self) -> bool:
        """Whether the module imports a web framework, or from one, anywhere (``from flask import
        request``, ``import fastapi``); also when an import's module cannot be read."""
        return any(
            isinstance(assignment, ImportAssignment) and _framework_binding(assignment)
            for scope in self._scope_list
            for assignment in scope.assignments
        )

    def _framework_bound_names(self) -> frozenset[str]:
        """The first parts of names that may have a framework qualified name: the names bound by
        importing from a framework (and the framework roots themselves).

        A qualified name is the import's module and name, ``builtins.`` and a name, or the name
        itself below the scopes of the definitions around it (``view.<locals>.x``), so only
        these names (looked up from their first part) can start with a framework root. With a
        function or class named like a framework root, or an import whose name LibCST cannot
        read, every name can: the set then holds ``""``, and every name is looked up.
        """
        if self._framework_bound is None:
            bound = set(FRAMEWORK_ROOTS)
            if self.proxies is not None:
                bound |= self.proxies.local_names
            for scope in self._scope_list:
                for assignment in scope.assignments:
                    bound |= _framework_binding(assignment)
            self._framework_bound = frozenset(bound)
        return self._framework_bound

    # --- framework objects -----------------------------------------------------------------------------

    def framework_use(self, node: cst.CSTNode) -> FrameworkUse | None:
        """What ``node`` (a Name, or an Attribute like ``flask.request``) is, if framework-related."""
        for qname in self.framework_names(node):
            parts = qname.split(".")
            if parts[0] not in FRAMEWORK_ROOTS or len(parts) < 2:
                continue
            last = parts[-1]
            if any(p in VALUE_OBJECTS or p in RESPONSE_CALLABLES for p in parts[:-1]):
                continue
            if last in VALUE_OBJECTS:
                return FrameworkUse("value", last)
            if last in RESPONSE_CALLABLES:
                return FrameworkUse("callable", last)
            if last in READER_CALLABLES:
                return FrameworkUse("reader", last)
            if last.endswith("HTTPException") or qname.startswith("werkzeug.exceptions."):
                return FrameworkUse("http", last)
        if not isinstance(node, cst.Name):
            return None
        if self.is_builtin(node, {"super"}):
            # `super()` stands for `self`, and means nothing in another class's method
            return FrameworkUse("self", "super")
        for assignment in self.referents(node):
            target = getattr(assignment, "node", None)
            if not isinstance(target, cst.Param):
                continue
            annotation = target.annotation.annotation if target.annotation else None
            type_name = last_name(annotation)
            if type_name in PARAM_VALUE_TYPES or self._is_mutate_info(target):
                return FrameworkUse("value", node.value)
            if type_name in PARAM_EFFECT_TYPES:
                return FrameworkUse("effect", node.value)
            if node.value in {"self", "cls"} and self._is_first_method_param(target):
                return FrameworkUse("self", node.value)
        return None

    def _is_mutate_info(self, param: cst.Param) -> bool:
        """``info`` of Graphene's ``def mutate(root, info, **kwargs)``: unannotated, the request's
        resolve info all the same."""
        if param.name.value != "info" or param.annotation is not None:
            return False
        params = self.parent(param)
        function = self.parent(params) if params is not None else None
        return (
            isinstance(function, cst.FunctionDef) and function.name.value in GRAPHQL_MUTATE_METHODS
        )

    def _is_first_method_param(self, param: cst.Param) -> bool:
        params = self.parent(param)
        function = self.parent(params) if params is not None else None
        if not isinstance(params, cst.Parameters) or not isinstance(function, cst.FunctionDef):
            return False
        if not params.params or params.params[0] is not param:
            return False
        block = self.parent(function)
        return isinstance(block, cst.IndentedBlock) and isinstance(self.parent(block), cst.ClassDef)

    def is_http_exception(self, node: cst.BaseExpression) -> bool:
        """A raised value that is an HTTP error (``HTTPException(...)``, ``NotFound()``...)."""
        target: cst.CSTNode = node.func if isinstance(node, cst.Call) else node
        use = self.framework_use(target)
        if use is not None and use.kind == "http":
            return True
        return last_name(target).endswith("HTTPException")

    def is_builtin(self, node: cst.Name, names: Collection[str]) -> bool:
        """``node`` refers to one of the builtins ``names`` (not a shadowing local)."""
        if node.value not in names:
            return False
        referents = self.referents(node)
        return not referents or all(isinstance(r, BuiltinAssignment) for r in referents)

    # --- sessions --------------------------------------------------------------------------------------

    def is_session(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        """Whether ``expr`` evaluates to a database session (``db.session``, ``self.db``, a param
        ``db: Session = Depends(get_db)``, ``session`` from ``with Session() as session``...)."""
        if depth > 4:
            return False
        if self.is_listed_session(expr):
            return True
        if any(q.split(".")[0] in FRAMEWORK_ROOTS for q in self.framework_names(expr)):
            return False
        if isinstance(expr, cst.Attribute):
            return expr.attr.value in self.session_names
        if not isinstance(expr, cst.Name):
            return False
        if expr.value in self.session_names:
            return True
        for assignment in self.referents(expr):
            target = getattr(assignment, "node", None)
            if isinstance(target, cst.Param) and self._is_session_param(target):
                return True
            if isinstance(target, cst.Name) and self._is_session_binding(target, depth):
                return True
        return False

    def is_listed_session(self, expr: cst.BaseExpression) -> bool:
        """A dotted receiver the user listed in ``session_names`` (``flask.g.session``): a
        session, framework object or not, that every request has (reading it cannot fail)."""
        return (
            isinstance(expr, cst.Attribute) and get_full_name_for_node(expr) in self.session_names
        )

    def _is_session_param(self, param: cst.Param) -> bool:
        annotation = param.annotation.annotation if param.annotation else None
        if annotation is not None and "Session" in cst.Module([]).code_for_node(annotation):
            return True
        default = param.default
        if isinstance(default, cst.Call) and last_name(default.func) == "Depends" and default.args:
            provider = last_name(default.args[0].value).lower()
            return "db" in provider or "session" in provider
        return False

    def _is_session_binding(self, name: cst.Name, depth: int) -> bool:
        parent = self.parent(name)
        value: cst.BaseExpression | None = None
        if isinstance(parent, cst.AssignTarget):
            assign = self.parent(parent)
            value = assign.value if isinstance(assign, cst.Assign) else None
        elif isinstance(parent, cst.AnnAssign):
            value = parent.value
        elif isinstance(parent, cst.AsName):
            item = self.parent(parent)
            value = item.item if isinstance(item, cst.WithItem) else None
        if value is None:
            return False
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call):
            callee = last_name(value.func)
            return "session" in callee.lower() or callee == "sessionmaker"
        return self.is_session(value, depth + 1)


def _proxied(name: str, proxies: Mapping[str, str]) -> str:
    """``name`` with the request object it starts with spelled as the framework's own
    (``flask_login.current_user.id`` for ``.cw_login.current_user.id``)."""
    for imported, framework in proxies.items():
        if name == imported or name.startswith(imported + "."):
            return framework + name[len(imported) :]
    return name


def attribute_root(node: cst.Attribute) -> cst.BaseExpression:
    """The expression a chain of attributes starts from (``a`` of ``a.b.c``)."""
    current: cst.BaseExpression = node
    while isinstance(current, cst.Attribute):
        current = current.value
    return current


def _first_name(node: cst.CSTNode) -> str | None:
    """The first part of LibCST's full name (``get_full_name_for_node``) of a Name or an
    Attribute (``a`` for ``a.b().c[0].d``), without building the rest; None for another node or
    a chain that does not start with a name."""
    kind = type(node)
    if kind is not cst.Name and kind is not cst.Attribute:
        return None
    current = node
    while True:
        kind = type(current)
        if kind is cst.Name:
            return cast(cst.Name, current).value
        if kind is cst.Attribute:
            current = cast(cst.Attribute, current).value
        elif kind is cst.Call:
            current = cast(cst.Call, current).func
        elif kind is cst.Subscript:
            current = cast(cst.Subscript, current).value
        else:
            return None


def _framework_binding(assignment: BaseAssignment) -> set[str]:
    """What one assignment adds to ``ModuleIndex._framework_bound_names``."""
    first = assignment.name.split(".", 1)[0]
    if isinstance(assignment, ImportAssignment):
        import_node = assignment.node
        if isinstance(import_node, cst.ImportFrom):
            if import_node.relative:
                return set()  # `.x`: a relative module never starts with a framework root
            module = get_full_name_for_node(import_node.module) if import_node.module else None
            if module is None:
                return {""}
            return {first} if module.split(".", 1)[0] in FRAMEWORK_ROOTS else set()
        if not isinstance(import_node, cst.Import):
            return {""}
        for alias in import_node.names:
            real = get_full_name_for_node(alias.name)
            if real is None:
                return {""}
            if real.split(".", 1)[0] in FRAMEWORK_ROOTS:
                return {first}
        return set()
    if first in FRAMEWORK_ROOTS and isinstance(
        getattr(assignment, "node", None), (cst.FunctionDef, cst.ClassDef)
    ):
        return {""}
    return set()


def is_test_or_migration(path: str) -> bool:
    """A test module (``tests/``, ``test_*.py``, ``*_test.py``, ``conftest.py``) or a database
    migration (``migrations/``, ``alembic/``)."""
    migrations = {"migrations", "alembic"} & set(PurePosixPath(path).parts[:-1])
    return bool(migrations) or is_test_module(path)


def route_path_match(path: str, route_paths: Collection[str]) -> bool:
    """Whether a repository path is in a configured route path.

    An entry with ``/`` or a glob character is matched against the path (prefix or glob); a bare name
    matches a folder of that name, a module of that name, or a module ending in ``_<name>``.
    """
    pure = PurePosixPath(path)
    stem = pure.stem
    for entry in route_paths:
        if "/" in entry or any(ch in entry for ch in "*?["):
            clean = entry.strip("/")
            if path == clean or path.startswith(clean + "/") or pure.match(clean):
                return True
            continue
        if in_route_folder(pure.parts[:-1], entry) or stem == entry or stem.endswith("_" + entry):
            return True
    return False


#: module names of the data layers (not helpers: a route folder's ``util.py`` is route code)
DATA_LAYER_MODULES = frozenset(
    {"models", "model", "schemas", "schema", "db", "database", "crud", "repositories",
     "repository", "services", "service"}
)  # fmt: skip


def named_for_data_layer(path: str) -> bool:
    """Whether a module is named for a data layer of the application (``models.py``,
    ``pydantic_models.py``, ``crud.py``): it holds that layer's code, also in a route folder
    (``api/dashboards/models.py`` beside its views)."""
    stem = PurePosixPath(path).stem
    return any(stem == layer or stem.endswith("_" + layer) for layer in DATA_LAYER_MODULES)


def in_route_folder(folders: tuple[str, ...], name: str) -> bool:
    """Whether a module in ``folders`` is in a folder called ``name``, and not in a folder of
    another layer below it (``api/models/``: a package named ``api`` holding the application)."""
    if name not in folders:
        return False
    below = list(folders[len(folders) - folders[::-1].index(name) :])
    while below and VERSION_FOLDER.fullmatch(below[0]):  # (`api/v1/models/`)
        below.pop(0)
    return not below or below[0] not in APPLICATION_LAYERS
